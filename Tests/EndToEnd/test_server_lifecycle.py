"""Start, stop and restart: SIGTERM lets in-flight requests finish and leaves the data sound."""

import os
import pathlib
import subprocess
import threading
import time


def descendants(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(pathlib.Path(f"/proc/{pid}/task").iterdir())
    except (FileNotFoundError, ProcessLookupError):  # the process ended while we looked
        return []
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found + [grandchild for child in found for grandchild in descendants(child)]


def command_name(pid: int) -> str:
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def test_sigterm_lets_a_clone_in_flight_finish(hub, git, alice, tmp_path):
    hub.create_repo(alice, "weights")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/weights", "alice", alice), str(work))
    for number in range(6):
        (work / f"shard{number}.dat").write_bytes(os.urandom(5 * 1024 * 1024))
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "shards", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)

    result = {}
    clone = threading.Thread(
        target=lambda: result.update(clone=git("clone", "-q", hub.remote("alice/weights"), str(tmp_path / "c"),
                                               check=False)))
    clone.start()
    # Wait until the server's git is packing objects for this clone, then ask it to stop.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # (the clone's pack-objects, under upload-pack: the hub's own repack after the push
        # runs one too)
        serving = [pid for server in hub.pids for pid in descendants(server) if "upload-pack" in command_name(pid)]
        if any("pack-objects" in command_name(child) for pid in serving for child in descendants(pid)):
            break
        time.sleep(0.005)
    else:
        raise AssertionError("the clone never reached pack-objects")
    exit_code = hub.stop()
    clone.join(timeout=120)

    assert exit_code == 0
    assert result["clone"].returncode == 0, result["clone"].stderr
    assert git.head(tmp_path / "c") == git.head(work)
    # Restarting on the same data folder serves the same repository.
    hub.start()
    assert git("ls-remote", hub.remote("alice/weights"), "refs/heads/main").stdout.split()[0] == git.head(work)


def test_new_connections_are_refused_after_shutdown(hub):
    url = hub.url
    assert hub.stop() == 0
    probe = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url + "/"],
                           capture_output=True, text=True)
    assert probe.stdout == "000"
    hub.start()
