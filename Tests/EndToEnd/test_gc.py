"""`modelhub gc` frees the weights of deleted repositories beside a running server: noted on one
run, deleted on the next one past the grace period, never one another repository still holds.
Runs in every mode: local objects, the S3 bucket, the cluster."""

import hashlib
import os
import time

from huggingface_hub import HfApi, hf_hub_download


def test_deleting_a_repository_frees_its_weights_after_the_grace_period(hub, tmp_path):
    api = HfApi(endpoint=hub.url, token=hub.create_user("alice"))
    own, shared = os.urandom(1024 * 1024), os.urandom(512 * 1024)
    for repo in ("alice/gone", "alice/kept"):
        api.create_repo(repo)
    api.upload_file(path_or_fileobj=own, path_in_repo="own.safetensors", repo_id="alice/gone")
    api.upload_file(path_or_fileobj=shared, path_in_repo="shared.safetensors", repo_id="alice/gone")
    api.upload_file(path_or_fileobj=shared, path_in_repo="shared.safetensors", repo_id="alice/kept")
    api.delete_repo("alice/gone")
    own_oid, shared_oid = hashlib.sha256(own).hexdigest(), hashlib.sha256(shared).hexdigest()

    # The first run notes what no repository holds (the shared object is still held); with the
    # default grace period (7 days) a second run right after deletes nothing.
    first = hub.admin("gc").stdout
    assert "deleted 0 LFS objects" in first and "; noted 1 newly unheld" in first
    assert "deleted 0 LFS objects" in hub.admin("gc").stdout
    time.sleep(0.05)
    dry = hub.admin("gc", "--grace", "0", "--dry-run").stdout
    assert f"would delete 1 LFS objects ({len(own)} bytes)" in dry
    assert own_oid in hub.stored_objects()
    second = hub.admin("gc", "--grace", "0").stdout
    assert f"deleted 1 LFS objects ({len(own)} bytes)" in second
    assert own_oid not in hub.stored_objects() and shared_oid in hub.stored_objects()
    path = hf_hub_download("alice/kept", "shared.safetensors", endpoint=hub.url, cache_dir=tmp_path / "c")
    assert open(path, "rb").read() == shared
    assert hub.admin("fsck", "--objects").returncode == 0
