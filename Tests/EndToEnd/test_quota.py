"""Storage quotas (`modelhub quota`, `--quota`) against a running modelhub, with every client that
uploads: huggingface_hub through Git LFS and through Xet, git-lfs, and a plain git push. What a
namespace holds is the sum of its repositories' `usedStorage`; a write that would pass the quota
is refused with the hub's 403 and its message, and leaves the repository as it was."""

import base64
import os
import re
import subprocess
import sys
import uuid

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

QUOTA_REACHED = "Storage quota reached: the repositories of 'lab'"


def text(size: int) -> bytes:
    """Text that zlib shrinks by only a quarter (base64 of random bytes): a regular git file."""
    return base64.b64encode(os.urandom(size))[:size]


def used_bytes(hub, namespace: str) -> int:
    shown = hub.admin("quota", "show", namespace).stdout
    match = re.search(r"\((\d+) bytes\) used", shown)
    assert match, shown
    return int(match.group(1))


def used_storage(api: HfApi, *repos: str) -> int:
    """What the API says the repositories hold (`usedStorage`)."""
    return sum(api.model_info(repo, expand=["usedStorage"]).used_storage for repo in repos)


def files(api: HfApi, repo: str) -> list[str]:
    return sorted(api.list_repo_files(repo))


@pytest.fixture
def lab(hub, alice) -> HfApi:
    """An organization `lab` with a 3 MB quota, alice its admin; the value is alice's HfApi."""
    created = hub.admin("org", "create", "lab", "--owner", "alice", "--quota", "3MB").stdout
    assert "created organization lab" in created
    return HfApi(endpoint=hub.url, token=alice)


def test_an_lfs_upload_past_an_organizations_quota_is_refused_by_each_client_and_space_freed_lets_it_in(
        hub, alice, lab, git, tmp_path):
    lab.create_repo("lab/weights")
    first = os.urandom(2_000_000)
    lab.upload_file(path_or_fileobj=first, path_in_repo="first.bin", repo_id="lab/weights")
    # The quota counts what usedStorage shows, over every repository of the namespace.
    lab.create_repo("lab/notes", private=True)
    assert used_bytes(hub, "lab") == used_storage(lab, "lab/weights", "lab/notes") > 2_000_000
    assert "of 3.0 MB (3000000 bytes)" in hub.admin("quota", "show", "lab").stdout
    before = lab.model_info("lab/weights").sha

    # huggingface_hub (Git LFS path): the batch is refused before any byte is sent.
    with pytest.raises(HfHubHTTPError) as refused:
        lab.upload_file(path_or_fileobj=os.urandom(2_000_000), path_in_repo="second.bin", repo_id="lab/weights")
    assert refused.value.response.status_code == 403
    assert QUOTA_REACHED in str(refused.value) and "2.0 MB more" in str(refused.value)
    assert lab.model_info("lab/weights").sha == before

    # git with git-lfs: git-lfs shows the hub's message and the push does not happen.
    git("lfs", "install", "--skip-repo")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("lab/weights", "alice", alice), str(work), env={"GIT_LFS_SKIP_SMUDGE": "1"})
    (work / "second.safetensors").write_bytes(os.urandom(2_000_000))
    git("add", "second.safetensors", cwd=work)
    git("commit", "-q", "-m", "second", cwd=work)
    push = git("push", "origin", "main", cwd=work, check=False)
    assert push.returncode != 0 and QUOTA_REACHED in push.stderr, push.stderr
    assert lab.model_info("lab/weights").sha == before

    # A plain git push of regular files: the pre-receive hook weighs what git received.
    plain = tmp_path / "plain"
    git("clone", "-q", hub.remote("lab/notes", "alice", alice), str(plain))
    (plain / "table.csv").write_bytes(text(2_000_000))
    git("add", "table.csv", cwd=plain)
    git("commit", "-q", "-m", "table", cwd=plain)
    push = git("push", "origin", "main", cwd=plain, check=False)
    assert push.returncode != 0 and f"push refused: {QUOTA_REACHED}" in push.stderr, push.stderr
    assert files(lab, "lab/notes") == [".gitattributes"]

    # An API commit of a regular file is charged its git objects.
    with pytest.raises(HfHubHTTPError) as refused:
        lab.upload_file(path_or_fileobj=text(2_000_000), path_in_repo="table.csv", repo_id="lab/notes")
    assert refused.value.response.status_code == 403 and QUOTA_REACHED in str(refused.value)

    # A pull request's upload is charged to the repository's namespace too.
    with pytest.raises(HfHubHTTPError) as refused:
        lab.upload_file(path_or_fileobj=os.urandom(2_000_000), path_in_repo="second.bin", repo_id="lab/weights",
                        create_pr=True)
    assert refused.value.response.status_code == 403

    # Alice's own namespace has no quota: the same bytes go there.
    lab.create_repo("alice/scratch")
    lab.upload_file(path_or_fileobj=os.urandom(2_000_000), path_in_repo="second.bin", repo_id="alice/scratch")

    # Space freed (the first file's weights deleted for good) lets the upload in.
    lab.permanently_delete_lfs_files("lab/weights", list(lab.list_lfs_files("lab/weights")), rewrite_history=False)
    assert used_bytes(hub, "lab") < 1_000_000
    lab.upload_file(path_or_fileobj=os.urandom(2_000_000), path_in_repo="second.bin", repo_id="lab/weights")
    assert "second.bin" in files(lab, "lab/weights")

    # Without a quota anything fits again.
    assert "no quota" in hub.admin("quota", "set", "lab", "none").stdout
    lab.upload_file(path_or_fileobj=os.urandom(2_000_000), path_in_repo="third.bin", repo_id="lab/weights")


UPLOAD = """
import sys
from huggingface_hub import HfApi
HfApi().upload_file(path_or_fileobj=sys.argv[2], path_in_repo="model.bin", repo_id=sys.argv[1])
"""


def xet_upload(hub, token, tmp_path, repo, path) -> subprocess.CompletedProcess:
    """The default huggingface_hub (Xet on) uploading `path` as model.bin."""
    env = {name: value for name, value in os.environ.items() if name != "HF_HUB_DISABLE_XET"}
    env.update(HF_ENDPOINT=hub.url, HF_TOKEN=token, HF_HOME=str(tmp_path / f"hf-{uuid.uuid4().hex}"),
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    return subprocess.run([sys.executable, "-c", UPLOAD, repo, str(path)], env=env, capture_output=True, text=True,
                          timeout=300)


def test_a_xet_upload_past_the_quota_is_refused_and_commits_nothing(hub, alice, lab, tmp_path):
    lab.create_repo("lab/xet")
    before = lab.model_info("lab/xet").sha
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(4_000_000))
    refused = xet_upload(hub, alice, tmp_path, "lab/xet", big)
    # hf_xet sends the xorb first, and is refused it before its bytes are read; it reports the
    # status, not the message.
    assert refused.returncode != 0
    assert "403 Forbidden" in refused.stderr and "/xet/v1/xorbs/" in refused.stderr, refused.stderr[-3000:]
    assert lab.model_info("lab/xet").sha == before
    assert used_bytes(hub, "lab") < 100_000

    small = tmp_path / "small.bin"
    small.write_bytes(os.urandom(1_000_000))
    done = xet_upload(hub, alice, tmp_path, "lab/xet", small)
    assert done.returncode == 0, done.stderr[-3000:]
    assert files(lab, "lab/xet") == [".gitattributes", "model.bin"]
    assert 1_000_000 < used_bytes(hub, "lab") == used_storage(lab, "lab/xet") < 1_100_000


def test_quota_commands_name_what_they_refuse(hub, alice):
    for args, words in [
        (["quota", "set", "nobody", "1GB"], "No user or organization is called 'nobody'"),
        (["quota", "set", "alice", "lots"], "lots"),
        (["quota", "show", "nobody"], "No user or organization is called 'nobody'"),
        (["user", "create", "bob", "--quota=-1GB"], "-1GB"),
    ]:
        result = hub.admin(*args, check=False)
        assert result.returncode != 0 and words in result.stderr, (args, result.stderr)
    assert hub.admin("quota", "show").stdout == ""
    hub.admin("user", "create", "carol", "--quota", "1.5GB")
    hub.admin("quota", "set", "alice", "500MiB")
    assert hub.admin("quota", "show").stdout.splitlines() == [
        f"alice: {used} bytes ({used} bytes) used of 524.3 MB (524288000 bytes)"
        for used in [used_bytes(hub, "alice")]
    ] + ["carol: 0 bytes (0 bytes) used of 1.5 GB (1500000000 bytes)"]
