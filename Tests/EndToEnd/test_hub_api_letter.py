"""The Hub API to the letter: what huggingface_hub 2.4.0 (and git) expect of the public hub, from
namespace-less ids and renamed repositories to the exact wording of refused writes."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    HfApi,
    hf_hub_download,
)
from huggingface_hub.errors import (
    BadRequestError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def raw(hub, method, path, token=None, body=None, headers=None):
    """(status, headers, body bytes) of one request, redirects not followed."""
    request = urllib.request.Request(hub.url + path, data=body, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def ndjson_commit(hub, token, repo, lines):
    header = {"key": "header", "value": {"summary": "raw", "description": ""}}
    body = "\n".join(json.dumps(line) for line in [header, *lines]).encode()
    return raw(hub, "POST", f"/api/models/{repo}/commit/main", token, body,
               {"Content-Type": "application/x-ndjson"})


# --- Repositories and names ---------------------------------------------------------------------


def test_one_segment_ids_are_aliases_a_site_admin_made_or_repo_not_found(api, hub, tmp_path):
    api.create_repo("alice/gpt2-weights")
    api.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id="alice/gpt2-weights")
    api.create_repo("alice/corpus", repo_type="dataset")

    anonymous = HfApi(endpoint=hub.url, token=False)
    assert anonymous.repo_exists("gpt2") is False
    assert anonymous.file_exists("gpt2", "config.json") is False
    assert anonymous.revision_exists("gpt2", "main") is False
    with pytest.raises(RepositoryNotFoundError):
        anonymous.model_info("gpt2")
    status, headers, _ = raw(hub, "HEAD", "/gpt2/resolve/main/config.json")
    assert status == 404 and headers["X-Error-Code"] == "RepoNotFound"

    hub.admin("repo", "alias", "gpt2", "alice/gpt2-weights")
    hub.admin("repo", "alias", "wiki", "alice/corpus", "--type", "dataset")
    assert "gpt2\talice/gpt2-weights" in hub.admin("repo", "aliases").stdout

    status, headers, _ = raw(hub, "GET", "/api/models/gpt2/revision/main?expand=sha")
    assert status == 307 and headers["Location"].endswith("/api/models/alice/gpt2-weights/revision/main?expand=sha")
    assert anonymous.model_info("gpt2").id == "alice/gpt2-weights"
    assert anonymous.repo_exists("gpt2") and anonymous.file_exists("gpt2", "config.json")
    assert anonymous.revision_exists("gpt2", "main") and not anonymous.revision_exists("gpt2", "nope")
    assert anonymous.dataset_info("wiki").id == "alice/corpus"
    path = hf_hub_download("gpt2", "config.json", endpoint=hub.url, cache_dir=tmp_path / "cache")
    assert open(path).read() == "{}"
    # The web page /{name} stays the profile page.
    status, _, page = raw(hub, "GET", "/alice")
    assert status == 200 and b"gpt2-weights" in page

    # The alias of a private repository looks missing to a stranger, and works for its owner.
    api.update_repo_settings("alice/gpt2-weights", private=True)
    assert anonymous.repo_exists("gpt2") is False
    assert api.model_info("gpt2").id == "alice/gpt2-weights"

    hub.admin("repo", "unalias", "gpt2")
    assert api.repo_exists("gpt2") is False
    refused = hub.admin("repo", "alias", "gpt2", "alice/missing", check=False)
    assert refused.returncode != 0 and "not found" in refused.stderr.lower()


def test_renamed_repository_keeps_answering_at_its_old_name(api, hub, alice, git, tmp_path):
    api.create_repo("alice/old")
    weights = b"\0weights" * 512
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.bin", repo_id="alice/old")
    git("lfs", "install", "--skip-repo")
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/old", "alice", alice), str(clone))
    assert (clone / "model.bin").read_bytes() == weights
    api.move_repo("alice/old", "alice/new")

    status, headers, _ = raw(hub, "GET", "/alice/old/resolve/main/model.bin")
    assert status == 307 and headers["Location"].endswith("/alice/new/resolve/main/model.bin")
    assert api.model_info("alice/old").id == "alice/new"
    path = hf_hub_download("alice/old", "model.bin", endpoint=hub.url, token=alice, cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == weights
    # Writes through the old name land in the renamed repository.
    api.upload_file(path_or_fileobj=b"more", path_in_repo="more.txt", repo_id="alice/old")
    commit = api.upload_file(path_or_fileobj=b"\0new weights", path_in_repo="new.bin", repo_id="alice/old").oid
    assert api.model_info("alice/new").sha == commit

    # git fetches and pushes through the old remote URL; git-lfs follows the redirect too.
    git("pull", "-q", cwd=clone)
    assert (clone / "more.txt").read_text() == "more"
    assert (clone / "new.bin").read_bytes() == b"\0new weights"
    git.commit_file(clone, "pushed.txt", "via old url", "push to old name")
    git("push", "-q", "origin", "main", cwd=clone)
    assert "pushed.txt" in api.list_repo_files("alice/new")
    fresh = tmp_path / "fresh"
    git("clone", "-q", hub.remote("alice/old", "alice", alice), str(fresh))
    assert (fresh / "model.bin").read_bytes() == weights

    # Renamed twice: the first name still leads to it.
    api.move_repo("alice/new", "alice/newest")
    assert api.model_info("alice/old").id == "alice/newest"

    # Private: a stranger's request for the old name is a missing repository.
    api.update_repo_settings("alice/newest", private=True)
    bob = HfApi(endpoint=hub.url, token=hub.create_user("bob"))
    for name in ("alice/old", "alice/new"):
        with pytest.raises(RepositoryNotFoundError):
            bob.model_info(name)
        status, headers, _ = raw(hub, "HEAD", f"/{name}/resolve/main/model.bin")
        assert status in (401, 404) and "Location" not in headers
    assert api.model_info("alice/old").id == "alice/newest"

    # A repository created at the old name takes it back.
    api.create_repo("alice/old")
    assert api.model_info("alice/old").id == "alice/old"
    assert api.list_repo_files("alice/old") == [".gitattributes"]


def test_refused_management_calls_answer_in_the_hubs_words(api, hub):
    api.create_repo("alice/one")
    api.create_repo("alice/two")
    with pytest.raises(HfHubHTTPError, match=r"A model repository called alice/two already exists") as moved:
        api.move_repo("alice/one", "alice/two")
    assert moved.value.response.status_code == 409

    api.create_branch("alice/one", branch="cool-branch")
    with pytest.raises(HfHubHTTPError, match=r"Reference refs/heads/cool-branch already exists") as exists:
        api.create_branch("alice/one", branch="cool-branch")
    assert exists.value.response.status_code == 409
    with pytest.raises(HfHubHTTPError, match=r"Reference refs/heads/main already exists"):
        api.create_branch("alice/one", branch="main")
    api.create_branch("alice/one", branch="main", exist_ok=True)
    with pytest.raises(BadRequestError, match="Invalid reference for a branch"):
        api.create_branch("alice/one", branch="refs/pr/5")

    with pytest.raises(HfHubHTTPError, match="Cannot delete refs/heads/main"):
        api.delete_branch("alice/one", branch="main")
    with pytest.raises(RevisionNotFoundError, match="Invalid rev id"):
        api.delete_branch("alice/one", branch="no-such-branch")
    api.create_tag("alice/one", tag="cool-tag")
    with pytest.raises(RevisionNotFoundError, match="Invalid rev id"):
        api.delete_branch("alice/one", branch="cool-tag")

    with pytest.raises(RevisionNotFoundError) as missing_revision:
        api.create_tag("alice/one", tag="v1", revision="foobar")
    assert missing_revision.value.response.status_code == 404
    with pytest.raises(HfHubHTTPError) as tag_twice:
        api.create_tag("alice/one", tag="cool-tag")
    assert tag_twice.value.response.status_code == 409
    api.create_tag("alice/one", tag="cool-tag", exist_ok=True)

    with pytest.raises(RepositoryNotFoundError):
        api.unlike("alice/never-created")

    with pytest.raises(HfHubHTTPError) as stale:
        api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/one", parent_commit="0" * 40)
    assert stale.value.response.status_code == 412
    assert "The branch was updated since you opened this page. Please refresh and try again." in str(stale.value)


# --- Commits -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["..\\ddd", "a/../b", "a\\b.txt", "../up.txt", "dir/.."])
def test_commit_path_with_dotdot_or_backslash_is_refused(api, hub, alice, path):
    api.create_repo("alice/paths")
    head = api.model_info("alice/paths").sha
    line = {"key": "file", "value": {"path": path, "content": base64.b64encode(b"x").decode(), "encoding": "base64"}}
    status, headers, body = ndjson_commit(hub, alice, "alice/paths", [line])
    assert status == 422, body
    assert json.loads(body)["error"].startswith("Invalid path")
    assert api.model_info("alice/paths").sha == head


def test_upload_file_with_a_backslash_path_raises_and_stores_nothing(api):
    api.create_repo("alice/backslash")
    head = api.model_info("alice/backslash").sha
    with pytest.raises(HfHubHTTPError, match="backslash") as refused:
        api.upload_file(path_or_fileobj=b"z", path_in_repo="..\\ddd", repo_id="alice/backslash")
    assert refused.value.response.status_code == 422
    assert api.model_info("alice/backslash").sha == head


def test_git_push_of_a_path_with_a_backslash_is_refused(api, hub, alice, git, tmp_path):
    api.create_repo("alice/pushed-paths")
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/pushed-paths", "alice", alice), str(clone))
    git.commit_file(clone, "..\\escape.txt", "x", "a backslash path")
    refused = git("push", "origin", "main", cwd=clone, check=False)
    assert refused.returncode != 0 and "may not contain a backslash" in refused.stderr
    assert api.list_repo_files("alice/pushed-paths") == [".gitattributes"]


def test_copy_operations_for_regular_and_lfs_files(api, hub, tmp_path):
    api.create_repo("alice/copies")
    weights = bytes(range(256)) * 64
    api.create_commit("alice/copies", [
        CommitOperationAdd("config.json", b'{"a": 1}'),
        CommitOperationAdd("model.bin", weights),
    ], commit_message="add")
    copy = api.create_commit("alice/copies", [
        CommitOperationCopy("config.json", "copies/config.json"),
        CommitOperationCopy("model.bin", "copies/model.bin"),
    ], commit_message="copy both").oid
    cache = tmp_path / "cache"
    assert open(hf_hub_download("alice/copies", "copies/config.json", endpoint=hub.url, cache_dir=cache)).read() == '{"a": 1}'
    assert open(hf_hub_download("alice/copies", "copies/model.bin", endpoint=hub.url, cache_dir=cache), "rb").read() == weights
    info = {entry.path: entry for entry in api.get_paths_info(
        "alice/copies", ["model.bin", "copies/model.bin", "copies/config.json"], expand=True)}
    assert info["copies/model.bin"].lfs.sha256 == hashlib.sha256(weights).hexdigest() == info["model.bin"].lfs.sha256
    assert info["copies/model.bin"].last_commit.oid == copy
    assert info["copies/config.json"].last_commit.oid == copy
    assert info["model.bin"].last_commit.title == "add"
    history = api.list_repo_commits("alice/copies")
    assert [c.title for c in history] == ["copy both", "add", "initial commit"]


@pytest.mark.parametrize("operation", [CommitOperationDelete("data/"), CommitOperationDelete("data", is_folder=True)])
def test_delete_folder_that_exists_only_through_its_files(api, operation):
    api.create_repo("alice/folders")
    api.create_commit("alice/folders", [
        CommitOperationAdd("data/train/part-0.txt", b"0"),
        CommitOperationAdd("data/test/part-0.bin", b"\0\1"),
        CommitOperationAdd("keep.txt", b"k"),
        CommitOperationAdd("other/x.txt", b"x"),
    ], commit_message="add")
    api.create_commit("alice/folders", [operation], commit_message="drop data")
    assert sorted(api.list_repo_files("alice/folders")) == [".gitattributes", "keep.txt", "other/x.txt"]
    api.delete_folder("other", repo_id="alice/folders")
    assert sorted(api.list_repo_files("alice/folders")) == [".gitattributes", "keep.txt"]
    # The two 404s of the commit endpoint stay: a file that is not there, a branch that is not there.
    with pytest.raises(RemoteEntryNotFoundError, match="A file with this name doesn't exist"):
        api.delete_file("gone.txt", repo_id="alice/folders")
    with pytest.raises(RevisionNotFoundError):
        api.delete_file("keep.txt", repo_id="alice/folders", revision="no-such-branch")


def test_paths_info_with_expand_gives_each_path_its_last_commit(api):
    api.create_repo("alice/expand")
    first = api.upload_file(path_or_fileobj=b"a", path_in_repo="docs/a.txt", repo_id="alice/expand",
                            commit_message="add a").oid
    second = api.upload_file(path_or_fileobj=b"b", path_in_repo="b.txt", repo_id="alice/expand",
                             commit_message="add b").oid
    expanded = {e.path: e for e in api.get_paths_info("alice/expand", ["docs", "b.txt", "docs/a.txt", "nope"],
                                                      expand=True)}
    assert set(expanded) == {"docs", "b.txt", "docs/a.txt"}
    assert expanded["b.txt"].last_commit.oid == second and expanded["b.txt"].last_commit.title == "add b"
    assert expanded["docs"].last_commit.oid == first and expanded["docs/a.txt"].last_commit.oid == first
    assert expanded["b.txt"].last_commit.date.tzinfo is not None
    plain = api.get_paths_info("alice/expand", ["b.txt"])
    assert plain[0].last_commit is None


def test_validate_yaml_warns_on_missing_metadata_and_refuses_invalid_metadata(api):
    api.create_repo("alice/cards")
    with pytest.warns(UserWarning, match="Warnings while validating metadata in README.md") as warned:
        api.upload_file(path_or_fileobj=b"# A model\n\nNo metadata.\n", path_in_repo="README.md", repo_id="alice/cards")
    assert any("Empty or missing yaml metadata in repo card" in str(w.message) for w in warned)
    head = api.model_info("alice/cards").sha
    for card, key in [(b"---\nlicense: 12\n---\n# A model\n", '"license"'),
                      (b"---\ntags:\n  nested: mapping\n---\n", '"tags"'),
                      (b"---\n- a list\n---\n", "YAML mapping"),
                      (b"---\nlicense: [unclosed\n---\n", "not valid YAML")]:
        with pytest.raises(ValueError, match="Invalid metadata in README.md") as invalid:
            api.upload_file(path_or_fileobj=card, path_in_repo="README.md", repo_id="alice/cards")
        assert key in str(invalid.value)
    assert api.model_info("alice/cards").sha == head
    api.upload_file(path_or_fileobj=b"---\nlicense: mit\ntags: [spam, german]\n---\n# ok\n", path_in_repo="README.md",
                    repo_id="alice/cards")
    assert api.model_info("alice/cards").card_data["license"] == "mit"


def test_metadata_update_on_a_new_space_edits_the_readme_it_was_created_with(api, hub, alice):
    api.create_repo("alice/demo-space", repo_type="space", space_sdk="gradio")
    info = api.space_info("alice/demo-space")
    assert info.card_data["sdk"] == "gradio" and "README.md" in [s.rfilename for s in info.siblings]
    # metadata_update takes the endpoint from HF_ENDPOINT, read when huggingface_hub is imported.
    script = ("from huggingface_hub import metadata_update; "
              "metadata_update('alice/demo-space', {'tags': ['demo']}, repo_type='space')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, HF_ENDPOINT=hub.url, HF_TOKEN=alice))
    assert result.returncode == 0, result.stderr
    card = api.space_info("alice/demo-space").card_data
    assert card["tags"] == ["demo"] and card["sdk"] == "gradio"


def test_super_squash_history_leaves_one_commit_and_keeps_tags_branches_and_lfs(api, hub, tmp_path):
    repo = "alice/squash"
    api.create_repo(repo)
    api.upload_file(repo_id=repo, path_in_repo="file.txt", path_or_fileobj=b"content")
    api.upload_file(repo_id=repo, path_in_repo="lfs.bin", path_or_fileobj=b"\0lfs content")
    old_lfs = api.upload_file(repo_id=repo, path_in_repo="old.bin", path_or_fileobj=b"\0old weights").oid
    api.delete_file("old.bin", repo_id=repo)
    api.upload_file(repo_id=repo, path_in_repo="file.txt", path_or_fileobj=b"another_content")
    api.create_tag(repo, tag="before", revision=old_lfs)
    api.create_branch(repo_id=repo, branch="v0.1")
    api.upload_file(repo_id=repo, path_in_repo="file.txt", path_or_fileobj=b"foo", revision="v0.1")
    files_before = sorted(api.list_repo_files(repo))

    api.super_squash_history(repo_id=repo)
    main = api.list_repo_commits(repo_id=repo, revision="main")
    assert len(main) == 1 and main[0].title == "Super-squash branch 'main' using huggingface_hub"
    assert api.model_info(repo).sha == main[0].commit_id
    assert sorted(api.list_repo_files(repo)) == files_before
    branch = api.list_repo_commits(repo_id=repo, revision="v0.1")
    assert len(branch) == 7 and branch[-1].title == "initial commit"
    cache = tmp_path / "cache"
    assert open(hf_hub_download(repo, "lfs.bin", endpoint=hub.url, cache_dir=cache), "rb").read() == b"\0lfs content"
    assert open(hf_hub_download(repo, "old.bin", revision="before", endpoint=hub.url, cache_dir=cache),
                "rb").read() == b"\0old weights"

    api.super_squash_history(repo_id=repo, branch="v0.1", commit_message="one commit")
    assert [c.title for c in api.list_repo_commits(repo_id=repo, revision="v0.1")] == ["one commit"]
    with pytest.raises(RevisionNotFoundError):
        api.super_squash_history(repo_id=repo, branch="no-such-branch")
    with pytest.raises(BadRequestError, match="Invalid reference for a branch"):
        api.super_squash_history(repo_id=repo, branch="before")
    reader = HfApi(endpoint=hub.url, token=hub.create_user("reader"))
    with pytest.raises(HfHubHTTPError) as forbidden:
        reader.super_squash_history(repo_id=repo)
    assert forbidden.value.response.status_code == 403


def test_list_and_permanently_delete_lfs_files(api, hub, alice, git, tmp_path):
    repo = "alice/storage"
    api.create_repo(repo)
    api.upload_file(path_or_fileobj=b"LFS content", path_in_repo="lfs_file.bin", repo_id=repo)
    api.upload_file(path_or_fileobj=b"TXT content", path_in_repo="txt_file.txt", repo_id=repo)
    api.upload_file(path_or_fileobj=b"LFS content 2", path_in_repo="weights/lfs_file_2.bin", repo_id=repo)
    api.create_branch(repo_id=repo, branch="my-branch")
    api.upload_file(path_or_fileobj=b"LFS content branch", path_in_repo="lfs_file_branch.bin", repo_id=repo,
                    revision="my-branch")
    api.create_tag(repo, tag="v1")
    # Another repository holds the same bytes: deleting them here must not take them from it.
    api.create_repo("alice/other")
    api.upload_file(path_or_fileobj=b"LFS content", path_in_repo="same.bin", repo_id="alice/other")

    files = list(api.list_lfs_files(repo_id=repo))
    assert {f.filename: f.ref for f in files} == {
        "lfs_file.bin": "refs/heads/main", "weights/lfs_file_2.bin": "refs/heads/main",
        "lfs_file_branch.bin": "refs/heads/my-branch"}
    by_name = {f.filename: f for f in files}
    assert by_name["lfs_file.bin"].size == 11
    assert by_name["lfs_file.bin"].file_oid == hashlib.sha256(b"LFS content").hexdigest() == by_name["lfs_file.bin"].oid
    assert [f.pushed_at for f in files] == sorted((f.pushed_at for f in files), reverse=True)

    stranger = HfApi(endpoint=hub.url, token=hub.create_user("stranger"))
    with pytest.raises(HfHubHTTPError) as forbidden:
        stranger.permanently_delete_lfs_files(repo_id=repo, lfs_files=files)
    assert forbidden.value.response.status_code == 403
    assert len(list(api.list_lfs_files(repo_id=repo))) == 3

    on_main = [f for f in files if f.ref == "refs/heads/main"]
    api.permanently_delete_lfs_files(repo_id=repo, lfs_files=on_main)
    assert [f.filename for f in api.list_lfs_files(repo_id=repo)] == ["lfs_file_branch.bin"]
    assert sorted(api.list_repo_files(repo)) == [".gitattributes", "txt_file.txt"]
    assert sorted(api.list_repo_files(repo, revision="my-branch")) == [".gitattributes", "lfs_file_branch.bin",
                                                                        "txt_file.txt"]
    assert "lfs_file.bin" not in api.list_repo_files(repo, revision="v1")
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download(repo, "lfs_file.bin", endpoint=hub.url, token=alice, cache_dir=tmp_path / "a")
    # The shared object is still there for the other repository; the other one's bytes are gone.
    assert open(hf_hub_download("alice/other", "same.bin", endpoint=hub.url, cache_dir=tmp_path / "b"),
                "rb").read() == b"LFS content"
    stored = set(hub.stored_objects())
    assert hashlib.sha256(b"LFS content").hexdigest() in stored
    assert hashlib.sha256(b"LFS content 2").hexdigest() not in stored
    # A clone has every file it points to.
    git("lfs", "install", "--skip-repo")
    clone = tmp_path / "clone"
    git("clone", "-q", "--branch", "my-branch", hub.remote(repo, "alice", alice), str(clone))
    assert (clone / "lfs_file_branch.bin").read_bytes() == b"LFS content branch"


# --- Requests ----------------------------------------------------------------------------------


def test_the_clients_trace_id_is_the_request_id_in_answers_errors_and_logs(hub_factory, api, hub, tmp_path):
    trace = str(uuid.uuid4())
    status, headers, _ = raw(hub, "GET", "/api/models/alice/missing", headers={"X-Amzn-Trace-Id": trace})
    assert status == 404 and headers["X-Request-Id"] == trace
    mine = "my-own-request-id-42"
    _, headers, _ = raw(hub, "GET", "/api/whoami-v2", headers={"X-Request-Id": mine, "X-Amzn-Trace-Id": trace})
    assert headers["X-Request-Id"] == mine
    _, headers, _ = raw(hub, "GET", "/api/whoami-v2")
    assert len(headers["X-Request-Id"]) > 0

    with pytest.raises(RepositoryNotFoundError) as missing:
        api.model_info("alice/missing")
    sent = missing.value.response.request.headers["X-Amzn-Trace-Id"]
    assert missing.value.request_id == sent and sent in str(missing.value)

    debug_hub = hub_factory(env={"MODELHUB_LOG_LEVEL": "debug"}, workdir=tmp_path / "debug")
    raw(debug_hub, "GET", "/api/models/alice/missing", headers={"X-Amzn-Trace-Id": trace})
    assert trace in debug_hub.log_path.read_text()
