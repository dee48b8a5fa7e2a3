"""`modelhub fsck` beside a running server: a sound hub passes, each kind of damage is named (and
the exit code says so), a deliberate deletion is not damage, and --repair puts a stale head right.
Runs in every mode: the embedded index and local objects, the S3 bucket, the cluster."""

import hashlib
import os
import shutil
import subprocess

from huggingface_hub import HfApi


def fsck(hub, *flags: str) -> subprocess.CompletedProcess:
    return hub.admin("fsck", *flags, check=False)


def published(hub, tmp_path) -> tuple[HfApi, bytes]:
    """alice/weights with an LFS file on main and a tag, uploaded by huggingface_hub."""
    api = HfApi(endpoint=hub.url, token=hub.create_user("alice"))
    api.create_repo("alice/weights")
    weights = os.urandom(2 * 1024 * 1024 + 5)
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.safetensors", repo_id="alice/weights")
    api.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id="alice/weights")
    api.create_tag("alice/weights", tag="v1")
    return api, weights


def test_a_sound_hub_passes_with_its_objects_read(hub, tmp_path):
    published(hub, tmp_path)
    result = fsck(hub, "--objects")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "checked 1 repositories, 1 objects read: 0 problems"


def test_missing_and_damaged_objects_are_named_and_fail_the_check(hub, tmp_path):
    _, weights = published(hub, tmp_path)
    oid = hashlib.sha256(weights).hexdigest()
    # Bytes of the right size that are not the object: only reading them finds it.
    hub.replace_stored_object(oid, bytes(len(weights)))
    assert fsck(hub).returncode == 0
    damaged = fsck(hub, "--objects")
    assert damaged.returncode == 1
    assert f"damaged LFS object: {oid}: its bytes hash to {hashlib.sha256(bytes(len(weights))).hexdigest()}" \
        in damaged.stdout
    hub.replace_stored_object(oid, None)
    missing = fsck(hub)
    assert missing.returncode == 1
    assert (f"missing LFS object: models/alice/weights: model.safetensors on refs/heads/main points to {oid}, "
            "whose bytes are not stored") in missing.stdout


def test_an_object_deleted_on_purpose_is_reported_as_deleted_not_as_damage(hub, tmp_path):
    api, weights = published(hub, tmp_path)
    files = list(api.list_lfs_files(repo_id="alice/weights"))
    api.permanently_delete_lfs_files(repo_id="alice/weights", lfs_files=files, rewrite_history=False)
    result = fsck(hub, "--objects")
    assert result.returncode == 0, result.stdout
    oid = hashlib.sha256(weights).hexdigest()
    assert (f"deleted LFS object: models/alice/weights: model.safetensors on refs/heads/main points to {oid}, "
            "deleted on purpose") in result.stdout
    # Uploaded again, it is held again: nothing to report.
    api.upload_file(path_or_fileobj=weights, path_in_repo="again.safetensors", repo_id="alice/weights")
    assert "0 problems" in fsck(hub).stdout and "deleted" not in fsck(hub).stdout


def test_a_head_moved_behind_the_index_is_repaired_and_a_broken_ref_named(hub, tmp_path, git):
    api, _ = published(hub, tmp_path)
    folder = hub.data_dir / "repos" / "models" / "alice" / "weights.git"
    head = git("--git-dir", str(folder), "rev-parse", "refs/heads/main").stdout.strip()
    first = git("--git-dir", str(folder), "rev-list", "--max-parents=0", "refs/heads/main").stdout.strip()
    # The branch moved in git while the index kept the old head (a crash between the two).
    git("--git-dir", str(folder), "update-ref", "refs/heads/main", first, head)
    (folder / "refs" / "heads" / "broken").write_text("1" * 40 + "\n")
    stale = fsck(hub)
    assert stale.returncode == 1
    assert f"stale head: models/alice/weights: the index has {head}, main is {first}" in stale.stdout
    assert "unresolvable ref: models/alice/weights: refs/heads/broken:" in stale.stdout
    repaired = fsck(hub, "--repair")
    assert f"main is {first} (repaired)" in repaired.stdout
    assert api.model_info("alice/weights").sha == first
    (folder / "refs" / "heads" / "broken").unlink()
    assert fsck(hub).returncode == 0


def test_a_repository_folder_gone_from_disk_is_named(hub, tmp_path):
    published(hub, tmp_path)
    folder = hub.data_dir / "repos" / "models" / "alice" / "weights.git"
    shutil.move(folder, tmp_path / "aside.git")
    result = fsck(hub)
    assert result.returncode == 1
    assert "missing repository: models/alice/weights: no readable repository at" in result.stdout
    shutil.move(tmp_path / "aside.git", folder)
    assert fsck(hub).returncode == 0
