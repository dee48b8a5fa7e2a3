#!/usr/bin/env python3
"""API latency benchmark: repo info and resolve under load, and search over 100,000 repos.

Usage, after `swift build -c release` and `apt-get install wrk hey`:
    MODELHUB_BINARY=.build/release/modelhub .venv/bin/python Tests/Benchmarks/api_latency.py [--repos 100000]

The repository is a realistic one: a README card with metadata (so repo info carries cardData and
tags), config.json, tokenizer files.
- `wrk -t2 -c32 -d10s --latency` on GET /api/models/{id} and GET /{id}/resolve/main/{file};
- `hey -c 32 -z 10s -m HEAD` on /resolve/ (wrk cannot read HEAD answers: it waits for the
  Content-Length bytes): `config.json`, which counts a download, and `tokenizer.json`, which does not;
- with each, the server's CPU time per request (from /proc), a figure the machine's noise moves
  less than the request rate;
- `GET /api/models?search=…&filter=…` over an index of N generated repos (rows, tags and
  search text written straight into the index), 100 untimed requests to warm up, then 300 one at a time:
  p50 and p99.
"""

import argparse
import base64
import json
import os
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


README = """---
language:
- de
- en
license: apache-2.0
library_name: transformers
pipeline_tag: text-classification
tags:
- spam
- german
datasets:
- acme/german-spam
base_model: bert-base-german-cased
metrics:
- accuracy
model-index:
- name: german-spam-detector
  results:
  - task: {type: text-classification}
    metrics:
    - {type: accuracy, value: 0.97}
---
# German spam detector

A fine-tuned BERT that detects spam in German e-mail.
"""
FILES = {
    "README.md": README.encode(),
    "config.json": b'{"architectures": ["BertForSequenceClassification"], "num_labels": 2}',
    "tokenizer.json": b"{}",
    "tokenizer_config.json": b'{"do_lower_case": false}',
    "special_tokens_map.json": b"{}",
    "vocab.txt": b"[PAD]\n[UNK]\n[CLS]\n[SEP]\n",
}


def server_cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, pid: int) -> str:
    before = server_cpu_seconds(pid)
    out = subprocess.run(["wrk", "-t2", "-c32", "-d10s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    cpu = server_cpu_seconds(pid) - before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    assert re.search(r"Non-2xx or 3xx responses: (\d+)", out) is None, out
    return f"{rps:,.0f} requests/s, p99 {p99}, server CPU {cpu / count * 1e6:.0f} µs/request (wrk -t2 -c32 -d10s)"


def hey_head(url: str, pid: int) -> str:
    before = server_cpu_seconds(pid)
    out = subprocess.run(["hey", "-c", "32", "-z", "10s", "-m", "HEAD", url],
                         capture_output=True, text=True, check=True).stdout
    cpu = server_cpu_seconds(pid) - before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    responses = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    assert list(responses) == ["200"], out
    count = int(responses["200"])
    p99 = float(re.search(r"99% in ([\d.]+) secs", out).group(1)) * 1000
    return f"{rps:,.0f} requests/s, p99 {p99:.2f}ms, server CPU {cpu / count * 1e6:.0f} µs/request (hey -c32 -z10s)"


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
    print(f"GET /api/models/bench/model: {wrk(f'{hub.url}/api/models/bench/model', hub.pid)}")
    print(f"GET /bench/model/resolve/main/tokenizer.json: {wrk(f'{hub.url}/bench/model/resolve/main/tokenizer.json', hub.pid)}")
    for name in ("config.json", "tokenizer.json"):
        counted = " (counts a download)" if name == "config.json" else ""
        print(f"HEAD /bench/model/resolve/main/{name}{counted}: {hey_head(f'{hub.url}/bench/model/resolve/main/{name}', hub.pid)}")


def publish(hub) -> str:
    """Creates user `bench` and its repository `bench/model` holding FILES; returns its token."""
    token = hub.create_user("bench")
    hub.create_repo(token, "model")
    lines = [json.dumps({"key": "header", "value": {"summary": "files", "description": ""}})]
    for path, content in FILES.items():
        lines.append(json.dumps({"key": "file", "value": {
            "path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}}))
    request = urllib.request.Request(
        f"{hub.url}/api/models/bench/model/commit/main", data=("\n".join(lines) + "\n").encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    urllib.request.urlopen(request).read()
    return token


def timed_get(url: str) -> float:
    """Milliseconds for one GET, its body read."""
    started = time.monotonic()
    with urllib.request.urlopen(url) as response:
        response.read()
    return (time.monotonic() - started) * 1000


def search_figures(url: str, repos: int, label: str = "") -> None:
    """Two-word searches with a task filter (100 untimed to warm up, then 300 one at a time) and
    100 filter+sort listings: p50 and p99 of each."""
    queries = [f"/api/models?search={random.choice(WORDS)}+{random.choice(WORDS)}&filter={random.choice(TASKS)}&limit=20"
               for _ in range(400)]
    # The first 100 (not timed) bring the index's pages into memory, as a running hub has them.
    for query in queries[:100]:
        timed_get(url + query)
    timings = sorted(timed_get(url + query) for query in queries[100:])
    print(f"{label}list_models(search=two words, filter=task, limit=20) over {repos:,} repos: "
          f"p50 {statistics.median(timings):.1f} ms, p99 {timings[int(len(timings) * 0.99) - 1]:.1f} ms")
    plain = sorted(timed_get(url + f"/api/models?filter={random.choice(LANGUAGES)}&sort=downloads&limit=20")
                   for _ in range(100))
    print(f"{label}list_models(filter=language, sort=downloads, limit=20): p50 {statistics.median(plain):.1f} ms, "
          f"p99 {plain[98]:.1f} ms")


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
            publish(hub)

            if args.only != "search":
                wrk_figures(hub)
            if args.only == "wrk":
                return


            hub.stop()
            started = time.monotonic()
            seed(hub.data_dir / "modelhub.sqlite", args.repos)
            print(f"seeded {args.repos:,} repositories in {time.monotonic() - started:.0f} s")
            hub.start()
            search_figures(hub.url, args.repos)
        finally:
            hub.stop()


if __name__ == "__main__":
    main()
