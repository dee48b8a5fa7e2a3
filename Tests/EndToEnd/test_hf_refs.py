"""Branches, tags, history and paths-info with huggingface_hub."""

import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RevisionNotFoundError


def test_branches_tags_refs_and_downloads_by_every_revision_kind(api, hub, tmp_path):
    api.create_repo("alice/refs")
    first = api.upload_file(path_or_fileobj=b"v1", path_in_repo="file.txt", repo_id="alice/refs").oid
    api.create_branch("alice/refs", branch="dev/next")
    api.create_branch("alice/refs", branch="dev/next", exist_ok=True)
    with pytest.raises(HfHubHTTPError) as exists:
        api.create_branch("alice/refs", branch="dev/next")
    assert exists.value.response.status_code == 409
    api.upload_file(path_or_fileobj=b"v2", path_in_repo="file.txt", repo_id="alice/refs", revision="dev/next")
    api.create_tag("alice/refs", tag="v1.0", tag_message="first release", revision=first)
    api.create_tag("alice/refs", tag="light")
    with pytest.raises(RevisionNotFoundError):
        api.create_branch("alice/refs", branch="x", revision="no-such-revision")

    refs = api.list_repo_refs("alice/refs", include_pull_requests=True)
    assert sorted(b.name for b in refs.branches) == ["dev/next", "main"]
    assert {t.name: t.target_commit for t in refs.tags}["v1.0"] == first
    assert refs.pull_requests == [] and refs.converts == []

    cache = tmp_path / "cache"

    def read(revision):
        return open(hf_hub_download("alice/refs", "file.txt", revision=revision, endpoint=hub.url, cache_dir=cache)).read()

    assert read("main") == "v1" and read("dev/next") == "v2" and read("v1.0") == "v1"
    assert read(first) == "v1" and read(first[:8]) == "v1"

    api.delete_branch("alice/refs", branch="dev/next")
    api.delete_tag("alice/refs", tag="light")
    refs = api.list_repo_refs("alice/refs")
    assert [b.name for b in refs.branches] == ["main"] and [t.name for t in refs.tags] == ["v1.0"]
    with pytest.raises(HfHubHTTPError):
        api.delete_branch("alice/refs", branch="main")


def test_list_repo_commits_newest_first_and_formatted(api):
    api.create_repo("alice/history")
    for number in range(3):
        api.upload_file(path_or_fileobj=str(number).encode(), path_in_repo="n.txt", repo_id="alice/history",
                        commit_message=f"step <{number}>")
    commits = api.list_repo_commits("alice/history")
    assert [c.title for c in commits] == ["step <2>", "step <1>", "step <0>", "initial commit"]
    assert commits[0].authors == ["alice"] and commits[-1].authors == ["system"]
    assert commits[0].commit_id == api.model_info("alice/history").sha
    formatted = api.list_repo_commits("alice/history", formatted=True)
    assert formatted[0].formatted_title == "step &lt;2&gt;"


def test_commits_are_paginated_with_absolute_links(api, hub):
    api.create_repo("alice/long")
    for number in range(55):
        api.upload_file(path_or_fileobj=str(number).encode(), path_in_repo="n.txt", repo_id="alice/long",
                        commit_message=f"c{number}")
    commits = api.list_repo_commits("alice/long")
    assert len(commits) == 56 and commits[0].title == "c54"
    status, headers, page = hub.api("GET", "/api/models/alice/long/commits/main")
    assert len(page) == 50 and headers["Link"].startswith(f"<{hub.url}/api/models/alice/long/commits/main?")


def test_get_paths_info(api):
    api.create_repo("alice/paths")
    api.upload_file(path_or_fileobj=b"{}", path_in_repo="sub dir/config.json", repo_id="alice/paths")
    infos = api.get_paths_info("alice/paths", ["sub dir/config.json", "sub dir", "missing.txt"])
    by_path = {info.path: info for info in infos}
    assert set(by_path) == {"sub dir/config.json", "sub dir"}
    assert by_path["sub dir/config.json"].size == 2
    assert type(by_path["sub dir"]).__name__ == "RepoFolder"


def test_visibility_change_and_move_repo(api, hub, git, tmp_path, alice):
    from huggingface_hub.errors import RepositoryNotFoundError
    api.create_repo("alice/old-name")
    api.upload_file(path_or_fileobj=b"kept", path_in_repo="kept.txt", repo_id="alice/old-name")
    weights = b"w" * 2048
    (tmp_path / "w.bin").write_bytes(weights)
    api.upload_file(path_or_fileobj=str(tmp_path / "w.bin"), path_in_repo="w.bin", repo_id="alice/old-name")
    history = [c.commit_id for c in api.list_repo_commits("alice/old-name")]

    api.update_repo_settings("alice/old-name", private=True)
    anonymous = HfApi(endpoint=hub.url, token=False)
    with pytest.raises(RepositoryNotFoundError):
        anonymous.model_info("alice/old-name")
    api.update_repo_settings("alice/old-name", private=False)
    assert anonymous.model_info("alice/old-name").private is False

    api.move_repo("alice/old-name", "alice/new-name")
    assert api.model_info("alice/old-name").id == "alice/new-name"  # the old name redirects
    assert [c.commit_id for c in api.list_repo_commits("alice/new-name")] == history
    path = hf_hub_download("alice/new-name", "w.bin", endpoint=hub.url, cache_dir=tmp_path / "c")
    assert open(path, "rb").read() == weights
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/new-name"), str(clone))
    assert (clone / "kept.txt").read_text() == "kept"
    hub.create_user("bob")
    with pytest.raises(HfHubHTTPError) as forbidden:
        api.move_repo("alice/new-name", "bob/stolen")
    assert forbidden.value.response.status_code == 403


def test_list_repo_tree_with_last_commits(api):
    api.create_repo("alice/tree")
    first = api.upload_file(path_or_fileobj=b"a", path_in_repo="docs/a.txt", repo_id="alice/tree", commit_message="add a").oid
    second = api.upload_file(path_or_fileobj=b"b", path_in_repo="b.txt", repo_id="alice/tree", commit_message="add b").oid
    top = {entry.path: entry for entry in api.list_repo_tree("alice/tree", expand=True)}
    assert set(top) == {".gitattributes", "b.txt", "docs"}
    assert top["b.txt"].last_commit.oid == second and top["b.txt"].last_commit.title == "add b"
    assert top["docs"].last_commit.oid == first
    assert top[".gitattributes"].last_commit.title == "initial commit"
    everything = sorted(entry.path for entry in api.list_repo_tree("alice/tree", recursive=True))
    assert everything == [".gitattributes", "b.txt", "docs", "docs/a.txt"]
    nested = [entry.path for entry in api.list_repo_tree("alice/tree", path_in_repo="docs")]
    assert nested == ["docs/a.txt"]
