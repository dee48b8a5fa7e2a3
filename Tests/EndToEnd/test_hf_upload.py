"""Uploads with unmodified huggingface_hub and the hf CLI: preupload, LFS, the NDJSON commit."""

import hashlib
import os
import subprocess
import sys
import threading

import pytest
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, hf_hub_download
from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError, RevisionNotFoundError


def test_upload_file_small_readme_and_lfs_then_download(api, hub, git, tmp_path):
    api.create_repo("alice/uploads")
    info = api.upload_file(path_or_fileobj=b"hello\n", path_in_repo="docs/hello.txt", repo_id="alice/uploads")
    assert info.oid and info.commit_url == f"{hub.url}/alice/uploads/commit/{info.oid}"
    card = "---\nlicense: mit\nlanguage: de\ntags:\n- spam\n---\n# German spam classifier\n"
    api.upload_file(path_or_fileobj=card.encode(), path_in_repo="README.md", repo_id="alice/uploads")
    weights = os.urandom(30 * 1024 * 1024)
    (tmp_path / "model.safetensors").write_bytes(weights)
    api.upload_file(path_or_fileobj=str(tmp_path / "model.safetensors"), path_in_repo="model.safetensors",
                    repo_id="alice/uploads")

    assert sorted(api.list_repo_files("alice/uploads")) == [".gitattributes", "README.md", "docs/hello.txt",
                                                            "model.safetensors"]
    path = hf_hub_download("alice/uploads", "model.safetensors", endpoint=hub.url, cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == weights
    # The same files through git: the LFS file is a pointer routed by .gitattributes.
    clone = tmp_path / "clone"
    git("lfs", "install", "--skip-repo")
    git("clone", "-q", hub.remote("alice/uploads"), str(clone))
    assert (clone / "model.safetensors").read_bytes() == weights
    assert (clone / "README.md").read_text() == card
    assert git("log", "--format=%an %s", "-1", cwd=clone).stdout.startswith("alice Upload model.safetensors")


def test_lfs_file_outside_the_tracked_patterns_gets_a_gitattributes_line(api, hub, git, tmp_path):
    api.create_repo("alice/attrs")
    data = os.urandom(11 * 1024 * 1024)  # over 10 MiB: LFS although *.dat is not tracked
    (tmp_path / "big.dat").write_bytes(data)
    api.upload_file(path_or_fileobj=str(tmp_path / "big.dat"), path_in_repo="data/big.dat", repo_id="alice/attrs")
    attributes = open(hf_hub_download("alice/attrs", ".gitattributes", endpoint=hub.url, cache_dir=tmp_path / "c")).read()
    assert "data/big.dat filter=lfs diff=lfs merge=lfs -text" in attributes
    clone = tmp_path / "clone"
    git("lfs", "install", "--skip-repo")
    git("clone", "-q", hub.remote("alice/attrs"), str(clone))
    assert (clone / "data" / "big.dat").read_bytes() == data


def test_upload_folder_delete_file_and_folder(api, hub, tmp_path):
    api.create_repo("alice/folder")
    folder = tmp_path / "src"
    (folder / "sub" / "deep").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "sub" / "b.txt").write_text("b")
    (folder / "sub" / "deep" / "c.json").write_text("{}")
    (folder / "weights.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    api.upload_folder(folder_path=str(folder), repo_id="alice/folder", commit_message="import")
    files = sorted(api.list_repo_files("alice/folder"))
    assert files == [".gitattributes", "a.txt", "sub/b.txt", "sub/deep/c.json", "weights.bin"]
    # Unchanged files are not committed again: preupload reports their oids, the client skips them.
    head = api.model_info("alice/folder").sha
    api.upload_folder(folder_path=str(folder), repo_id="alice/folder")
    assert api.model_info("alice/folder").sha == head
    api.delete_folder("sub", repo_id="alice/folder")
    assert sorted(api.list_repo_files("alice/folder")) == [".gitattributes", "a.txt", "weights.bin"]
    api.delete_file("a.txt", repo_id="alice/folder")
    with pytest.raises(EntryNotFoundError):
        api.delete_file("a.txt", repo_id="alice/folder")
    api.create_commit(repo_id="alice/folder", commit_message="mixed", operations=[
        CommitOperationDelete("weights.bin"), CommitOperationAdd("new/x.txt", b"x")])
    assert sorted(api.list_repo_files("alice/folder")) == [".gitattributes", "new/x.txt"]


def test_stale_parent_commit_is_refused_and_nothing_changes(api, hub):
    api.create_repo("alice/stale")
    first = api.upload_file(path_or_fileobj=b"1", path_in_repo="one.txt", repo_id="alice/stale").oid
    api.upload_file(path_or_fileobj=b"2", path_in_repo="two.txt", repo_id="alice/stale")
    head = api.model_info("alice/stale").sha
    with pytest.raises(HfHubHTTPError) as refused:
        api.create_commit(repo_id="alice/stale", commit_message="late", parent_commit=first,
                          operations=[CommitOperationAdd("three.txt", b"3")])
    assert refused.value.response.status_code == 412
    assert api.model_info("alice/stale").sha == head
    # The current head (even abbreviated) is accepted.
    api.create_commit(repo_id="alice/stale", commit_message="on time", parent_commit=head,
                      operations=[CommitOperationAdd("three.txt", b"3")])
    assert "three.txt" in api.list_repo_files("alice/stale")


def test_concurrent_commits_on_one_base_exactly_one_wins(api, hub):
    api.create_repo("alice/race")
    base = api.model_info("alice/race").sha
    outcomes = []

    def commit(name):
        try:
            api.create_commit(repo_id="alice/race", commit_message=name, parent_commit=base,
                              operations=[CommitOperationAdd(f"{name}.txt", name.encode() * 1000)])
            outcomes.append("won")
        except HfHubHTTPError as error:
            outcomes.append(error.response.status_code)

    threads = [threading.Thread(target=commit, args=(f"writer{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [412] * 7 + ["won"]
    assert len([f for f in api.list_repo_files("alice/race") if f.startswith("writer")]) == 1


def test_commit_errors(api, hub, alice):
    api.create_repo("alice/errors")
    with pytest.raises(RevisionNotFoundError):
        api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/errors", revision="no-branch")
    bob = HfApi(endpoint=hub.url, token=hub.create_user("bob"))
    with pytest.raises(HfHubHTTPError) as forbidden:
        bob.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/errors")
    assert forbidden.value.response.status_code == 403
    status, _, body = hub.api("POST", "/api/validate-yaml", alice, {"content": "---\n- just\n- a list\n---\n", "repoType": "model"})
    assert status == 400 and body["errors"][0]["message"]
    with pytest.raises(ValueError):
        api.upload_file(path_or_fileobj=b"---\n[unclosed\n---\n", path_in_repo="README.md", repo_id="alice/errors")
    assert api.list_repo_files("alice/errors") == [".gitattributes"]


def test_hf_cli_upload_and_download(hub, alice, tmp_path):
    env = dict(os.environ, HF_ENDPOINT=hub.url, HF_TOKEN=alice, HF_HUB_DISABLE_XET="1",
               HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1", HF_HOME=str(tmp_path / "hf"))
    hf = os.path.join(os.path.dirname(sys.executable), "hf")
    (tmp_path / "config.json").write_text('{"hidden": 4}\n')
    upload = subprocess.run([hf, "upload", "alice/cli-made", str(tmp_path / "config.json"), "config.json"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert upload.returncode == 0, upload.stderr
    assert f"{hub.url}/alice/cli-made" in upload.stdout
    download = subprocess.run([hf, "download", "alice/cli-made", "config.json", "--local-dir", str(tmp_path / "out")],
                              env=env, capture_output=True, text=True, timeout=120)
    assert download.returncode == 0, download.stderr
    assert (tmp_path / "out" / "config.json").read_text() == '{"hidden": 4}\n'
    whoami = subprocess.run([hf, "auth", "whoami"], env=env, capture_output=True, text=True, timeout=60)
    assert "alice" in whoami.stdout


def test_create_pr_commits_to_refs_pr_and_lists_the_pull_request(api, hub, tmp_path):
    api.create_repo("alice/proposals")
    api.upload_file(path_or_fileobj=b"v1", path_in_repo="file.txt", repo_id="alice/proposals")
    main = api.model_info("alice/proposals").sha
    info = api.upload_file(path_or_fileobj=b"v2", path_in_repo="file.txt", repo_id="alice/proposals",
                           create_pr=True, commit_message="Propose v2", commit_description="Better.")
    assert info.pr_num == 1 and info.pr_revision == "refs/pr/1"
    assert info.pr_url == f"{hub.url}/alice/proposals/discussions/1"
    assert api.model_info("alice/proposals").sha == main  # main did not move
    path = hf_hub_download("alice/proposals", "file.txt", revision="refs/pr/1", endpoint=hub.url, cache_dir=tmp_path / "c")
    assert open(path).read() == "v2"
    details = api.get_discussion_details("alice/proposals", 1)
    assert details.is_pull_request and details.title == "Propose v2" and details.target_branch == "refs/heads/main"
    assert details.author == "alice" and details.status == "open"
    assert [d.num for d in api.get_repo_discussions("alice/proposals")] == [1]
    refs = api.list_repo_refs("alice/proposals", include_pull_requests=True)
    assert [(r.ref, r.target_commit) for r in refs.pull_requests] == [("refs/pr/1", info.oid)]
    # A second proposal gets the next number; committing onto the PR moves refs/pr/1.
    second = api.upload_file(path_or_fileobj=b"v3", path_in_repo="file.txt", repo_id="alice/proposals", create_pr=True)
    assert second.pr_num == 2
    api.upload_file(path_or_fileobj=b"v2.1", path_in_repo="file.txt", repo_id="alice/proposals", revision="refs/pr/1")
    path = hf_hub_download("alice/proposals", "file.txt", revision="refs/pr/1", endpoint=hub.url, cache_dir=tmp_path / "d")
    assert open(path).read() == "v2.1"
