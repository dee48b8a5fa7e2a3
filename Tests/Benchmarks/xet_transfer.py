#!/usr/bin/env python3
"""Xet benchmark: hf_xet uploads and downloads against the LFS path, and BLAKE3's speed.

Usage, after `swift build -c release` (and `.ci/setup`, which installs b3sum and libblake3):
    MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/xet_transfer.py [--gib 1]

Everything runs on 127.0.0.1, each client with a fresh HF_HOME. It prints:
- keyed BLAKE3 on one core: the library modelhub links (libblake3, 64 KiB pieces, as chunks are
  hashed) next to `b3sum --keyed --num-threads 1` on the same file;
- `upload_file` of a file through Xet (hf_xet) and of another file of the same size through the
  LFS PUT path (HF_HUB_DISABLE_XET=1), with the server's peak RSS during each;
- a re-upload through Xet, from a fresh HF_HOME, of the first file with 1% changed in the middle:
  the bytes sent (loopback traffic) and how much the xorb store grew;
- `hf_hub_download` through Xet of the Xet file, and of the LFS one over /resolve/ (Xet
  disabled), the same client writing the same 1 GiB into its cache; curl on /resolve/ for scale.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
from hubprocess import HubProcess  # noqa: E402
from git_pack_memory import Sampler  # noqa: E402

BLAKE3_BENCH = r"""
#include <blake3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
    FILE *file = fopen(argv[1], "rb");
    size_t size = 1 << 20, total = 0, piece = 64 * 1024;
    unsigned char *buffer = malloc(size), key[32] = {0}, out[32];
    double seconds = 0;
    size_t got;
    while ((got = fread(buffer, 1, size, file)) > 0) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (size_t offset = 0; offset < got; offset += piece) {
            blake3_hasher hasher;
            blake3_hasher_init_keyed(&hasher, key);
            blake3_hasher_update(&hasher, buffer + offset, got - offset < piece ? got - offset : piece);
            blake3_hasher_finalize(&hasher, out, 32);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        seconds += (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
        total += got;
    }
    printf("%.3f\n", seconds);
    return 0;
}
"""


def client(hub, token, script, *args, xet=True):
    env = {name: value for name, value in os.environ.items() if name != "HF_HUB_DISABLE_XET"}
    if not xet:
        env["HF_HUB_DISABLE_XET"] = "1"
    env.update(HF_ENDPOINT=hub.url, HF_TOKEN=token, HF_HOME=str(hub.workdir / f"hf-{uuid.uuid4().hex}"),
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-4000:])
    return time.monotonic() - started


UPLOAD = """
import sys
from huggingface_hub import HfApi
HfApi().upload_file(path_or_fileobj=sys.argv[1], path_in_repo=sys.argv[2], repo_id=sys.argv[3])
"""

DOWNLOAD = """
import sys
from huggingface_hub import hf_hub_download
hf_hub_download(sys.argv[1], sys.argv[2])
"""


def loopback_bytes() -> int:
    """Bytes the loopback interface carried: with one client at a time, what it sent."""
    return int(pathlib.Path("/sys/class/net/lo/statistics/rx_bytes").read_text())


def folder_size(path: pathlib.Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def random_file(path: pathlib.Path, size: int):
    with open(path, "wb") as handle:
        for _ in range(size // (1 << 24)):
            handle.write(os.urandom(1 << 24))
        handle.write(os.urandom(size % (1 << 24)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=1.0)
    args = parser.parse_args()
    size = int(args.gib * (1 << 30))
    mib = size / (1 << 20)

    with tempfile.TemporaryDirectory(prefix="modelhub-xet-bench-", dir=os.environ.get("BENCH_DIR")) as folder:
        root = pathlib.Path(folder)
        xet_file, lfs_file, changed = root / "xet.bin", root / "lfs.bin", root / "changed.bin"
        random_file(xet_file, size)
        random_file(lfs_file, size)

        # BLAKE3, one core.
        source = root / "blake3_bench.c"
        source.write_text(BLAKE3_BENCH)
        subprocess.run(["gcc", "-O2", str(source), "-o", str(root / "blake3_bench"), "/usr/local/lib/libblake3.a",
                        "-I/usr/local/include"], check=True)
        subprocess.run(["cat", str(xet_file)], stdout=subprocess.DEVNULL, check=True)  # cached
        library = min(float(subprocess.run([str(root / "blake3_bench"), str(xet_file)], capture_output=True,
                                           text=True, check=True).stdout) for _ in range(3))
        b3sum = []
        for _ in range(3):
            started = time.monotonic()
            subprocess.run(["b3sum", "--keyed", "--num-threads", "1", str(xet_file)], input=b"\0" * 32,
                           capture_output=True, check=True)
            b3sum.append(time.monotonic() - started)
        print(f"keyed BLAKE3, one core: libblake3 in 64 KiB pieces {mib / library:.0f} MiB/s, "
              f"b3sum --num-threads 1 {mib / min(b3sum):.0f} MiB/s")

        (root / "hub").mkdir()
        hub = HubProcess(root / "hub").start()
        try:
            token = hub.create_user("bench")
            hub.create_repo(token, "xet")
            hub.create_repo(token, "lfs")
            with Sampler(hub.pid) as xet_upload:
                xet_seconds = client(hub, token, UPLOAD, str(xet_file), "weights.bin", "bench/xet")
            with Sampler(hub.pid) as lfs_upload:
                lfs_seconds = client(hub, token, UPLOAD, str(lfs_file), "weights.bin", "bench/lfs", xet=False)
            print(f"upload of {mib:.0f} MiB of random bytes: Xet {xet_seconds:.1f} s ({mib / xet_seconds:.0f} MiB/s, "
                  f"peak server RSS {xet_upload.peak_server / 1024:.0f} MiB), LFS {lfs_seconds:.1f} s "
                  f"({mib / lfs_seconds:.0f} MiB/s, peak RSS {lfs_upload.peak_server / 1024:.0f} MiB) "
                  f"= Xet at {lfs_seconds / xet_seconds:.2f}x LFS")

            data = bytearray(xet_file.read_bytes())
            middle, span = size // 2, size // 100
            data[middle:middle + span] = os.urandom(span)
            changed.write_bytes(bytes(data))
            del data
            store = hub.data_dir / "xet" / "xorbs"
            before, sent = folder_size(store), loopback_bytes()
            client(hub, token, UPLOAD, str(changed), "weights.bin", "bench/xet")
            sent, grew = loopback_bytes() - sent, folder_size(store) - before
            print(f"re-upload with 1% changed, fresh HF_HOME: {sent / (1 << 20):.0f} MiB over loopback "
                  f"({100 * sent / size:.1f}% of the file), the xorb store grew by {grew / (1 << 20):.0f} MiB")

            # The same client both ways (it writes the file into its cache either way).
            xet_download = client(hub, token, DOWNLOAD, "bench/xet", "weights.bin")
            lfs_download = client(hub, token, DOWNLOAD, "bench/lfs", "weights.bin", xet=False)
            started = time.monotonic()
            subprocess.run(["curl", "-sf", "-o", "/dev/null", f"{hub.url}/bench/lfs/resolve/main/weights.bin"], check=True)
            resolve = time.monotonic() - started
            print(f"download: hf_hub_download through Xet {mib / xet_download:.0f} MiB/s, of the LFS file over "
                  f"/resolve/ {mib / lfs_download:.0f} MiB/s = Xet at {lfs_download / xet_download:.2f}x "
                  f"(curl /resolve/ to /dev/null: {mib / resolve:.0f} MiB/s)")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
