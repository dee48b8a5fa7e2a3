"""Faults a hub that holds people's weights must survive: a crash between git and the index, a full
disk, and the requests that once stopped the whole process. After each, the server still serves and
the invariants hold (git fsck, SQLite, nothing left in tmp/)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import time
import urllib.request

import pytest

from hubprocess import Git, HubProcess, local_store_only


def commit_files(hub: HubProcess, token: str, repo: str, files: dict[str, str], summary: str = "files") -> int:
    lines = [json.dumps({"key": "header", "value": {"summary": summary}})]
    for path, text in files.items():
        lines.append(json.dumps({"key": "file", "value": {
            "path": path, "content": base64.b64encode(text.encode()).decode(), "encoding": "base64"}}))
    request = urllib.request.Request(
        f"{hub.url}/api/models/{repo}/commit/main", data="\n".join(lines).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def lfs_upload_href(hub: HubProcess, token: str, repo: str, oid: str, size: int) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{hub.url}/{repo}.git/info/lfs/objects/batch", method="POST",
        data=json.dumps({"operation": "upload", "transfers": ["basic"], "objects": [{"oid": oid, "size": size}]}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.git-lfs+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())["objects"][0]["actions"]["upload"]["href"]


def listed_sha(hub: HubProcess, author: str, name: str) -> str | None:
    """The head commit the index holds (listings are answered from the index, not from git)."""
    status, _, body = hub.api("GET", f"/api/models?author={author}&expand=sha")
    assert status == 200, body
    return next((item.get("sha") for item in body if item["id"] == f"{author}/{name}"), None)


def move_branch_behind_the_index(repository: pathlib.Path, message: str) -> str:
    """What a push whose server died in the hook window leaves: git's branch moved, the index not."""
    env = dict(os.environ, GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@example.com",
               GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@example.com", GIT_CONFIG_NOSYSTEM="1")
    git = ["git", "--git-dir", str(repository)]
    tree = subprocess.run(git + ["rev-parse", "main^{tree}"], capture_output=True, text=True, check=True, env=env).stdout.strip()
    parent = subprocess.run(git + ["rev-parse", "main"], capture_output=True, text=True, check=True, env=env).stdout.strip()
    commit = subprocess.run(git + ["commit-tree", tree, "-p", parent, "-m", message],
                            capture_output=True, text=True, check=True, env=env).stdout.strip()
    subprocess.run(git + ["update-ref", "refs/heads/main", commit, parent], check=True, env=env)
    return commit


def test_index_catches_up_with_a_branch_moved_while_the_server_was_down(hub_factory):
    hub = hub_factory()
    token = hub.create_user("alice")
    hub.create_repo(token, "demo")
    assert commit_files(hub, token, "alice/demo", {"a.txt": "a"}) == 200
    hub.stop()
    moved = move_branch_behind_the_index(hub.data_dir / "repos/models/alice/demo.git", "landed while the hub was down")
    hub.start()
    assert listed_sha(hub, "alice", "demo") == moved
    status, _, info = hub.api("GET", "/api/models/alice/demo")
    assert status == 200 and info["sha"] == moved


def test_a_push_killed_mid_transfer_leaves_nothing_once_its_grace_period_is_over(hub: HubProcess, alice: str):
    hub.create_repo(alice, "demo")
    objects = hub.data_dir / "repos/models/alice/demo.git/objects"
    leftover = objects / "tmp_objdir-incoming-abc123"
    (leftover / "pack").mkdir(parents=True)
    (leftover / "pack" / "tmp_pack_x").write_bytes(b"\0" * 1024)
    fresh = objects / "tmp_objdir-incoming-def456"
    fresh.mkdir()
    age(leftover, 2 * 3600)
    hub.stop()
    hub.start()
    assert not leftover.exists()
    assert fresh.exists(), "a quarantine younger than the grace period may belong to a running push"
    fresh.rmdir()


def age(path: pathlib.Path, seconds: float) -> None:
    """Makes `path` and everything in it look untouched for `seconds`."""
    then = time.time() - seconds
    for item in [*path.rglob("*"), path]:
        os.utime(item, (then, then))


@local_store_only
def test_a_long_running_server_repairs_what_start_up_repairs(hub_factory):
    """Maintenance every `maintenanceInterval` (1 s here): abandoned push quarantines and multipart
    parts go, a push still writing its pack stays, and a branch head the index missed is read again,
    all without a restart."""
    hub = hub_factory(env={"MODELHUB_MAINTENANCE_INTERVAL": "1"})
    token = hub.create_user("alice")
    hub.create_repo(token, "demo")
    assert commit_files(hub, token, "alice/demo", {"a.txt": "a"}) == 200
    repository = hub.data_dir / "repos/models/alice/demo.git"
    abandoned = repository / "objects" / "tmp_objdir-incoming-old"
    (abandoned / "pack").mkdir(parents=True)
    (abandoned / "pack" / "tmp_pack_x").write_bytes(b"\0" * 1024)
    age(abandoned, 2 * 3600)
    receiving = repository / "objects" / "tmp_objdir-incoming-slow"
    (receiving / "pack").mkdir(parents=True)
    age(receiving, 2 * 3600)
    (receiving / "pack" / "tmp_pack_y").write_bytes(b"\0" * 1024)  # still growing
    parts = hub.data_dir / "lfs" / "incoming"
    stale_parts = parts / "stale-upload"
    stale_parts.mkdir(parents=True)
    (stale_parts / "1").write_bytes(b"\0" * 1024)
    age(stale_parts, 2 * 24 * 3600)
    current_parts = parts / "current-upload"
    current_parts.mkdir()
    moved = move_branch_behind_the_index(repository, "landed outside the index")

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not abandoned.exists() and not stale_parts.exists() and listed_sha(hub, "alice", "demo") == moved:
            break
        time.sleep(0.2)
    assert not abandoned.exists()
    assert not stale_parts.exists()
    assert listed_sha(hub, "alice", "demo") == moved
    assert receiving.exists(), "a push still writing its pack was swept"
    assert current_parts.exists()
    shutil.rmtree(receiving)
    current_parts.rmdir()


@pytest.fixture
def small_disk(tmp_path: pathlib.Path):
    """A 48 MiB tmpfs, unmounted after the test (after its servers were stopped and checked)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@local_store_only
def test_a_full_disk_refuses_writes_clearly_and_keeps_serving_reads(small_disk, hub_factory, tmp_path: pathlib.Path):
    mount = small_disk
    hub = hub_factory(workdir=mount)
    token = hub.create_user("alice")
    hub.create_repo(token, "demo")
    assert commit_files(hub, token, "alice/demo", {"a.txt": "kept"}) == 200
    hub.stop()
    # Fill the disk, then start again: starting must not need to write.
    filler = mount / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=100"], capture_output=True)
    hub.start()
    with urllib.request.urlopen(f"{hub.url}/alice/demo/resolve/main/a.txt", timeout=30) as response:
        assert response.read() == b"kept"
    status = commit_files(hub, token, "alice/demo", {"b.txt": "x" * (4 << 20)})
    assert status == 507
    # An LFS upload that does not fit: a 507 in Git LFS's format, and no object appears.
    blob = os.urandom(4 << 20)
    oid = hashlib.sha256(blob).hexdigest()
    status, href = lfs_upload_href(hub, token, "alice/demo", oid, len(blob))
    assert status == 200
    put = urllib.request.Request(href, data=blob, method="PUT", headers={"Content-Type": "application/octet-stream"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(put, timeout=60)
    assert refused.value.code == 507
    assert "storage is full" in json.loads(refused.value.read())["message"]
    assert not list((hub.data_dir / "lfs" / "objects").rglob(oid))
    # A push that does not fit: git says so, and the branch does not move.
    git = Git(tmp_path / "home")
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/demo", "alice", token), str(clone))
    git.commit_file(clone, "c.bin", os.urandom(4 << 20), "too big for the disk")
    pushed = git("push", "origin", "main", cwd=clone, check=False)
    assert pushed.returncode != 0
    assert "No space left on device" in pushed.stderr or "unpack" in pushed.stderr, pushed.stderr
    with urllib.request.urlopen(f"{hub.url}/alice/demo/resolve/main/a.txt", timeout=30) as response:
        assert response.read() == b"kept"
    # Space is back: the same writes work.
    filler.unlink()
    assert commit_files(hub, token, "alice/demo", {"b.txt": "x" * (4 << 20)}) == 200
    with urllib.request.urlopen(put, timeout=60) as response:
        assert response.status == 200
    git("pull", "-q", "--rebase", "origin", "main", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)


@pytest.mark.parametrize("method,path,body,content_type", [
    ("POST", "/api/models/nobody/nothing/paths-info/main", b"{", "application/x-www-form-urlencoded"),
    ("POST", "/login", b"name={&password=x", "application/x-www-form-urlencoded"),
    ("POST", "/new", b"name=%&x=%zz", "application/x-www-form-urlencoded"),
    ("GET", "/api/models/alice/demo/tree/main?cursor=9223372036854775807", None, None),
    ("GET", "/alice/demo/resolve/main/README.md%00.txt", None, None),
])
def test_requests_that_once_stopped_the_server_are_answered(hub: HubProcess, alice: str, method, path, body, content_type):
    hub.create_repo(alice, "demo")
    request = urllib.request.Request(hub.url + path, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert 200 <= status < 500
    assert hub.process.poll() is None, "the server died"
    status, _, _ = hub.api("GET", "/api/models/alice/demo")
    assert status == 200
