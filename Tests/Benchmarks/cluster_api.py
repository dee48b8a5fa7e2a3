#!/usr/bin/env python3
"""The index on PostgreSQL against the embedded SQLite, one instance against two, same run.

Usage, after `swift build -c release` and `apt-get install wrk hey`, under a real PostgreSQL:
    .ci/with-postgres env MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/cluster_api.py [--repos 100000]

Three hubs serve the same realistic repository (api_latency.py's: a card with metadata, config
and tokenizer files), each on a fresh data folder:
- `sqlite`: one instance on the embedded index;
- `postgres`: one instance on a fresh PostgreSQL database;
- `postgres x2`: two instances on one data folder and one database, loaded at once, each by half
  the connections (what a load balancer in front of them would do; a proxy here would measure
  itself).
On each, `wrk -c32 -d10s` on GET /api/models/{id} and `hey -c32 -z10s -m HEAD` on
/resolve/main/config.json (a counted download): requests/s summed over the instances, and the
servers' CPU per request (from /proc). Both instances share this machine's cores with the load
generators, so two instances show what the index costs, not a second machine's worth of speed.

Then search: api_latency.py's N generated repositories are written into an embedded index,
`modelhub migrate-index` copies it into a fresh PostgreSQL database (timed), and one instance on
that database answers 100 untimed then 300 timed `GET /api/models?search=two words&filter=task`
one at a time: p50 and p99 (the goal: p99 < 20 ms, as on SQLite).
"""

import argparse
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "EndToEnd"))
sys.path.insert(0, str(HERE))
from hubprocess import BINARY, POSTGRES_URL, HubProcess, fresh_postgres_database  # noqa: E402
from api_latency import publish, search_figures, seed, server_cpu_seconds  # noqa: E402

CONNECTIONS = 32
SECONDS = 10


def cpu(pids: list[int]) -> float:
    return sum(server_cpu_seconds(pid) for pid in pids)


def load(tool: list[str], urls: list[str], pids: list[int]) -> tuple[float, int, float]:
    """Runs `tool` against every URL at once, CONNECTIONS split between them; returns
    (requests/s summed, requests, server CPU seconds)."""
    share = CONNECTIONS // len(urls)
    before = cpu(pids)
    runs = [subprocess.Popen([*tool[:1], *[arg.replace("{c}", str(share)) for arg in tool[1:]], url],
                             stdout=subprocess.PIPE, text=True) for url in urls]
    outputs = [run.communicate()[0] for run in runs]
    spent = cpu(pids) - before
    rate = sum(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) for out in outputs)
    if tool[0] == "wrk":
        for out in outputs:
            assert "Non-2xx or 3xx responses" not in out, out
        count = sum(int(re.search(r"(\d+) requests in", out).group(1)) for out in outputs)
    else:
        count = 0
        for out in outputs:
            responses = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
            assert list(responses) == ["200"], out
            count += int(responses["200"])
    return rate, count, spent


def throughput(root: pathlib.Path) -> None:
    setups = [("sqlite", {}, False), ("postgres", {"MODELHUB_DATABASE_URL": None}, False),
              ("postgres x2", {"MODELHUB_DATABASE_URL": None}, True)]
    for label, env, two in setups:
        env = {key: value or fresh_postgres_database() for key, value in env.items()}
        workdir = root / label.replace(" ", "-")
        workdir.mkdir()
        hub = HubProcess(workdir, env=env, embedded=True)
        hub.cluster = two
        hub.start()
        try:
            publish(hub)
            urls = hub.instance_urls
            for name, tool, path in [
                ("GET /api/models/bench/model", ["wrk", "-t1", "-c{c}", f"-d{SECONDS}s"], "/api/models/bench/model"),
                ("HEAD /bench/model/resolve/main/config.json",
                 ["hey", "-c", "{c}", "-z", f"{SECONDS}s", "-m", "HEAD"], "/bench/model/resolve/main/config.json"),
            ]:
                rate, count, spent = load(tool, [url + path for url in urls], hub.pids)
                print(f"{label:12} {name}: {rate:,.0f} requests/s, server CPU {spent / count * 1e6:.0f} µs/request")
        finally:
            hub.stop()


def search(root: pathlib.Path, repos: int) -> None:
    workdir = root / "search"
    workdir.mkdir()
    embedded = HubProcess(workdir, embedded=True, env={"MODELHUB_BLOB_STORE": "local"}).start()
    embedded.create_user("bench")
    embedded.stop()
    started = time.monotonic()
    seed(embedded.data_dir / "modelhub.sqlite", repos)
    print(f"seeded {repos:,} repositories into SQLite in {time.monotonic() - started:.0f} s")
    database = fresh_postgres_database()
    started = time.monotonic()
    subprocess.run([str(BINARY), "migrate-index", "--data-dir", str(embedded.data_dir)], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, MODELHUB_DATABASE_URL=database))
    print(f"modelhub migrate-index copied them into PostgreSQL in {time.monotonic() - started:.1f} s")
    hub = HubProcess(workdir, embedded=True, env={"MODELHUB_DATABASE_URL": database, "MODELHUB_BLOB_STORE": "local"})
    hub.start()
    try:
        random.seed(11)
        search_figures(hub.url, repos, label="postgres     ")
    finally:
        hub.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=100_000)
    parser.add_argument("--only", choices=["throughput", "search"], help="run one half")
    args = parser.parse_args()
    if POSTGRES_URL is None:
        sys.exit("run under .ci/with-postgres (it sets MODELHUB_TEST_POSTGRES_URL)")
    with tempfile.TemporaryDirectory(prefix="modelhub-cluster-bench-") as folder:
        root = pathlib.Path(folder)
        if args.only != "search":
            throughput(root)
        if args.only != "throughput":
            search(root, args.repos)


if __name__ == "__main__":
    main()
