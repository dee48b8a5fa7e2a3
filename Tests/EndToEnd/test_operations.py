"""Running modelhub as a service: health checks for load balancers, Prometheus metrics of what real
clients did, and one JSON log line per request for a log collector."""

import json
import os
import socket
import urllib.error
import urllib.request

from huggingface_hub import HfApi, hf_hub_download

SCRAPER_TOKEN = "prometheus-scraper-0123456789"


def fetch(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def samples(exposition: str) -> dict[str, float]:
    """Prometheus text format: `name{labels} value` per line, comments skipped."""
    found = {}
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            found[series] = float(value)
    return found


def test_a_load_balancer_sees_the_hub_live_and_ready(hub_factory):
    # In the cluster run: both instances, on PostgreSQL and the bucket, behind the round-robin proxy.
    hub = hub_factory(env={"MODELHUB_METRICS_TOKEN": SCRAPER_TOKEN})
    status, body = fetch(hub.url + "/health/live")
    assert status == 200
    status, body = fetch(hub.url + "/health/ready")
    answer = json.loads(body)
    assert status == 200, answer
    assert answer["status"] == "ready"
    assert sorted(answer["checks"]) == ["blobStore", "dataFolder", "database", "git"]
    assert all(check["status"] == "ok" for check in answer["checks"].values())
    for _ in hub.instance_urls:
        status, body = fetch(hub.url + "/metrics", SCRAPER_TOKEN)
        assert status == 200
        # Waits for a database connection of 100 µs or more (none, on an idle hub).
        assert "modelhub_database_wait_seconds_count" in samples(body.decode())


def test_prometheus_and_the_log_collector_see_what_huggingface_hub_did(hub_factory, tmp_path):
    metrics_port = free_port()
    hub = hub_factory(env={"MODELHUB_METRICS_TOKEN": SCRAPER_TOKEN, "MODELHUB_METRICS_PORT": str(metrics_port),
                           "MODELHUB_LOG_FORMAT": "json"}, embedded=True)
    token = hub.create_user("alice")
    api = HfApi(endpoint=hub.url, token=token)
    api.create_repo("alice/weights")
    weights = os.urandom(3 * 1024 * 1024 + 17)
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.safetensors", repo_id="alice/weights")
    path = hf_hub_download("alice/weights", "model.safetensors", endpoint=hub.url, token=token,
                           cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == weights

    # The public listener serves the metrics to the scraper's token only.
    assert fetch(hub.url + "/metrics")[0] == 401
    assert fetch(hub.url + "/metrics", token)[0] == 401
    status, public = fetch(hub.url + "/metrics", SCRAPER_TOKEN)
    assert status == 200
    # The private listener serves them to anyone who reaches it, and the health checks too.
    status, private = fetch(f"http://127.0.0.1:{metrics_port}/metrics")
    assert status == 200
    assert fetch(f"http://127.0.0.1:{metrics_port}/health/ready")[0] == 200
    figures = samples(private.decode())
    assert figures['modelhub_repositories{kind="model"}'] == 1
    assert figures["modelhub_lfs_stored_bytes"] == len(weights)
    # The upload streamed through the hub (to the local store or into the bucket).
    assert figures['modelhub_http_request_bytes_total{surface="lfs"}'] >= len(weights)
    resolves = {series: value for series, value in figures.items()
                if series.startswith("modelhub_http_requests_total{") and "/resolve/" in series}
    assert resolves and all("{revision}" in series for series in resolves), resolves
    # Route templates, never a repository's or a file's name.
    assert "alice" not in private.decode() and "safetensors" not in private.decode()

    hub.stop()
    lines = [line for line in hub.log_path.read_text().splitlines() if line]
    events = [json.loads(line) for line in lines]  # every line, not only requests, is JSON
    requests = [event for event in events if event["message"] == "request"]
    assert all(token not in line and SCRAPER_TOKEN not in line for line in lines)
    # With presigned S3 downloads the client asks the hub (HEAD) and reads the bytes from the bucket.
    download = [event for event in requests if event["path"] == "/alice/weights/resolve/main/model.safetensors"]
    assert download, requests
    assert download[-1]["user"] == "alice"
    assert download[-1]["status"] in (200, 302)
    assert download[-1]["route"] != download[-1]["path"]
    assert {"request_id", "duration_ms", "bytes_in", "bytes_out", "surface", "time", "level"} <= set(download[-1])
