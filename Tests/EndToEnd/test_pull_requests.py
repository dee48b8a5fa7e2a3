"""Discussions and pull requests (issue 18, part 3), driven by the unmodified huggingface_hub and
git: anyone who may read a repository opens discussions and pull requests on it, comments, and
pushes to the pull requests they opened (by the API, Git LFS, Xet or git); a discussion's author
and the repository's writers rename, close and reopen it; only writers merge, by a fast-forward
or a merge commit, and a conflict is refused with the files it is about."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from huggingface_hub import CommitOperationAdd, HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from test_browser import browser, sign_in, wait_for as wait_in  # noqa: F401  (browser: the headless browser fixture)

WEIGHTS = os.urandom(1_500_000)


@pytest.fixture
def people(hub):
    """alice owns alice/bert (public) and alice/secret (private); bob and carol are strangers."""
    tokens = {name: hub.create_user(name) for name in ("alice", "bob", "carol")}
    tokens["bob_read"] = hub.admin("token", "create", "bob", "--role", "read").stdout.strip().splitlines()[-1]
    alice = HfApi(endpoint=hub.url, token=tokens["alice"])
    alice.create_repo("alice/bert")
    alice.upload_file(path_or_fileobj=b"# Bert\n", path_in_repo="README.md", repo_id="alice/bert")
    alice.upload_file(path_or_fileobj=b'{"layers": 2}\n', path_in_repo="config.json", repo_id="alice/bert")
    alice.create_repo("alice/secret", private=True)
    return {name: HfApi(endpoint=hub.url, token=token) for name, token in tokens.items()} | {"tokens": tokens}


def test_a_stranger_opens_a_discussion_and_its_author_and_the_owner_manage_it(hub, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    opened = bob.create_discussion("alice/bert", "Which tokenizer?", description="Is it **cased**?")
    assert opened.num == 1 and not opened.is_pull_request and opened.status == "open" and opened.author == "bob"
    assert opened.events[0].type == "comment" and opened.events[0].content == "Is it **cased**?"
    assert "<strong>cased</strong>" in opened.events[0].rendered

    answer = alice.comment_discussion("alice/bert", 1, "Uncased.")
    assert answer.author == "alice" and answer.content == "Uncased." and not answer.edited
    mine = bob.comment_discussion("alice/bert", 1, "Thanks!")
    edited = bob.edit_discussion_comment("alice/bert", 1, mine.id, "Thanks a lot!")
    assert edited.content == "Thanks a lot!" and edited.edited and edited.number_of_edits == 1
    assert edited.edit_history[0]["raw"] == "Thanks!"
    # Only its author edits a comment; the owner (a writer) may hide it, a stranger may not.
    with pytest.raises(HfHubHTTPError) as refused:
        alice.edit_discussion_comment("alice/bert", 1, mine.id, "Rewritten by alice")
    assert refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as refused:
        carol.hide_discussion_comment("alice/bert", 1, answer.id)
    assert refused.value.response.status_code == 403
    with pytest.warns(UserWarning):
        hidden = alice.hide_discussion_comment("alice/bert", 1, mine.id)
    assert hidden.hidden and hidden.content == ""

    # The author renames it; a stranger may not close it; the owner closes it, the author reopens it.
    assert bob.rename_discussion("alice/bert", 1, "Which tokenizer is it?").new_title == "Which tokenizer is it?"
    with pytest.raises(HfHubHTTPError) as refused:
        carol.change_discussion_status("alice/bert", 1, "closed")
    assert refused.value.response.status_code == 403
    closed = alice.change_discussion_status("alice/bert", 1, "closed", comment="Answered.")
    assert closed.new_status == "closed"
    assert bob.change_discussion_status("alice/bert", 1, "open").new_status == "open"

    details = carol.get_discussion_details("alice/bert", 1)
    assert details.title == "Which tokenizer is it?" and details.status == "open"
    assert [event.type for event in details.events] == [
        "comment", "comment", "comment", "title-change", "comment", "status-change", "status-change"]
    assert [getattr(event, "content", None) for event in details.events if event.type == "comment"] == [
        "Is it **cased**?", "Uncased.", "", "Answered."]
    assert details.events[3].old_title == "Which tokenizer?"

    # Listings filter by type, status and author; anonymous callers read them.
    carol.create_discussion("alice/bert", "Add a license", description="MIT?")
    anonymous = HfApi(endpoint=hub.url, token=False)
    assert [d.num for d in anonymous.get_repo_discussions("alice/bert")] == [2, 1]
    assert [d.num for d in anonymous.get_repo_discussions("alice/bert", author="carol")] == [2]
    assert [d.num for d in anonymous.get_repo_discussions("alice/bert", discussion_type="pull_request")] == []
    alice.change_discussion_status("alice/bert", 2, "closed")
    assert [d.num for d in anonymous.get_repo_discussions("alice/bert", discussion_status="closed")] == [2]


def test_who_may_not_take_part_is_told_so(hub, people):
    anonymous = HfApi(endpoint=hub.url, token=False)
    with pytest.raises(HfHubHTTPError) as refused:
        anonymous.create_discussion("alice/bert", "Hello there")
    assert refused.value.response.status_code == 401
    with pytest.raises(HfHubHTTPError) as refused:
        people["bob_read"].create_discussion("alice/bert", "Hello there")
    assert refused.value.response.status_code == 403 and "read access only" in str(refused.value)
    # A private repository stays missing to a stranger, discussions included.
    with pytest.raises(RepositoryNotFoundError):
        people["bob"].create_discussion("alice/secret", "Hello there")
    with pytest.raises(RepositoryNotFoundError):
        list(people["bob"].get_repo_discussions("alice/secret"))
    # Bad input is a 400 that says why, and changes nothing.
    for title in ["no", "x" * 201]:
        with pytest.raises(HfHubHTTPError) as refused:
            people["bob"].create_discussion("alice/bert", title)
        assert refused.value.response.status_code == 400
    status, headers, _ = hub.api("POST", "/api/models/alice/bert/discussions/1/comment", people["tokens"]["bob"],
                                 {"comment": "hi"})
    assert status == 404
    assert list(people["alice"].get_repo_discussions("alice/bert")) == []


def test_a_stranger_proposes_files_the_owner_merges_them_and_they_are_on_main(hub, people, tmp_path):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    main_before = alice.model_info("alice/bert").sha
    proposal = bob.create_commit(
        "alice/bert", operations=[
            CommitOperationAdd("model.safetensors", WEIGHTS),
            CommitOperationAdd("config.json", b'{"layers": 12}\n'),
        ], commit_message="Add weights", commit_description="Trained for 3 epochs.", create_pr=True)
    assert proposal.pr_num == 1 and proposal.pr_revision == "refs/pr/1"
    assert alice.model_info("alice/bert").sha == main_before
    # bob adds to his pull request; neither carol nor bob may write to main or to it otherwise.
    bob.upload_file(path_or_fileobj=b"# Bert, trained\n", path_in_repo="README.md", repo_id="alice/bert",
                    revision="refs/pr/1", commit_message="Describe the weights")
    for api, revision in [(carol, "refs/pr/1"), (bob, "main")]:
        with pytest.raises(HfHubHTTPError) as refused:
            api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/bert", revision=revision)
        assert refused.value.response.status_code == 403

    details = carol.get_discussion_details("alice/bert", 1)
    assert details.is_pull_request and details.status == "open" and details.target_branch == "refs/heads/main"
    assert [(event.type, getattr(event, "summary", None)) for event in details.events] == [
        ("comment", None), ("commit", "Add weights"), ("commit", "Describe the weights")]
    assert details.conflicting_files == [] and details.merge_commit_oid is None
    assert "+++ b/config.json" in details.diff and '+{"layers": 12}' in details.diff
    # Only writers merge.
    with pytest.raises(HfHubHTTPError) as refused:
        bob.merge_pull_request("alice/bert", 1)
    assert refused.value.response.status_code == 403

    alice.merge_pull_request("alice/bert", 1, comment="Thanks!")
    merged = carol.get_discussion_details("alice/bert", 1)
    main = alice.model_info("alice/bert").sha
    assert merged.status == "merged" and merged.merge_commit_oid == main
    assert [event.type for event in merged.events][-2:] == ["comment", "status-change"]
    # main moved forward to the pull request (nothing else happened on main): a fast-forward.
    assert main == alice.list_repo_refs("alice/bert", include_pull_requests=True).pull_requests[0].target_commit
    path = hf_hub_download("alice/bert", "model.safetensors", endpoint=hub.url, cache_dir=tmp_path / "c", token=False)
    assert open(path, "rb").read() == WEIGHTS
    # A merged pull request takes no more commits and is not merged twice.
    with pytest.raises(HfHubHTTPError) as refused:
        bob.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/bert", revision="refs/pr/1")
    assert refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as refused:
        alice.merge_pull_request("alice/bert", 1)
    assert refused.value.response.status_code == 409


def test_a_pull_request_behind_main_is_merged_with_a_merge_commit_and_a_conflict_is_refused(hub, people, git, tmp_path):
    alice, bob = people["alice"], people["bob"]
    # Binary files (a NUL in their first bytes, which is what sends them to LFS) whose names no
    # .gitattributes pattern covers: the hub adds a line for each, on both sides; those lines
    # merge (union) rather than conflict.
    bob.create_commit("alice/bert", operations=[
        CommitOperationAdd("tokenizer.json", b"tokenizer\n"), CommitOperationAdd("vocab.pt2", b"\0" + WEIGHTS[:4096]),
    ], commit_message="Add a tokenizer", create_pr=True)
    bob.upload_file(path_or_fileobj=b'{"layers": 24}\n', path_in_repo="config.json", repo_id="alice/bert", create_pr=True)
    # main moves on: PR 1 still merges (other files), PR 2 conflicts (the same line of config.json).
    alice.create_commit("alice/bert", operations=[
        CommitOperationAdd("config.json", b'{"layers": 6}\n'), CommitOperationAdd("head.pt2", b"\0" + WEIGHTS[4096:8192]),
    ], commit_message="Six layers")
    main_before = alice.model_info("alice/bert").sha

    assert bob.get_discussion_details("alice/bert", 2).conflicting_files == ["config.json"]
    with pytest.raises(HfHubHTTPError) as refused:
        alice.merge_pull_request("alice/bert", 2)
    assert refused.value.response.status_code == 409 and "config.json" in str(refused.value)
    assert alice.model_info("alice/bert").sha == main_before
    assert alice.get_discussion_details("alice/bert", 2).status == "open"

    alice.merge_pull_request("alice/bert", 1)
    merge = alice.model_info("alice/bert").sha
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/bert"), str(clone))
    parents = git("log", "-1", "--format=%P", cwd=clone).stdout.split()
    pr_head = alice.list_repo_refs("alice/bert", include_pull_requests=True).pull_requests[0].target_commit
    assert git.head(clone) == merge and parents == [main_before, pr_head]
    assert (clone / "tokenizer.json").read_bytes() == b"tokenizer\n"
    assert (clone / "config.json").read_bytes() == b'{"layers": 6}\n'
    attributes = (clone / ".gitattributes").read_text()
    assert "vocab.pt2 filter=lfs" in attributes and "head.pt2 filter=lfs" in attributes
    assert "Merge pull request #1" in git("log", "-1", "--format=%s", cwd=clone).stdout
    # The conflicting one can be closed by its author instead.
    assert bob.change_discussion_status("alice/bert", 2, "closed").new_status == "closed"


def test_a_stranger_pushes_to_the_pull_request_they_opened_with_git_and_only_there(hub, people, git, tmp_path):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    tokens = people["tokens"]
    draft = bob.create_pull_request("alice/bert", "Add a tokenizer", description="Coming by git.")
    assert draft.status == "draft" and draft.git_reference == "refs/pr/1"
    carols = carol.create_pull_request("alice/bert", "Carol's idea")
    clone = tmp_path / "clone"
    git("clone", "-q", hub.remote("alice/bert", "bob", tokens["bob"]), str(clone))
    git("lfs", "install", "--local", cwd=clone)
    git("lfs", "track", "*.bin", cwd=clone)
    git("add", ".gitattributes", cwd=clone)
    git.commit_file(clone, "tokenizer.bin", WEIGHTS, "Add the tokenizer")
    pushed = git("push", "origin", "HEAD:refs/pr/1", cwd=clone)
    assert pushed.returncode == 0

    details = bob.get_discussion_details("alice/bert", 1)
    assert details.status == "open"  # a draft opens with its first commit
    assert [event.type for event in details.events][-2:] == ["commit", "status-change"]
    assert details.events[-2].summary == "Add the tokenizer" and details.events[-2].oid == git.head(clone)
    path = hf_hub_download("alice/bert", "tokenizer.bin", revision="refs/pr/1", endpoint=hub.url,
                           cache_dir=tmp_path / "c", token=False)
    assert open(path, "rb").read() == WEIGHTS

    # Not main, not carol's pull request, not a pull request that does not exist, no deletion.
    # (git-lfs asks first, for the LFS file, so its batch request gives the reason.)
    for ref, reason in [("main", "You don't have write access"), (f"refs/pr/{carols.num}", "Only its author"),
                        ("refs/pr/9", "pull request #9")]:
        refused = git("push", "origin", f"HEAD:{ref}", cwd=clone, check=False)
        assert refused.returncode != 0 and reason in refused.stderr, refused.stderr
    refused = git("push", "origin", ":refs/pr/1", cwd=clone, check=False)
    assert refused.returncode != 0 and "cannot be deleted" in refused.stderr
    # Without git-lfs in the way (a commit of plain files), the push hook says it in its words.
    plain = tmp_path / "plain"
    git("clone", "-q", hub.remote("alice/bert", "bob", tokens["bob"]), str(plain))
    git.commit_file(plain, "notes.txt", "plain text\n", "Add notes")
    for ref, reason in [("main", "you may push only to pull requests (refs/pr/N) you opened"),
                        (f"refs/pr/{carols.num}", "Only its author"), ("refs/pr/9", "there is no pull request #9")]:
        refused = git("push", "origin", f"HEAD:{ref}", cwd=plain, check=False)
        assert refused.returncode != 0 and reason in refused.stderr, refused.stderr
    # A read token cannot push at all; an anonymous push is asked for credentials.
    reader = git("push", hub.remote("alice/bert", "bob", tokens["bob_read"]), "HEAD:refs/pr/1", cwd=clone, check=False)
    assert reader.returncode != 0 and "read access only" in reader.stderr
    anonymous = git("push", hub.remote("alice/bert"), "HEAD:refs/pr/1", cwd=clone, check=False)
    assert anonymous.returncode != 0
    # The owner merges it; main has the LFS file.
    alice.merge_pull_request("alice/bert", 1)
    path = hf_hub_download("alice/bert", "tokenizer.bin", endpoint=hub.url, cache_dir=tmp_path / "d", token=False)
    assert open(path, "rb").read() == WEIGHTS


def test_the_hf_cli_opens_comments_diffs_and_merges(hub, people, tmp_path):
    """`hf discussions …`, the CLI's own commands over the same API."""
    hf = os.path.join(os.path.dirname(sys.executable), "hf")

    def run(token, *args):
        env = dict(os.environ, HF_ENDPOINT=hub.url, HF_TOKEN=people["tokens"][token], HF_HUB_DISABLE_XET="1",
                   HF_HUB_DISABLE_UPDATE_CHECK="1", HF_HOME=str(tmp_path / f"hf-{token}"))
        result = subprocess.run([hf, "discussions", *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    people["bob"].upload_file(path_or_fileobj=b'{"layers": 12}\n', path_in_repo="config.json", repo_id="alice/bert",
                              create_pr=True, commit_message="Twelve layers")
    run("carol", "create", "alice/bert", "--title", "A question", "--body", "How was it trained?")
    run("alice", "comment", "alice/bert", "2", "--body", "On a laptop.")
    listed = run("carol", "list", "alice/bert", "--status", "all", "--format", "json")
    assert {item["num"]: item["title"] for item in json.loads(listed)} == {
        1: "Twelve layers", 2: "A question"}
    diff = run("carol", "diff", "alice/bert", "1")
    assert '-{"layers": 2}' in diff and '+{"layers": 12}' in diff
    run("alice", "merge", "alice/bert", "1", "--yes", "--comment", "Merged from the CLI")
    run("carol", "close", "alice/bert", "2", "--yes")
    details = people["alice"].get_discussion_details("alice/bert", 1)
    assert details.status == "merged" and details.events[-2].content == "Merged from the CLI"
    assert people["alice"].get_discussion_details("alice/bert", 2).status == "closed"
    assert people["alice"].get_discussion_details("alice/bert", 2).events[1].content == "On a laptop."


XET_PULL_REQUEST = """
import sys
from huggingface_hub import HfApi
info = HfApi().upload_file(path_or_fileobj=sys.argv[2], path_in_repo="model.bin", repo_id=sys.argv[1], create_pr=True)
print(info.pr_revision)
"""


def test_a_stranger_proposes_a_large_file_through_xet(hub, people, tmp_path):
    (tmp_path / "model.bin").write_bytes(WEIGHTS)
    env = {name: value for name, value in os.environ.items() if name != "HF_HUB_DISABLE_XET"}
    env.update(HF_ENDPOINT=hub.url, HF_TOKEN=people["tokens"]["bob"], HF_HOME=str(tmp_path / f"hf-{uuid.uuid4().hex}"),
               HF_HUB_DISABLE_PROGRESS_BARS="1")
    result = subprocess.run([sys.executable, "-c", XET_PULL_REQUEST, "alice/bert", str(tmp_path / "model.bin")],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "refs/pr/1"
    files = people["alice"].list_repo_files("alice/bert", revision="refs/pr/1")
    assert "model.bin" in files
    people["alice"].merge_pull_request("alice/bert", 1)
    path = hf_hub_download("alice/bert", "model.bin", endpoint=hub.url, cache_dir=tmp_path / "c", token=False)
    assert open(path, "rb").read() == WEIGHTS


def test_the_community_tab_in_a_browser_opens_comments_shows_the_changes_and_merges(hub, people, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    def wait_for(locator):
        return wait_in(browser, locator)

    def wait_for_text(locator, text):
        """Waits for the next page: the one a form led to, not the one still showing."""
        WebDriverWait(browser, 10).until(expected_conditions.text_to_be_present_in_element(locator, text))

    hub.admin("user", "password", "alice", stdin="correct horse battery\n")
    hub.admin("user", "password", "bob", stdin="staple battery horse\n")
    people["bob"].upload_file(path_or_fileobj=b"tokenizer\n", path_in_repo="tokenizer.json", repo_id="alice/bert",
                              create_pr=True, commit_message="Add a tokenizer")

    # bob opens a discussion and comments, in the browser; he sees no merge button on his PR.
    sign_in(browser, hub, "bob", "staple battery horse")
    browser.get(hub.url + "/alice/bert/discussions")
    assert "#1 Add a tokenizer" in wait_for((By.CSS_SELECTOR, "ol.discussions")).text
    browser.find_element(By.NAME, "title").send_keys("Which license?")
    browser.find_element(By.NAME, "description").send_keys("Is it **MIT**?")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait_for_text((By.CSS_SELECTOR, "h2"), "Which license?")
    assert browser.find_element(By.CSS_SELECTOR, "ol.timeline .comment strong").text == "MIT"
    browser.find_element(By.NAME, "comment").send_keys("Asking for a friend.")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait_for((By.XPATH, "//ol[@class='timeline']//p[contains(., 'Asking for a friend.')]"))
    browser.get(hub.url + "/alice/bert/discussions/1")
    assert "tokenizer.json" in wait_for((By.CSS_SELECTOR, "ul.changes")).text
    assert browser.find_elements(By.CSS_SELECTOR, "form.merge") == []

    # alice merges the pull request with its button.
    sign_in(browser, hub, "alice", "correct horse battery")
    browser.get(hub.url + "/alice/bert/discussions/1")
    wait_for((By.CSS_SELECTOR, "form.merge button")).click()
    wait_for_text((By.CSS_SELECTOR, "h2 .badge"), "merged")
    assert "tokenizer.json" in people["alice"].list_repo_files("alice/bert")
    assert people["alice"].get_discussion_details("alice/bert", 2).events[-1].content == "Asking for a friend."
