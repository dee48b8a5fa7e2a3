#!/usr/bin/env python3
"""API latency benchmark: repo info and resolve HEAD under wrk, and search over 100,000 repos.

Usage, after `swift build -c release` and `apt-get install wrk`:
    MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/api_latency.py [--repos 100000]

- `wrk -t2 -c32 -d10s --latency` on GET /api/models/{id} and on GET /{id}/resolve/main/{file}
  (a small regular file; wrk cannot read HEAD answers; query files such as config.json also
  count a download, a database write);
- `GET /api/models?search=…&filter=…` over an index of N generated repositories (rows, tags and
  search text written straight into the index), 300 requests one at a time: p50 and p99.
"""

import argparse
import json
import pathlib
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "EndToEnd"))
from hubprocess import HubProcess  # noqa: E402

WORDS = ["german", "english", "french", "spam", "sentiment", "translation", "bert", "llama", "tiny", "large",
         "news", "legal", "medical", "code", "chat", "vision", "speech", "qa", "summarize", "ner"]
TASKS = ["text-classification", "translation", "text-generation", "token-classification", "summarization"]
LANGUAGES = ["de", "en", "fr", "es", "it"]


def wrk(url: str, method: str = "GET") -> tuple[float, str]:
    script = pathlib.Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(f'wrk.method = "{method}"\n')
    out = subprocess.run(["wrk", "-t2", "-c32", "-d10s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, out
    return rps, p99


def seed(database_path: pathlib.Path, count: int):
    random.seed(7)
    database = sqlite3.connect(database_path)
    now = int(time.time() * 1000)
    with database:
        for number in range(count):
            words = random.sample(WORDS, 3)
            name = f"{'-'.join(words)}-{number}"
            task = random.choice(TASKS)
            language = random.choice(LANGUAGES)
            cursor = database.execute(
                "INSERT INTO repos (kind, namespace, name, private, head_commit, created_at, last_modified, pipeline_tag,"
                " library_name, card_data) VALUES ('model', ?, ?, 0, NULL, ?, ?, ?, 'transformers', ?)",
                (f"org{number % 500}", name, now - number, now - number, task,
                 json.dumps({"language": language, "pipeline_tag": task})))
            repo_id = cursor.lastrowid
            for position, tag in enumerate([task, "transformers", language, f"language:{language}", "license:mit"]):
                database.execute("INSERT INTO repo_tags (repo_id, tag, position) VALUES (?, ?, ?)", (repo_id, tag, position))
            # What the index writes for a card: its text, and its tags as FTS tokens (migration 0009).
            database.execute("UPDATE repo_search SET card = ?, tags = (SELECT group_concat('t' || lower(hex(tag)), ' ')"
                             " FROM repo_tags WHERE repo_id = ?) WHERE rowid = ?",
                             (f"A {' '.join(words)} model for {task} in {language}.", repo_id, repo_id))
    database.close()


def wrk_figures(hub):
    rps, p99 = wrk(f"{hub.url}/api/models/bench/model")
    print(f"GET /api/models/bench/model: {rps:,.0f} requests/s, p99 {p99} (wrk -t2 -c32 -d10s)")
    # wrk cannot read HEAD answers (it waits for the Content-Length bytes): GET the small file.
    rps, p99 = wrk(f"{hub.url}/bench/model/resolve/main/tokenizer.json")
    print(f"GET /bench/model/resolve/main/tokenizer.json: {rps:,.0f} requests/s, p99 {p99}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=100_000)
    parser.add_argument("--only", choices=["wrk", "search"], help="run one half")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="modelhub-api-bench-") as folder:
        root = pathlib.Path(folder)
        (root / "hub").mkdir()
        hub = HubProcess(root / "hub").start()
        try:
            token = hub.create_user("bench")
            hub.create_repo(token, "model")
            body = (json.dumps({"key": "header", "value": {"summary": "files", "description": ""}}) + "\n"
                    + json.dumps({"key": "file", "value": {"path": "tokenizer.json", "content": "e30=", "encoding": "base64"}})
                    + "\n").encode()
            request = urllib.request.Request(f"{hub.url}/api/models/bench/model/commit/main", data=body, method="POST",
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
            urllib.request.urlopen(request).read()

            if args.only != "search":
                wrk_figures(hub)
            if args.only == "wrk":
                return


            hub.stop()
            started = time.monotonic()
            seed(hub.data_dir / "modelhub.sqlite", args.repos)
            print(f"seeded {args.repos:,} repositories in {time.monotonic() - started:.0f} s")
            hub.start()
            queries = [f"/api/models?search={random.choice(WORDS)}+{random.choice(WORDS)}&filter={random.choice(TASKS)}&limit=20"
                       for _ in range(300)]
            timings = []
            for query in queries:
                started = time.monotonic()
                with urllib.request.urlopen(hub.url + query) as response:
                    response.read()
                timings.append((time.monotonic() - started) * 1000)
            timings.sort()
            print(f"list_models(search=two words, filter=task, limit=20) over {args.repos:,} repos: "
                  f"p50 {statistics.median(timings):.1f} ms, p99 {timings[int(len(timings) * 0.99) - 1]:.1f} ms")
            plain = []
            for _ in range(100):
                started = time.monotonic()
                with urllib.request.urlopen(hub.url + f"/api/models?filter={random.choice(LANGUAGES)}&sort=downloads&limit=20") as response:
                    response.read()
                plain.append((time.monotonic() - started) * 1000)
            plain.sort()
            print(f"list_models(filter=language, sort=downloads, limit=20): p50 {statistics.median(plain):.1f} ms, "
                  f"p99 {plain[98]:.1f} ms")
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
