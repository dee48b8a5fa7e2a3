"""`modelhub backup` while the server serves and a push lands, and `modelhub restore` into a new
data folder: the restored hub passes fsck and serves what the backup held. For the embedded mode;
with the index on PostgreSQL or the objects in a bucket, backup refuses and says what to use."""

import os
import subprocess
import threading

import pytest
from huggingface_hub import HfApi, hf_hub_download

from hubprocess import BINARY, CLUSTER


def test_a_backup_taken_during_a_push_restores_a_hub_that_passes_fsck(hub_factory, git, tmp_path):
    hub = hub_factory(embedded=True)
    if hub.uses_s3:
        pytest.skip("backup copies the embedded mode: the bucket's run checks the refusal")
    token = hub.create_user("alice")
    api = HfApi(endpoint=hub.url, token=token)
    api.create_repo("alice/weights")
    weights = os.urandom(3 * 1024 * 1024)
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.safetensors", repo_id="alice/weights")
    before = api.model_info("alice/weights").sha

    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/weights", "alice", token), str(work), env={"GIT_LFS_SKIP_SMUDGE": "1"})
    for number in range(8):
        (work / f"shard{number}.bin").write_bytes(os.urandom(4 * 1024 * 1024))
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "shards", cwd=work)
    pushed: list[subprocess.CompletedProcess] = []
    push = threading.Thread(target=lambda: pushed.append(git("push", "-q", "origin", "main", cwd=work, check=False)))
    push.start()
    backup = tmp_path / "backup"
    result = hub.admin("backup", str(backup))
    push.join()
    assert pushed[0].returncode == 0, pushed[0].stderr
    assert "backed up 1 repositories and 1 LFS objects (3145728 bytes)" in result.stdout

    restored = tmp_path / "restored"
    restore = subprocess.run([str(BINARY), "restore", str(backup), "--data-dir", str(restored / "data")],
                             capture_output=True, text=True, timeout=120)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "fsck finds no problems" in restore.stdout
    second = hub_factory(workdir=restored, embedded=True)
    assert second.admin("fsck", "--objects").returncode == 0
    # The push is in the copy whole, or not at all.
    assert HfApi(endpoint=second.url, token=token).model_info("alice/weights").sha in (before, api.model_info(
        "alice/weights").sha)
    path = hf_hub_download("alice/weights", "model.safetensors", endpoint=second.url, token=token,
                           cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == weights

    # A backup never overwrites, and a restore never goes into a hub's folder.
    again = hub.admin("backup", str(backup), check=False)
    assert again.returncode == 1 and "exists" in again.stderr
    into_hub = hub.admin("restore", str(backup), check=False)
    assert into_hub.returncode == 1 and "not empty" in into_hub.stderr


def test_backup_of_the_cluster_mode_points_to_its_engines_tools(hub_factory, tmp_path):
    hub = hub_factory()
    if not (hub.uses_s3 or CLUSTER):
        pytest.skip("the embedded mode is backed up by modelhub backup")
    result = hub.admin("backup", str(tmp_path / "backup"), check=False)
    assert result.returncode == 1 and "pg_dump" in result.stderr
    assert not (tmp_path / "backup").exists()
