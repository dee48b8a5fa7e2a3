#!/usr/bin/env python3
"""Pull-through mirror benchmark: the first download of an LFS file through a mirror (which fetches
it from upstream and streams it on as it arrives) against a download straight from upstream, the
second download through the mirror (served from its own store), and 8 clients asking the mirror for
a new file at once (one upstream fetch).

Usage, after `swift build -c release`:
    MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/mirror_transfer.py [--mib 1024]

Both hubs are modelhub on 127.0.0.1 with their own data folders (the upstream plays the public hub).
"""

import argparse
import concurrent.futures
import os
import pathlib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
os.environ["HF_HUB_DISABLE_XET"] = "1"
from hubprocess import HubProcess  # noqa: E402


def download(url: str) -> tuple[float, float, int]:
    """Seconds to the first byte, seconds in all, bytes (curl to /dev/null)."""
    out = subprocess.run(
        ["curl", "-s", "-f", "-o", "/dev/null", "-w", "%{time_starttransfer} %{time_total} %{size_download}", url],
        capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def rate(size: int, seconds: float) -> str:
    return f"{size / seconds / 2**20:8.0f} MiB/s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    arguments = parser.parse_args()
    from huggingface_hub import HfApi

    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        for name in ["upstream", "mirror"]:
            (folder / name).mkdir()
        upstream = HubProcess(folder / "upstream").start()
        mirror = None
        try:
            token = upstream.create_user("alice")
            api = HfApi(endpoint=upstream.url, token=token)
            api.create_repo("alice/big")
            for name in ["one.bin", "two.bin"]:
                data = folder / name
                with open(data, "wb") as out:
                    for _ in range(arguments.mib):
                        out.write(os.urandom(1 << 20))
                api.upload_file(path_or_fileobj=str(data), path_in_repo=name, repo_id="alice/big")
                data.unlink()
            size = arguments.mib << 20
            mirror = HubProcess(folder / "mirror", env={"MODELHUB_UPSTREAM_URL": upstream.url}).start()
            # The mirror's clone of the repository (metadata) first, so the timings are the file's.
            subprocess.run(["curl", "-s", "-f", "-o", "/dev/null", f"{mirror.url}/api/models/alice/big"], check=True)

            direct = download(f"{upstream.url}/alice/big/resolve/main/one.bin")
            cold = download(f"{mirror.url}/alice/big/resolve/main/one.bin")
            # The object goes into the mirror's store once its last byte is checked: wait for that.
            stored_after = time.monotonic()
            while len(mirror.stored_objects()) < 1:
                time.sleep(0.05)
            stored_after = time.monotonic() - stored_after
            warm = download(f"{mirror.url}/alice/big/resolve/main/one.bin")
            print(f"{arguments.mib} MiB file, 127.0.0.1, both hubs: {os.environ.get('MODELHUB_BINARY', 'debug build')}")
            print(f"straight from upstream         first byte {direct[0] * 1000:6.1f} ms  {rate(size, direct[1])}")
            print(f"mirror, first download (cold)  first byte {cold[0] * 1000:6.1f} ms  {rate(size, cold[1])}")
            print(f"  (stored in the mirror's own store {stored_after:.1f} s after the first download ended)")
            print(f"mirror, second download        first byte {warm[0] * 1000:6.1f} ms  {rate(size, warm[1])}")
            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                results = list(pool.map(lambda _: download(f"{mirror.url}/alice/big/resolve/main/two.bin"), range(8)))
            seconds = time.monotonic() - started
            assert all(result[2] == size for result in results)
            print(f"8 clients, a new file at once  {rate(8 * size, seconds)} together, slowest {max(r[1] for r in results):.1f} s")
        finally:
            if mirror:
                mirror.stop()
            upstream.stop()


if __name__ == "__main__":
    main()
