"""Limits that hold under abuse, against a running server: headers trickled a byte at a time, a
gzip bomb of "want" lines, one client opening too many requests, and clients that abort halfway.
Each checks that everyone else is still served and that nothing leaks."""

from __future__ import annotations

import base64
import concurrent.futures
import gzip
import hashlib
import json
import os
import pathlib
import resource
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from hubprocess import HubProcess, single_instance_only


def raise_open_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < wanted:
        pytest.skip(f"this machine allows fewer than {wanted} open files")


def connect(hub: HubProcess) -> socket.socket:
    host, port = hub.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes `sock` within `within` seconds (reading whatever it sends)."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def child_processes(pid: int) -> list[str]:
    result = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def commit_binary(hub: HubProcess, token: str, repo: str, files: dict[str, bytes]) -> None:
    lines = [json.dumps({"key": "header", "value": {"summary": "data"}})]
    for path, content in files.items():
        lines.append(json.dumps({"key": "file", "value": {
            "path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}}))
    request = urllib.request.Request(
        f"{hub.url}/api/models/{repo}/commit/main", data="\n".join(lines).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200


def get(url: str, token: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_headers_trickled_a_byte_at_a_time_are_cut_off_while_others_are_served(hub_factory):
    raise_open_file_limit(4096)
    slow: list[socket.socket] = []
    hub = hub_factory(env={"MODELHUB_IDLE_TIMEOUT": "3"})
    # 1,000 connections, each with half a request head.
    for _ in range(1000):
        sock = connect(hub)
        sock.sendall(b"GET /api/models HTTP/1.1\r\nHo")
        slow.append(sock)
    started = time.monotonic()
    status, _, _ = get(hub.url + "/api/models")
    assert status == 200
    assert time.monotonic() - started < 2, "a normal request waited behind the slow connections"

    # One more trickles a header a byte every half second: never a whole head, so it is cut.
    trickler = connect(hub)
    started = time.monotonic()
    cut = False
    for byte in b"GET /api/models HTTP/1.1\r\nX-Slow: " + b"a" * 40:
        try:
            trickler.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            cut = True
            break
        if closed_by_server(trickler, within=0.5):
            cut = True
            break
    assert cut, "a header trickled for 20 s was still being read"
    assert time.monotonic() - started < 8
    trickler.close()
    # And the 1,000 half-sent heads are gone too.
    assert all(closed_by_server(sock, within=0.05) for sock in slow)
    status, _, _ = get(hub.url + "/api/models")
    assert status == 200
    for sock in slow:
        sock.close()


def test_a_gzip_bomb_of_want_lines_is_refused_before_it_is_inflated(hub: HubProcess, alice: str):
    hub.create_repo(alice, "demo")
    commit_binary(hub, alice, "alice/demo", {"a.txt": b"a"})
    _, _, info = hub.api("GET", "/api/models/alice/demo")
    want = f"0032want {info['sha']}\n".encode()
    plain = want * (48 * 1024 * 1024 // len(want))  # 48 MiB of wants, past the 32 MiB default
    bomb = gzip.compress(plain, compresslevel=9)
    assert len(bomb) < 200 * 1024
    request = urllib.request.Request(
        hub.url + "/alice/demo.git/git-upload-pack", data=bomb, method="POST",
        headers={"Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "gzip"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    elapsed = time.monotonic() - started
    assert b"ERR The git request body is larger than 33554432 bytes" in body, body[:200]
    assert elapsed < 30
    assert wait_until(lambda: child_processes(hub.pid) == [], timeout=10), child_processes(hub.pid)
    # A real clone is unaffected.
    clone = subprocess.run(["git", "clone", "-q", hub.remote("alice/demo"), str(hub.workdir / "clone")],
                           capture_output=True, text=True, env=dict(os.environ, GIT_TERMINAL_PROMPT="0"))
    assert clone.returncode == 0, clone.stderr
    assert (hub.workdir / "clone" / "a.txt").read_bytes() == b"a"


@single_instance_only("a bound per process: behind a balancer each instance counts its own clients")
def test_a_client_past_its_bound_is_told_to_wait_and_nobody_else_is(hub_factory):
    held: list[socket.socket] = []
    hub = hub_factory(env={"MODELHUB_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "32"})
    alice = hub.create_user("alice")
    # 32 anonymous requests in flight: each promised a body it never sends.
    def hold_one():
        sock = connect(hub)
        sock.sendall(b"POST /api/validate-yaml HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{")
        held.append(sock)

    def saturated():
        if get(hub.url + "/api/models")[0] == 429:
            return True
        # The server reads the held requests in its own order: a probe can overtake the last of
        # them, take its place in the count, and have it refused instead. Hold another.
        hold_one()
        return False

    try:
        for _ in range(32):
            hold_one()
        # (A generous bound: on a loaded CI machine the 32 requests take a while to be read.)
        assert wait_until(saturated, timeout=30)
        status, headers, body = get(hub.url + "/api/models")
        assert status == 429
        assert headers.get("Retry-After") == "1"
        assert "Too many concurrent requests" in headers.get("X-Error-Message", "")
        # Another client (a token) is not affected.
        assert get(hub.url + "/api/models", token=alice)[0] == 200
    finally:
        # Closed whatever happened above: the server cannot stop while they are held open.
        for sock in held:
            sock.close()
        held.clear()
    assert wait_until(lambda: get(hub.url + "/api/models")[0] == 200, timeout=30)


def test_a_body_cut_short_of_its_content_length_is_a_400_and_commits_nothing(hub: HubProcess, alice: str):
    """A client that closes its side before the body its Content-Length promised is told so
    (it was a 500 "internal error"), and nothing of the half-sent commit is kept."""
    hub.create_repo(alice, "demo")
    _, _, before = hub.api("GET", "/api/models/alice/demo")
    host = hub.url.removeprefix("http://")
    body = (json.dumps({"key": "header", "value": {"summary": "cut"}}) + "\n"
            + json.dumps({"key": "file", "value": {"path": "a.txt", "encoding": "base64", "content": "YQ=="}})).encode()
    sock = connect(hub)
    sock.sendall(f"POST /api/models/alice/demo/commit/main HTTP/1.1\r\nHost: {host}\r\n"
                 f"Authorization: Bearer {alice}\r\nContent-Type: application/x-ndjson\r\n"
                 f"Content-Length: {len(body) + 1000}\r\n\r\n".encode() + body)
    sock.shutdown(socket.SHUT_WR)
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"ended before its Content-Length" in answer
    assert hub.api("GET", "/api/models/alice/demo")[2]["sha"] == before["sha"]


def test_head_requests_and_unread_bodies_give_their_place_back(hub_factory):
    """hf_hub_download starts every file with a HEAD, and a client may drop a download after its
    headers: neither may keep counting against the client once answered (a leak locked a client
    out with 429s for good after 256 HEAD requests)."""
    hub = hub_factory(env={"MODELHUB_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "32"})
    alice = hub.create_user("alice")
    hub.create_repo(alice, "demo")
    commit_binary(hub, alice, "alice/demo", {"weights.bin": os.urandom(1 << 20)})
    url = hub.url + "/alice/demo/resolve/main/weights.bin"
    for _ in range(100):
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=30) as response:
            assert response.status == 200
    host = hub.url.removeprefix("http://")
    for _ in range(50):
        sock = connect(hub)
        sock.sendall(f"GET /alice/demo/resolve/main/weights.bin HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert sock.recv(12).startswith(b"HTTP/1.1 200")
        sock.close()
    assert wait_until(lambda: get(url)[0] == 200, timeout=10)
    assert [get(hub.url + "/api/models/alice/demo")[0] for _ in range(20)] == [200] * 20


def test_32_parallel_downloads_from_one_machine_are_all_served(hub: HubProcess, alice: str):
    hub.create_repo(alice, "weights")
    content = os.urandom(4 << 20)
    commit_binary(hub, alice, "alice/weights", {"shard.bin": content})
    url = hub.url + "/alice/weights/resolve/main/shard.bin"
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda _: get(url), range(32)))
    assert [status for status, _, _ in results] == [200] * 32
    assert all(hashlib.sha256(body).digest() == hashlib.sha256(content).digest() for _, _, body in results)


@single_instance_only("clients that vanish with an RST: through the test's proxy they become orderly closes, "
                      "and the PostgreSQL pool grows under load")
def test_a_thousand_aborted_requests_leak_nothing(hub: HubProcess, alice: str):
    """Downloads, clones and uploads whose clients vanish halfway: afterwards the server holds the
    same file descriptors, runs no git, and has nothing in data/tmp."""
    hub.create_repo(alice, "big")
    commit_binary(hub, alice, "alice/big", {f"part{i}.bin": os.urandom(6 << 20) for i in range(2)})
    _, _, info = hub.api("GET", "/api/models/alice/big")
    host = hub.url.removeprefix("http://")

    clone_request = f"0032want {info['sha']}\n00000009done\n".encode()
    download = (f"GET /alice/big/resolve/main/part0.bin HTTP/1.1\r\nHost: {host}\r\n\r\n").encode()
    upload_pack = (f"POST /alice/big.git/git-upload-pack HTTP/1.1\r\nHost: {host}\r\n"
                   f"Content-Type: application/x-git-upload-pack-request\r\n"
                   f"Content-Length: {len(clone_request)}\r\n\r\n").encode() + clone_request
    commit_head = (f"POST /api/models/alice/big/commit/main HTTP/1.1\r\nHost: {host}\r\n"
                   f"Authorization: Bearer {alice}\r\nContent-Type: application/x-ndjson\r\n"
                   f"Content-Length: {64 << 20}\r\n\r\n").encode()
    commit_body = (json.dumps({"key": "header", "value": {"summary": "never"}}) + "\n"
                   + '{"key":"file","value":{"path":"x.bin","encoding":"base64","content":"').encode() + b"A" * 200_000

    def abort(kind: int) -> None:
        sock = connect(hub)
        try:
            if kind == 0:
                sock.sendall(download)
                sock.recv(65536)
            elif kind == 1:
                sock.sendall(upload_pack)
                sock.recv(65536)
            else:
                sock.sendall(commit_head + commit_body)
        finally:
            # RST instead of FIN: the harshest way for a client to vanish.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.close()

    # A first round fills what grows once and stays (the database's pool of readers, the event
    # loops that watch git processes); what is open after it is the baseline.
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(abort, [i % 3 for i in range(60)]))
    assert wait_until(lambda: child_processes(hub.pid) == [], timeout=20)
    time.sleep(1)
    files_before = open_files(hub.pid)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(abort, [i % 3 for i in range(1000)]))
    print(f"1,000 aborted requests in {time.monotonic() - started:.1f} s")

    assert wait_until(lambda: child_processes(hub.pid) == [], timeout=20), child_processes(hub.pid)
    assert wait_until(lambda: open_files(hub.pid) <= files_before, timeout=20), \
        f"{open_files(hub.pid)} open files, {files_before} before"
    assert wait_until(lambda: hub.writes_in_flight() == [], timeout=20), hub.writes_in_flight()
    # Still serving, and the aborted commits changed nothing.
    status, _, body = get(hub.url + "/alice/big/resolve/main/part1.bin")
    assert status == 200 and len(body) == 6 << 20
    _, _, after = hub.api("GET", "/api/models/alice/big")
    assert after["sha"] == info["sha"]


def raw_exchange(hub: HubProcess, request: bytes, timeout: float = 10) -> bytes:
    """Sends `request` as it is and reads until the server closes or goes quiet."""
    sock = connect(hub)
    sock.settimeout(timeout)
    try:
        sock.sendall(request)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and b"Content-Length: 0" in received:
                break
        return received
    finally:
        sock.close()


@pytest.mark.parametrize("name,request_bytes,expected", [
    ("too many header lines",
     b"GET /api/models HTTP/1.1\r\nHost: hub\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n", b" 400 "),
    ("one header past the size limit",
     b"GET /api/models HTTP/1.1\r\nHost: hub\r\nX-Big: " + b"a" * (70 << 10) + b"\r\n\r\n", b" 400 "),
    ("Content-Length and Transfer-Encoding together (request smuggling)",
     b"POST /api/validate-yaml HTTP/1.1\r\nHost: hub\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/models HTTP/1.1\r\nHost: hub\r\n\r\n", b" 400 "),
    ("two different Content-Lengths",
     b"POST /api/validate-yaml HTTP/1.1\r\nHost: hub\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd", b" 400 "),
], ids=["header-count", "header-size", "cl-and-te", "two-content-lengths"])
def test_malformed_request_heads_are_refused_and_the_server_serves_on(hub: HubProcess, name, request_bytes, expected):
    answer = raw_exchange(hub, request_bytes)
    status_line = answer.split(b"\r\n", 1)[0]
    assert expected in status_line, f"{name}: {answer[:200]!r}"
    # A smuggled second request is never answered on the same connection.
    assert answer.count(b"HTTP/1.1 ") == 1, f"{name}: {answer[:400]!r}"
    assert get(hub.url + "/api/models")[0] == 200


@pytest.mark.parametrize("path", [
    "/alice/demo/resolve/main/../../../../etc/passwd",
    "/alice/demo/resolve/main/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/alice/demo/resolve/main/..%2f..%2f..%2fetc%2fpasswd",
    "/alice/demo/resolve/main/%252e%252e%252fetc%252fpasswd",
    "/alice/demo/resolve/main/.git/config",
    "/alice/demo/raw/main/..%5c..%5cetc%5cpasswd",
    "/api/models/alice/demo/tree/main/..%2f..%2f..",
    "/alice/..%2f..%2f..%2fetc/passwd/info/refs?service=git-upload-pack",
    "/alice/demo.git/info/lfs/objects/..%2f..%2f..%2fsecret.key",
    "/static/../../secret.key",
    "/static/%2e%2e/%2e%2e/secret.key",
], ids=lambda path: path.split("/", 3)[-1][:40])
def test_traversal_urls_never_reach_outside_the_repository(hub: HubProcess, alice: str, path: str):
    hub.create_repo(alice, "demo")
    status, _, body = get(hub.url + path)
    assert status in (400, 401, 403, 404, 422), (status, body[:200])
    assert b"root:" not in body
    secret = (hub.data_dir / "secret.key").read_bytes()
    assert secret not in body
