#!/usr/bin/env python3
"""What counting every request costs: repo info requests/s of the hub with its metrics against
the same hub built without them, same run.

Usage, after `swift build -c release` of this commit and of one before the metrics layer (for
instance `git worktree add /tmp/base <commit> && cd /tmp/base && swift build -c release`), with
`apt-get install wrk`:
    MODELHUB_BINARY=.build/release/modelhub MODELHUB_BASELINE_BINARY=/tmp/base/.build/release/modelhub \\
        .venv/bin/python Tests/Benchmarks/metrics_overhead.py [--rounds 3]

Each round starts each binary on a fresh data folder holding api_latency.py's repository and runs
`wrk -t2 -c32 -d10s` on GET /api/models/bench/model, alternating the two so that the machine's
drift hits both alike; with metrics, Prometheus scrapes `/metrics` once a second meanwhile, as a
scraper would. Prints each round and the medians: requests/s and server CPU per request.
"""

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
import hubprocess  # noqa: E402
from api_latency import publish, wrk  # noqa: E402

SCRAPER_TOKEN = "benchmark-scraper-token"


def measure(binary: pathlib.Path, workdir: pathlib.Path, scrape: bool) -> tuple[float, float]:
    hubprocess.BINARY = binary
    env = {"MODELHUB_METRICS_TOKEN": SCRAPER_TOKEN} if scrape else {}
    hub = hubprocess.HubProcess(workdir, env=env, embedded=True).start()
    stop = threading.Event()
    try:
        publish(hub)

        def scraper():
            while not stop.wait(1):
                request = urllib.request.Request(hub.url + "/metrics", headers={"Authorization": f"Bearer {SCRAPER_TOKEN}"})
                urllib.request.urlopen(request).read()

        thread = threading.Thread(target=scraper, daemon=True)
        if scrape:
            thread.start()
        line = wrk(f"{hub.url}/api/models/bench/model", hub.pid)
        stop.set()
        if scrape:
            thread.join()
        rate = float(line.split(" requests/s")[0].replace(",", ""))
        cpu = float(line.split("server CPU ")[1].split(" µs")[0])
        return rate, cpu
    finally:
        hub.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root_binary = pathlib.Path(__file__).resolve().parents[2]
    with_metrics = root_binary / os.environ.get("MODELHUB_BINARY", ".build/release/modelhub")
    baseline = root_binary / os.environ["MODELHUB_BASELINE_BINARY"]
    results = {"without metrics": [], "with metrics": []}
    with tempfile.TemporaryDirectory(prefix="modelhub-metrics-bench-") as folder:
        for round_number in range(args.rounds):
            for label, binary, scrape in (("without metrics", baseline, False), ("with metrics", with_metrics, True)):
                workdir = pathlib.Path(folder) / f"{label.replace(' ', '-')}-{round_number}"
                workdir.mkdir()
                rate, cpu = measure(binary, workdir, scrape)
                results[label].append((rate, cpu))
                print(f"round {round_number + 1}, {label:15}: {rate:,.0f} requests/s, server CPU {cpu:.0f} µs/request")
    medians = {label: (statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs))
               for label, runs in results.items()}
    for label, (rate, cpu) in medians.items():
        print(f"median {label:15}: {rate:,.0f} requests/s, server CPU {cpu:.0f} µs/request")
    base, measured = medians["without metrics"][0], medians["with metrics"][0]
    print(f"overhead of metrics on GET /api/models/{{id}}: {(1 - measured / base) * 100:+.1f} % requests/s (goal ≤ 5 %)")


if __name__ == "__main__":
    main()
