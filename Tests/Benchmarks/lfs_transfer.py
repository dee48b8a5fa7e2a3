#!/usr/bin/env python3
"""LFS transfer benchmark: upload, download (against nginx with sendfile), concurrency, HEAD.

Usage, after `swift build -c release` and with nginx installed (`apt-get install nginx`):
    MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/lfs_transfer.py [--gib 1]

Everything runs on 127.0.0.1. It prints:
- LFS PUT of the file with curl vs `openssl dgst -sha256` of the same file (the hashing limit),
  and the server's peak RSS during the PUT;
- download of the file through /resolve/ with curl vs nginx serving the same file (sendfile on);
- 32 concurrent downloads from modelhub and from nginx: aggregate rate and modelhub's peak RSS;
- a ranged download (the second half of the file) from both;
- HEAD /resolve/ on a 10 GB LFS file (a sparse file of zeros, stored and bound like any object).
"""

import argparse
import hashlib
import json
import os
import pathlib
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
from hubprocess import Git, HubProcess  # noqa: E402
from git_pack_memory import Sampler  # noqa: E402

LFS = "application/vnd.git-lfs+json"


def sha256_of(path: pathlib.Path) -> tuple[str, float]:
    started = time.monotonic()
    out = subprocess.run(["openssl", "dgst", "-sha256", "-r", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.split()[0], time.monotonic() - started


def durable_copy_seconds(source: pathlib.Path, target: pathlib.Path) -> float:
    """The disk's limit for a durable upload: copy the (cached) file and fsync it, as `dd conv=fsync`."""
    started = time.monotonic()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while chunk := reader.read(1 << 22):
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    seconds = time.monotonic() - started
    target.unlink()
    return seconds


def curl(*args: str) -> tuple[float, str]:
    started = time.monotonic()
    out = subprocess.run(["curl", "-s", "-f", *args], capture_output=True, text=True, check=True).stdout
    return time.monotonic() - started, out


def batch_upload_href(hub, token, repo, oid, size) -> str | None:
    body = json.dumps({"operation": "upload", "objects": [{"oid": oid, "size": size}]})
    _, out = curl("-X", "POST", "-H", f"Content-Type: {LFS}", "-H", f"Authorization: Bearer {token}",
                  "--data-binary", body, f"{hub.url}/{repo}.git/info/lfs/objects/batch")
    actions = json.loads(out)["objects"][0].get("actions")
    return actions["upload"]["href"] if actions else None


def commit_pointer(hub, git, token, repo, work, name, oid, size):
    if not work.exists():
        git("clone", "-q", hub.remote(repo, "bench", token), str(work))
    (work / name).write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n")
    # The file is already a pointer: commit it as is, without git-lfs's filters.
    git("-c", "filter.lfs.clean=cat", "-c", "filter.lfs.required=false", "add", name, cwd=work)
    git("commit", "-q", "-m", f"add {name}", cwd=work)
    git("push", "-q", "--no-verify", "origin", "main", cwd=work)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_nginx(root: pathlib.Path, folder: pathlib.Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
""")
    process = subprocess.Popen(["nginx", "-c", str(config), "-p", str(folder)])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--upload-only", action="store_true", help="measure the PUT only")
    args = parser.parse_args()
    size = int(args.gib * (1 << 30))

    with tempfile.TemporaryDirectory(prefix="modelhub-lfs-bench-", dir=os.environ.get("BENCH_DIR")) as folder:
        root = pathlib.Path(folder)
        root.chmod(0o755)  # nginx's workers run as an unprivileged user
        blob = root / "files" / "weights.bin"
        blob.parent.mkdir(mode=0o755)
        with open(blob, "wb") as handle:
            for _ in range(size // (1 << 24)):
                handle.write(os.urandom(1 << 24))
            handle.write(os.urandom(size % (1 << 24)))
        blob.chmod(0o644)
        oid, hash_seconds = sha256_of(blob)
        sha256_of(blob)  # warm
        oid, hash_seconds = sha256_of(blob)

        (root / "hub").mkdir()
        (root / "hub" / "data").mkdir()
        durable_seconds = durable_copy_seconds(blob, root / "hub" / "data" / "disk-probe")
        hub = HubProcess(root / "hub").start()
        nginx = None
        try:
            git = Git(root / "home")
            token = hub.create_user("bench")
            hub.create_repo(token, "weights")
            repo = "bench/weights"
            mib = size / (1 << 20)

            href = batch_upload_href(hub, token, repo, oid, size)
            with Sampler(hub.pid) as upload:
                put_seconds, _ = curl("-X", "PUT", "-H", "Content-Type: application/octet-stream", "-T", str(blob), href)
            print(f"file: {mib:.0f} MiB of random bytes")
            print(f"openssl dgst -sha256: {hash_seconds:.2f} s ({mib / hash_seconds:.0f} MiB/s)")
            print(f"durable write (copy + fsync, the disk's limit): {durable_seconds:.2f} s ({mib / durable_seconds:.0f} MiB/s)")
            print(f"LFS PUT (curl):       {put_seconds:.2f} s ({mib / put_seconds:.0f} MiB/s) = "
                  f"{hash_seconds / put_seconds:.2f}x openssl, {durable_seconds / put_seconds:.2f}x the durable write; "
                  f"peak server RSS {upload.peak_server / 1024:.0f} MiB")
            if args.upload_only:
                return

            commit_pointer(hub, git, token, repo, root / "work", "weights.bin", oid, size)
            url = f"{hub.url}/{repo}/resolve/main/weights.bin"

            nginx, port = start_nginx(blob.parent, root / "nginx")
            timings = {"modelhub": [], "nginx": []}
            for _ in range(3):
                timings["modelhub"].append(curl("-o", "/dev/null", url)[0])
                timings["nginx"].append(curl("-o", "/dev/null", f"http://127.0.0.1:{port}/weights.bin")[0])
            best = {name: min(values) for name, values in timings.items()}
            print(f"download, best of 3:  modelhub {mib / best['modelhub']:.0f} MiB/s, nginx {mib / best['nginx']:.0f} MiB/s "
                  f"= {best['nginx'] / best['modelhub']:.2f}x nginx")

            def concurrent_seconds(target: str) -> float:
                started = time.monotonic()
                downloads = [subprocess.Popen(["curl", "-s", "-f", "-o", "/dev/null", target]) for _ in range(args.concurrent)]
                codes = [process.wait() for process in downloads]
                assert codes == [0] * args.concurrent, codes
                return time.monotonic() - started

            with Sampler(hub.pid) as concurrent:
                wall = concurrent_seconds(url)
            nginx_wall = concurrent_seconds(f"http://127.0.0.1:{port}/weights.bin")
            total = args.concurrent * mib
            print(f"{args.concurrent} concurrent downloads: modelhub {total / wall:.0f} MiB/s in all, "
                  f"nginx {total / nginx_wall:.0f} MiB/s = {nginx_wall / wall:.2f}x nginx; "
                  f"peak server RSS {concurrent.peak_server / 1024:.0f} MiB")

            half = f"{size // 2}-"
            ranged = {"modelhub": [], "nginx": []}
            for _ in range(3):
                ranged["modelhub"].append(curl("-r", half, "-o", "/dev/null", url)[0])
                ranged["nginx"].append(curl("-r", half, "-o", "/dev/null", f"http://127.0.0.1:{port}/weights.bin")[0])
            best = {name: min(values) for name, values in ranged.items()}
            print(f"second half (Range), best of 3: modelhub {mib / 2 / best['modelhub']:.0f} MiB/s, "
                  f"nginx {mib / 2 / best['nginx']:.0f} MiB/s = {best['nginx'] / best['modelhub']:.2f}x nginx")

            # HEAD on a 10 GB object: a sparse file of zeros, stored and bound the way an upload would.
            huge = root / "files" / "huge.bin"
            with open(huge, "wb") as handle:
                handle.truncate(10 * 10**9)
            huge_oid, _ = sha256_of(huge)
            target = hub.data_dir / "lfs" / "objects" / huge_oid[:2] / huge_oid[2:4] / huge_oid
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(huge, target) if huge.stat().st_dev == target.parent.stat().st_dev else shutil.copyfile(huge, target)
            database = sqlite3.connect(hub.data_dir / "modelhub.sqlite")
            with database:
                database.execute("INSERT INTO lfs_objects VALUES (?, ?, 0)", (huge_oid, 10 * 10**9))
                database.execute("INSERT INTO repo_lfs_objects SELECT id, ?, 0 FROM repos WHERE name = 'weights'", (huge_oid,))
            database.close()
            commit_pointer(hub, git, token, repo, root / "work", "huge.bin", huge_oid, 10 * 10**9)
            head_times = []
            for _ in range(50):
                out = subprocess.run(["curl", "-s", "-I", "-o", "/dev/null", "-w", "%{time_total}",
                                      f"{hub.url}/{repo}/resolve/main/huge.bin"], capture_output=True, text=True).stdout
                head_times.append(float(out) * 1000)
            print(f"HEAD on a 10 GB LFS file: median {statistics.median(head_times):.2f} ms, "
                  f"max {max(head_times):.2f} ms over 50 requests")
            target.unlink()
        finally:
            if nginx:
                nginx.terminate()
                nginx.wait()
            hub.stop()


if __name__ == "__main__":
    main()
