"""The server killed with SIGKILL in the middle of each kind of write, and writes that race each
other. After every crash the server starts again, every invariant holds (git fsck --strict,
SQLite integrity, the index's head equals git's, nothing left in data/tmp), and the same
operation retried succeeds. Every race has exactly one winner and loses nothing."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import pathlib
import subprocess
import threading
import time

import pytest

from hubprocess import Git, HubProcess


@pytest.fixture
def restartable(hub_factory) -> HubProcess:
    """A hub the test may kill; stopped and checked at the end whatever happened."""
    return hub_factory()


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process below `pid`."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                commands[int(entry)] = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append((child, commands.get(child, "")))
            stack.append(child)
    return found


def wait_for(condition, timeout: float, interval: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def wait_for_no_git(data_dir: pathlib.Path, timeout: float = 30) -> None:
    """A killed server's git children finish on their own (they hold the old pipes): wait for them."""
    marker = str(data_dir)

    def gone() -> bool:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as handle:
                        if marker.encode() in handle.read() and entry != str(os.getpid()):
                            return False
                except OSError:
                    continue
        return True

    assert wait_for(gone, timeout, interval=0.1), "git processes of the killed server kept running"


def restart(hub: HubProcess) -> None:
    """Kill, then start again; once started (start-up repairs first) every invariant holds."""
    hub.kill()
    wait_for_no_git(hub.data_dir)
    hub.start()
    hub.check_invariants()


def indexed_sha(hub: HubProcess, repo: str) -> str | None:
    status, _, body = hub.api("GET", f"/api/models/{repo}")
    assert status == 200, body
    return body.get("sha")


def ndjson_commit(files: dict[str, bytes], summary: str = "files", parent: str | None = None) -> bytes:
    header = {"summary": summary}
    if parent:
        header["parentCommit"] = parent
    lines = [json.dumps({"key": "header", "value": header})]
    for path, content in files.items():
        lines.append(json.dumps({"key": "file", "value": {
            "path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}}))
    return "\n".join(lines).encode()


def post(hub: HubProcess, path: str, body: bytes, token: str, content_type: str = "application/json",
         timeout: float = 120) -> tuple[int, bytes]:
    host, port = hub.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": content_type})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def repeated_block(mib: int) -> tuple[bytes, str]:
    """A random 1 MiB block, and the LFS oid of `mib` copies of it: an upload that large is
    sent block by block without holding it in memory."""
    block = os.urandom(1 << 20)
    digest = hashlib.sha256()
    for _ in range(mib):
        digest.update(block)
    return block, digest.hexdigest()


def random_files(count: int, size: int) -> dict[str, bytes]:
    return {f"data/part{i}.bin": os.urandom(size) for i in range(count)}


def clone_and_commit_random_files(git: Git, remote: str, clone: pathlib.Path, count: int, size: int) -> str:
    """Clones `remote`, commits `count` random files of `size` bytes (too random to compress);
    returns the commit."""
    git("clone", "-q", remote, str(clone))
    for name, content in random_files(count, size).items():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_bytes(content)
    git("add", ".", cwd=clone)
    git("commit", "-q", "-m", "weights", cwd=clone)
    return git.head(clone)


# --- kill -9 in the middle of each write -----------------------------------------------------

def test_kill_during_a_large_push(restartable: HubProcess, tmp_path: pathlib.Path):
    hub = restartable
    token = hub.create_user("alice")
    hub.create_repo(token, "big")
    git = Git(tmp_path / "home")
    clone = tmp_path / "clone"
    before = indexed_sha(hub, "alice/big")
    pushed = clone_and_commit_random_files(git, hub.remote("alice/big", "alice", token), clone, 4, 9 << 20)

    objects = hub.data_dir / "repos/models/alice/big.git/objects"
    push = subprocess.Popen(["git", "push", "-q", "origin", "main"], cwd=clone, env=git.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # The pack is arriving once git has made its quarantine folder.
    assert wait_for(lambda: any(objects.glob("tmp_objdir-incoming-*")), timeout=60)
    restart(hub)
    push.communicate(timeout=60)
    assert push.returncode != 0
    assert indexed_sha(hub, "alice/big") == before

    # A restarted hub listens on a new port.
    git("remote", "set-url", "origin", hub.remote("alice/big", "alice", token), cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    assert indexed_sha(hub, "alice/big") == pushed
    check = tmp_path / "check"
    git("clone", "-q", hub.remote("alice/big"), str(check))
    assert (check / "data/part3.bin").read_bytes() == (clone / "data/part3.bin").read_bytes()


def test_kill_inside_the_push_hook_window(restartable: HubProcess, tmp_path: pathlib.Path):
    """Killed while the pre-receive hook runs: git, left running, may still move the branch after
    the server is gone. At restart the index must hold whatever git ended with."""
    hub = restartable
    token = hub.create_user("alice")
    hub.create_repo(token, "hooked")
    git = Git(tmp_path / "home")
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/hooked", "alice", token), str(clone))
    caught = False
    for attempt in range(5):
        git.commit_file(clone, f"file{attempt}.txt", f"attempt {attempt}\n" * 1000, f"attempt {attempt}")
        push = subprocess.Popen(["git", "push", "-q", "origin", "main"], cwd=clone, env=git.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        server = hub.pid
        in_hook = wait_for(lambda: any("hook pre-receive" in command for _, command in descendants(server)),
                           timeout=30)
        if in_hook:
            caught = True
            restart(hub)
        push.communicate(timeout=60)
        if caught:
            break
    assert caught, "the pre-receive hook was never seen running"
    head = subprocess.run(["git", "--git-dir", str(hub.data_dir / "repos/models/alice/hooked.git"), "rev-parse", "main"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert indexed_sha(hub, "alice/hooked") == head
    # Retried: it lands (or it already had).
    git("remote", "set-url", "origin", hub.remote("alice/hooked", "alice", token), cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    assert indexed_sha(hub, "alice/hooked") == git.head(clone)


def test_kill_during_a_500_mib_lfs_upload(restartable: HubProcess):
    hub = restartable
    token = hub.create_user("alice")
    hub.create_repo(token, "weights")
    size = 500 << 20
    block, oid = repeated_block(500)

    def upload_url() -> str:
        status, body = post(hub, "/alice/weights.git/info/lfs/objects/batch", json.dumps({
            "operation": "upload", "transfers": ["basic"], "objects": [{"oid": oid, "size": size}]}).encode(),
            token, "application/vnd.git-lfs+json")
        assert status == 200, body
        return json.loads(body)["objects"][0]["actions"]["upload"]["href"]

    def put(href: str, kill_after_mib: int | None) -> int | None:
        host, port = hub.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            connection.putrequest("PUT", href.removeprefix(hub.url))
            connection.putheader("Content-Length", str(size))
            connection.putheader("Content-Type", "application/octet-stream")
            connection.endheaders()
            for sent in range(500):
                if kill_after_mib is not None and sent == kill_after_mib:
                    restart(hub)
                connection.send(block)
            return connection.getresponse().status
        except (BrokenPipeError, ConnectionResetError, http.client.HTTPException):
            return None
        finally:
            connection.close()

    assert put(upload_url(), kill_after_mib=200) is None
    # Nothing half-written is visible: no object, and the batch still asks for the upload.
    assert hub.stored_object(oid) is None
    assert put(upload_url(), kill_after_mib=None) == 200
    assert hub.stored_objects()[oid] == size


def test_kill_during_an_api_commit_of_several_files(restartable: HubProcess):
    hub = restartable
    token = hub.create_user("alice")
    hub.create_repo(token, "commits")
    before = indexed_sha(hub, "alice/commits")
    objects = hub.data_dir / "repos/models/alice/commits.git/objects"
    stored_before = sorted(objects.rglob("*"))
    body = ndjson_commit(random_files(4, 6 << 20), "four files")
    host, port = hub.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest("POST", "/api/models/alice/commits/commit/main")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", "application/x-ndjson")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    # Three of the four files are in: their blobs are in the commit's quarantine.
    connection.send(body[: len(body) * 3 // 4])
    time.sleep(0.5)
    restart(hub)
    connection.close()
    assert indexed_sha(hub, "alice/commits") == before
    # Nothing the dead commit wrote is reachable or lying around in the repository.
    assert sorted(objects.rglob("*")) == stored_before
    status, answer = post(hub, "/api/models/alice/commits/commit/main", body, token, "application/x-ndjson")
    assert status == 200, answer
    assert indexed_sha(hub, "alice/commits") == json.loads(answer)["commitOid"]


@pytest.mark.parametrize("operation", ["rename", "delete"])
def test_kill_right_after_a_rename_or_delete_is_sent(restartable: HubProcess, operation: str):
    """The kill lands at a different point of the operation each round; whichever state it left,
    the index and the disk agree after the restart, and the operation can be done (again)."""
    hub = restartable
    token = hub.create_user("alice")
    for round_ in range(6):
        name = f"r{round_}"
        hub.create_repo(token, name)
        if operation == "rename":
            request = ("/api/repos/move", {"fromRepo": f"alice/{name}", "toRepo": f"alice/{name}-moved"})
        else:
            request = ("/api/repos/delete", {"name": name, "organization": "alice"})
        host, port = hub.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        payload = json.dumps(request[1]).encode()
        method = "DELETE" if operation == "delete" else "POST"
        connection.request(method, request[0], body=payload, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        time.sleep(round_ * 0.004)
        restart(hub)
        connection.close()
        old_status, _, old_body = hub.api("GET", f"/api/models/alice/{name}", token)
        if operation == "rename":
            new_status, _, _ = hub.api("GET", f"/api/models/alice/{name}-moved", token)
            # Either the rename happened (the old name redirects to the new one) or it did not.
            moved = new_status == 200
            assert old_status == 200 and old_body["id"] == (f"alice/{name}-moved" if moved else f"alice/{name}")
            if not moved:
                status, _, body = hub.api("POST", "/api/repos/move", token, request[1])
                assert status == 200, body
            assert hub.api("GET", f"/api/models/alice/{name}-moved", token)[0] == 200
        else:
            if old_status == 200:
                status, _, body = hub.api("DELETE", "/api/repos/delete", token, request[1])
                assert status == 200, body
            assert hub.api("GET", f"/api/models/alice/{name}", token)[0] == 404
            assert not (hub.data_dir / "repos/models/alice" / f"{name}.git").exists()


# --- races --------------------------------------------------------------------------------------

def test_eight_pushes_to_one_branch_exactly_one_wins(hub: HubProcess, alice: str, tmp_path: pathlib.Path):
    hub.create_repo(alice, "race")
    git = Git(tmp_path / "home")
    clones = []
    for n in range(8):
        path = tmp_path / f"clone{n}"
        git("clone", "-q", hub.remote("alice/race", "alice", alice), str(path))
        git.commit_file(path, f"writer{n}.txt", f"writer {n}\n" * 50_000, f"writer {n}")
        clones.append(path)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda path: git("push", "origin", "main", cwd=path, check=False), clones))
    winners = [path for path, result in zip(clones, results) if result.returncode == 0]
    assert len(winners) == 1, [result.stderr for result in results]
    for path, result in zip(clones, results):
        if path not in winners:
            # git's own words for a lost race: the branch moved under it.
            assert "rejected" in result.stderr or "failed to update ref" in result.stderr or \
                "cannot lock ref" in result.stderr, result.stderr
    assert indexed_sha(hub, "alice/race") == git.head(winners[0])


def test_two_creates_of_one_name_in_different_case_one_wins(hub: HubProcess, alice: str):
    for round_ in range(5):
        names = [f"Model{round_}", f"model{round_}"]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            statuses = list(pool.map(
                lambda name: hub.api("POST", "/api/repos/create", alice, {"name": name})[0], names))
        assert sorted(statuses) == [200, 409], statuses
        assert len(list((hub.data_dir / "repos/models/alice").glob(f"model{round_}.git"))) == 1


def test_a_rename_while_a_push_runs_leaves_the_index_right(hub: HubProcess, alice: str, tmp_path: pathlib.Path):
    git = Git(tmp_path / "home")
    for round_ in range(3):
        name = f"moving{round_}"
        hub.create_repo(alice, name)
        clone = tmp_path / f"clone{round_}"
        clone_and_commit_random_files(git, hub.remote(f"alice/{name}", "alice", alice), clone, 2, 8 << 20)
        objects = hub.data_dir / f"repos/models/alice/{name}.git/objects"
        push = subprocess.Popen(["git", "push", "-q", "origin", "main"], cwd=clone, env=git.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: any(objects.glob("tmp_objdir-incoming-*")), timeout=30)
        time.sleep(round_ * 0.05)
        status, _, body = hub.api("POST", "/api/repos/move", alice,
                                  {"fromRepo": f"alice/{name}", "toRepo": f"alice/{name}-new"})
        assert status == 200, body
        push.communicate(timeout=120)
        sha = indexed_sha(hub, f"alice/{name}-new")
        head = subprocess.run(
            ["git", "--git-dir", str(hub.data_dir / f"repos/models/alice/{name}-new.git"), "rev-parse", "main"],
            capture_output=True, text=True, check=True).stdout.strip()
        assert sha == head
        if push.returncode == 0:
            assert head == git.head(clone)
