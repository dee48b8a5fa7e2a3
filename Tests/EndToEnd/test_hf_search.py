"""Cards become metadata, tags and search: list_models / list_datasets with huggingface_hub."""

import subprocess
import time
import urllib.request

import pytest
from huggingface_hub import HfApi


def card(**metadata):
    lines = ["---"]
    for key, value in metadata.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"- {item}" for item in value]
        else:
            lines.append(f"{key}: {value}")
    return ("\n".join(lines) + "\n---\n").encode()


def test_find_a_german_spam_classifier(api, hub):
    repos = {
        "alice/german-spam-bert": card(language="de", license="mit", library_name="transformers",
                                       pipeline_tag="text-classification", tags=["spam"]) + b"Detects spam in German e-mails.",
        "alice/english-spam": card(language="en", license="apache-2.0", library_name="transformers",
                                   pipeline_tag="text-classification") + b"Detects spam in English.",
        "alice/german-translator": card(language="de", library_name="pytorch", pipeline_tag="translation") + b"Translates.",
    }
    for repo, readme in repos.items():
        api.create_repo(repo)
        api.upload_file(path_or_fileobj=readme, path_in_repo="README.md", repo_id=repo)

    def ids(**kwargs):
        return sorted(m.id for m in api.list_models(**kwargs))

    assert ids(search="german spam") == ["alice/german-spam-bert"]
    assert ids(search="spam") == ["alice/english-spam", "alice/german-spam-bert"]
    assert ids(search="detects", filter="de") == ["alice/german-spam-bert"]
    assert ids(filter=["text-classification", "license:mit"]) == ["alice/german-spam-bert"]
    assert ids(pipeline_tag="translation") == ["alice/german-translator"]
    assert ids(filter="pytorch") == ["alice/german-translator"]  # 2.4.0 sends libraries as filters
    assert ids(author="alice", limit=2).__len__() == 2
    assert ids(author="nobody") == []

    info = api.model_info("alice/german-spam-bert")
    assert info.pipeline_tag == "text-classification" and info.library_name == "transformers"
    assert "license:mit" in info.tags and "de" in info.tags
    assert info.card_data["license"] == "mit"
    listed = next(iter(api.list_models(search="german spam", cardData=True)))
    assert listed.card_data["language"] == "de"
    newest = [m.id for m in api.list_models(sort="lastModified")]
    assert newest[0] == "alice/german-translator"


def test_private_repos_are_listed_only_for_their_owner(api, hub):
    api.create_repo("alice/secret-model", private=True)
    api.create_repo("alice/public-model")
    anonymous = HfApi(endpoint=hub.url, token=False)
    assert [m.id for m in anonymous.list_models(search="model")] == ["alice/public-model"]
    assert sorted(m.id for m in api.list_models(search="model")) == ["alice/public-model", "alice/secret-model"]


def test_listing_pages_with_absolute_links(api, hub):
    for number in range(5):
        api.create_repo(f"alice/page-{number}")
    status, headers, page = hub.api("GET", "/api/models?author=alice&limit=2")
    assert status == 200 and len(page) == 2
    assert headers["Link"].startswith(f"<{hub.url}/api/models?") and 'rel="next"' in headers["Link"]
    assert len(list(api.list_models(author="alice"))) == 5


def test_datasets_are_listed_separately_with_their_tags(api):
    api.create_repo("alice/corpus", repo_type="dataset")
    api.upload_file(path_or_fileobj=card(language="de", license="cc-by-4.0", task_categories=["text-classification"]),
                    path_in_repo="README.md", repo_id="alice/corpus", repo_type="dataset")
    found = list(api.list_datasets(language="de"))
    assert [d.id for d in found] == ["alice/corpus"]
    assert list(api.list_models(search="corpus")) == []


def test_git_push_updates_the_index_and_reindex_rebuilds_it(hub, git, alice, tmp_path):
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("alice/pushed")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/pushed", "alice", alice), str(work))
    (work / "README.md").write_bytes(card(license="mit", tags=["pushed-by-git"]) + b"A model pushed with git.")
    git("add", "README.md", cwd=work)
    git("commit", "-q", "-m", "card", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    assert [m.id for m in api.list_models(filter="pushed-by-git")] == ["alice/pushed"]
    result = hub.admin("reindex")
    assert "reindexed 1 repositories" in result.stdout
    assert [m.id for m in api.list_models(search="pushed with git")] == ["alice/pushed"]


def test_unsupported_sort_is_a_clear_error(hub):
    status, headers, body = hub.api("GET", "/api/models?sort=stars")
    assert status == 400 and "Unknown sort" in body["error"]


def wait_for_downloads(api, repo_id, count, seconds=5.0):
    """The repo's info once it shows `count` downloads (bounded wait)."""
    deadline = time.monotonic() + seconds
    while True:
        info = api.model_info(repo_id)
        if info.downloads >= count or time.monotonic() > deadline:
            return info
        time.sleep(0.05)


def test_a_clean_stop_writes_the_downloads_not_yet_written(hub, alice):
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("alice/stopped")
    api.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id="alice/stopped")
    for _ in range(2):
        assert urllib.request.urlopen(f"{hub.url}/alice/stopped/resolve/main/config.json").read() == b"{}"
    # Stopped at once, before the tally's own write: SIGTERM writes it.
    assert hub.stop() == 0
    hub.start()
    assert HfApi(endpoint=hub.url, token=alice).model_info("alice/stopped").downloads == 2


def test_downloads_and_likes_are_counted_and_sortable(api, hub, alice, tmp_path):
    from huggingface_hub import hf_hub_download
    for name in ("popular", "liked", "quiet"):
        api.create_repo(f"alice/{name}")
        api.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id=f"alice/{name}")
        api.upload_file(path_or_fileobj=b"w", path_in_repo="weights.txt", repo_id=f"alice/{name}")
    for number in range(3):
        hf_hub_download("alice/popular", "config.json", endpoint=hub.url, cache_dir=tmp_path / f"c{number}")
    # Other files of the repository are not downloads of it.
    hf_hub_download("alice/quiet", "weights.txt", endpoint=hub.url, cache_dir=tmp_path / "w")
    # Downloads are written to the index together, within a quarter second.
    info = wait_for_downloads(api, "alice/popular", 3)
    assert info.downloads >= 3 and info.downloads == info.downloads_all_time
    assert api.model_info("alice/quiet").downloads == 0

    bob = hub.create_user("bob")
    for token in (alice, bob):
        status, _, _ = hub.api("POST", "/api/models/alice/liked/like", token)
        assert status == 200
    hub.api("POST", "/api/models/alice/liked/like", bob)  # liking twice counts once
    assert api.model_info("alice/liked").likes == 2
    assert sorted(u.username for u in api.list_repo_likers("alice/liked")) == ["alice", "bob"]
    assert api.list_liked_repos("bob").models == ["alice/liked"]
    HfApi(endpoint=hub.url, token=bob).unlike("alice/liked")
    assert api.model_info("alice/liked").likes == 1

    assert [m.id for m in api.list_models(author="alice", sort="downloads")][0] == "alice/popular"
    assert [m.id for m in api.list_models(author="alice", sort="likes")][0] == "alice/liked"
    assert [m.id for m in api.list_models(author="alice", sort="trending_score")][0] == "alice/liked"
