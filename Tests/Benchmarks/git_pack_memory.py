#!/usr/bin/env python3
"""Push and clone a ~200 MB pack through a running modelhub and report the server's memory.

Usage: .venv/bin/python Tests/Benchmarks/git_pack_memory.py [--megabytes 200]
(after `swift build`; MODELHUB_BINARY picks another build, e.g. .build/release/modelhub).

The pack is made of 5 MiB files of random bytes (incompressible, each under the 10 MiB
non-LFS limit). While git pushes and clones, the server's resident memory (VmRSS of the
modelhub process itself, and of modelhub plus its git children) is sampled every 20 ms.
"""

import argparse
import os
import pathlib
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
from hubprocess import Git, HubProcess  # noqa: E402


def rss_kib(pid: int) -> int:
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(pathlib.Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # the process just exited
        return []
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found + [grandchild for child in found for grandchild in children(child)]


class Sampler:
    def __init__(self, pid: int):
        self.pid = pid
        self.peak_server = 0
        self.peak_tree = 0
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while self.running:
            server = rss_kib(self.pid)
            tree = server + sum(rss_kib(child) for child in children(self.pid))
            self.peak_server = max(self.peak_server, server)
            self.peak_tree = max(self.peak_tree, tree)
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.running = False
        self.thread.join()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="modelhub-bench-") as folder:
        root = pathlib.Path(folder)
        (root / "hub").mkdir()
        hub = HubProcess(root / "hub").start()
        try:
            git = Git(root / "home")
            token = hub.create_user("bench")
            hub.create_repo(token, "big")
            work = root / "work"
            git("clone", "-q", hub.remote("bench/big", "bench", token), str(work))
            files = max(1, args.megabytes // 5)
            for number in range(files):
                (work / f"shard-{number:03d}.dat").write_bytes(os.urandom(5 * 1024 * 1024))
            git("add", ".", cwd=work)
            git("commit", "-q", "-m", "weights", cwd=work)
            baseline = rss_kib(hub.pid)

            with Sampler(hub.pid) as push:
                started = time.monotonic()
                git("push", "-q", "origin", "main", cwd=work, timeout=900)
                push_seconds = time.monotonic() - started
            with Sampler(hub.pid) as clone:
                started = time.monotonic()
                git("clone", "-q", hub.remote("bench/big"), str(root / "clone"), timeout=900)
                clone_seconds = time.monotonic() - started
            assert git.head(root / "clone") == git.head(work)

            size_mib = files * 5
            print(f"pack: {files} files, {size_mib} MiB of random bytes")
            print(f"server RSS before push: {baseline / 1024:.1f} MiB")
            print(f"push:  {push_seconds:.1f} s ({size_mib / push_seconds:.0f} MiB/s); "
                  f"peak server RSS {push.peak_server / 1024:.1f} MiB; "
                  f"peak server + git children {push.peak_tree / 1024:.1f} MiB")
            print(f"clone: {clone_seconds:.1f} s ({size_mib / clone_seconds:.0f} MiB/s); "
                  f"peak server RSS {clone.peak_server / 1024:.1f} MiB; "
                  f"peak server + git children {clone.peak_tree / 1024:.1f} MiB")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
