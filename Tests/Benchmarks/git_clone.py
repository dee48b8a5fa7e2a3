#!/usr/bin/env python3
"""git over HTTP as a CI fleet uses it: modelhub against `git http-backend` behind nginx.

Usage, after `swift build -c release` (nginx, fcgiwrap and wrk from Debian's packages):
    MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/git_clone.py [--files 38]

A repository of `--files` files of 5 MiB of random bytes (190 MiB with 38, each under the 10 MiB
git file limit) is pushed to modelhub; once the hub has repacked it, the same bare repository is
copied under the reference server's root, so both serve the same pack. Everything runs on
127.0.0.1. It prints, each beside the reference from the same run:
- `git clone --no-checkout`, median of 3;
- `git clone --depth 1 --no-checkout`, median of 3;
- `git fetch` of one new 5 MiB commit into an earlier clone, median of 3;
- `info/refs?service=git-upload-pack` requests per second (protocol v0, and v2), and the protocol
  v2 `ls-refs` request `git clone` sends, wrk with 32 connections for 5 s (the two servers'
  answers are compared first: they must be the same bytes).
"""

import argparse
import getpass
import os
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
from hubprocess import Git, HubProcess  # noqa: E402

NGINX_CONF = """
daemon off;
user {user};
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    fastcgi_temp_path {root}/fastcgi;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 0;
        location / {{
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
            fastcgi_param GIT_PROJECT_ROOT {repositories};
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO $uri;
            fastcgi_param GIT_PROTOCOL $http_git_protocol;
            fastcgi_buffering off;
            fastcgi_request_buffering off;
            fastcgi_read_timeout 600;
            fastcgi_pass unix:{root}/fcgiwrap.sock;
        }}
    }}
}}
"""


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Reference:
    """`git http-backend` run by fcgiwrap behind nginx, serving `repositories`."""

    def __init__(self, root: pathlib.Path, repositories: pathlib.Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (root / "nginx.conf").write_text(NGINX_CONF.format(
            root=root, port=self.port, repositories=repositories, user=getpass.getuser()))
        (root / "fcgiwrap.sock").unlink(missing_ok=True)
        # Each in a process group of its own: fcgiwrap's children go with it.
        self.fcgiwrap = subprocess.Popen(["fcgiwrap", "-c", "4", "-s", f"unix:{root}/fcgiwrap.sock"],
                                         start_new_session=True)
        self.nginx = subprocess.Popen(["nginx", "-p", str(root), "-c", str(root / "nginx.conf")],
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            probe = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", self.url + "/"],
                                   capture_output=True, text=True)
            if probe.stdout not in ("000", ""):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start")

    def stop(self):
        for process in (self.nginx, self.fcgiwrap):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()


def packed(repository: pathlib.Path) -> bool:
    packs = list((repository / "objects" / "pack").glob("*.pack"))
    loose = [p for folder in (repository / "objects").glob("[0-9a-f][0-9a-f]") for p in folder.iterdir()]
    return len(packs) == 1 and packs[0].with_suffix(".bitmap").exists() and not loose


def wait_packed(repository: pathlib.Path):
    deadline = time.monotonic() + 300
    while not packed(repository):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{repository} was not repacked")
        time.sleep(0.1)


def timed(*command, cwd=None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def pkt(line: str) -> str:
    return f"{len(line) + 4:04x}{line}"


# What `git clone` (2.39) sends first over protocol v2.
LS_REFS = (pkt("command=ls-refs\n") + pkt("agent=git/2.39.5\n") + pkt("object-format=sha1\n") + "0001"
           + pkt("peel\n") + pkt("symrefs\n") + pkt("unborn\n") + pkt("ref-prefix HEAD\n")
           + pkt("ref-prefix refs/heads/\n") + pkt("ref-prefix refs/tags/\n") + "0000")


def wrk_rate(url: str, protocol_v2: bool, script: pathlib.Path | None = None) -> float:
    command = ["wrk", "-t", "2", "-c", "32", "-d", "5s", url]
    if protocol_v2:
        command[1:1] = ["-H", "Git-Protocol: version=2"]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = [line for line in output.splitlines() if line.startswith("Requests/sec:")][0]
    errors = [line for line in output.splitlines() if "Non-2xx" in line]
    if errors:
        raise RuntimeError(f"{url}: {errors[0]}")
    return float(rate.split()[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=38)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="modelhub-clone-") as folder:
        root = pathlib.Path(folder)
        (root / "hub").mkdir()
        hub = HubProcess(root / "hub").start()
        reference = None
        try:
            git = Git(root / "home")
            token = hub.create_user("bench")
            hub.create_repo(token, "weights")
            work = root / "work"
            git("clone", "-q", hub.remote("bench/weights", "bench", token), str(work))
            for number in range(args.files):
                (work / f"shard{number:03}.bin").write_bytes(os.urandom(5 << 20))
            git("add", ".", cwd=work)
            git("commit", "-q", "-m", "weights", cwd=work)
            git("push", "-q", "origin", "main", cwd=work)
            stored = hub.data_dir / "repos" / "models" / "bench" / "weights.git"
            wait_packed(stored)
            served = root / "reference-repos"
            (served / "bench").mkdir(parents=True)
            shutil.copytree(stored, served / "bench" / "weights.git", symlinks=True)
            reference = Reference(root / "nginx", served)
            urls = {"modelhub": hub.url + "/bench/weights", "git http-backend": reference.url + "/bench/weights.git"}
            size = sum(path.stat().st_size for path in (stored / "objects" / "pack").glob("*.pack"))
            print(f"repository: {args.files} files of 5 MiB, one pack of {size / 2**20:.0f} MiB with a bitmap")

            def median(make_command) -> dict:
                results = {}
                for name, url in urls.items():
                    runs = []
                    for run in range(3):
                        target = root / f"clone-{name.replace(' ', '-')}-{run}-{time.monotonic_ns()}"
                        runs.append(timed(*make_command(url, target)))
                        shutil.rmtree(target, ignore_errors=True)
                    results[name] = statistics.median(runs)
                return results

            def report(what: str, results: dict):
                ours, theirs = results["modelhub"], results["git http-backend"]
                print(f"{what}: modelhub {ours:.2f} s, git http-backend {theirs:.2f} s = {theirs / ours:.2f}x")

            report("git clone", median(lambda url, target: ["git", "clone", "-q", "--no-checkout", url, str(target)]))
            report("git clone --depth 1", median(
                lambda url, target: ["git", "clone", "-q", "--depth", "1", "--no-checkout", url, str(target)]))

            # A fetch of one new commit into clones made before it.
            earlier = {name: [root / f"earlier-{index}-{run}" for run in range(3)] for index, name in enumerate(urls)}
            for name, url in urls.items():
                for target in earlier[name]:
                    subprocess.run(["git", "clone", "-q", "--no-checkout", url, str(target)], check=True)
            (work / "update.bin").write_bytes(os.urandom(5 << 20))
            git("add", ".", cwd=work)
            git("commit", "-q", "-m", "update", cwd=work)
            git("push", "-q", "origin", "main", cwd=work)
            wait_packed(stored)
            shutil.rmtree(served / "bench" / "weights.git")
            shutil.copytree(stored, served / "bench" / "weights.git", symlinks=True)
            report("git fetch of one new commit", {
                name: statistics.median(timed("git", "fetch", "-q", "origin", cwd=target) for target in earlier[name])
                for name in urls})

            for v2 in (False, True):
                rates = {name: wrk_rate(url + "/info/refs?service=git-upload-pack", v2) for name, url in urls.items()}
                ours, theirs = rates["modelhub"], rates["git http-backend"]
                print(f"info/refs (protocol {'v2' if v2 else 'v0'}), 32 connections: modelhub {ours:.0f} req/s, "
                      f"git http-backend {theirs:.0f} req/s = {ours / theirs:.2f}x")

            answers = {
                name: subprocess.run(
                    ["curl", "-s", "-f", "-H", "Git-Protocol: version=2", "-H",
                     "Content-Type: application/x-git-upload-pack-request", "--data-binary", LS_REFS,
                     url + "/git-upload-pack"], capture_output=True, check=True).stdout
                for name, url in urls.items()}
            assert answers["modelhub"] == answers["git http-backend"], answers
            script = root / "ls-refs.lua"
            script.write_text(
                'wrk.method = "POST"\n'
                f"wrk.body = [[{LS_REFS}]]\n"
                'wrk.headers["Content-Type"] = "application/x-git-upload-pack-request"\n')
            rates = {name: wrk_rate(url + "/git-upload-pack", True, script) for name, url in urls.items()}
            ours, theirs = rates["modelhub"], rates["git http-backend"]
            print(f"ls-refs (protocol v2), 32 connections: modelhub {ours:.0f} req/s, "
                  f"git http-backend {theirs:.0f} req/s = {ours / theirs:.2f}x")
        finally:
            if reference:
                reference.stop()
            hub.stop()


if __name__ == "__main__":
    main()
