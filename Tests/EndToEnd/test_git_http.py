"""The git journey of issue 2, driven with the real git against a running modelhub."""

import os
import subprocess
import threading
import time

import pytest
from huggingface_hub import HfApi

from hubprocess import HubProcess


def index_head(hub: HubProcess, namespace: str, name: str) -> str:
    return hub.index_rows(f"SELECT head_commit FROM repos WHERE namespace = '{namespace}' AND name = '{name}'")[0][0]


def test_clone_push_and_clone_again_with_same_history(hub, git, alice, tmp_path):
    hub.create_repo(alice, "demo")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/demo"), str(work))
    assert (work / ".gitattributes").read_text().count("filter=lfs") > 20
    assert git("check-attr", "filter", "model.safetensors", cwd=work).stdout.strip().endswith("lfs")
    assert git("log", "--format=%an %s", cwd=work).stdout.strip() == "system initial commit"

    git("remote", "set-url", "origin", hub.remote("alice/demo", "alice", alice), cwd=work)
    git.commit_file(work, "README.md", "# demo\n", "add readme")
    main = git.commit_file(work, "config.json", '{"hidden": 8}\n', "add config")
    git("push", "-q", "origin", "main", cwd=work)
    git("checkout", "-q", "-b", "experiment", cwd=work)
    branch = git.commit_file(work, "notes/idea.txt", "try a bigger batch\n", "an idea")
    git("push", "-q", "origin", "experiment", cwd=work)

    other = tmp_path / "other"
    git("clone", "-q", hub.remote("alice/demo.git"), str(other))
    assert git.head(other) == main
    assert git.head(other, "origin/experiment") == branch
    assert (other / "config.json").read_text() == '{"hidden": 8}\n'
    assert git("log", "--format=%H", "main", cwd=other).stdout == git("log", "--format=%H", "main", cwd=work).stdout
    # The index follows the push.
    assert index_head(hub, "alice", "demo") == main


def test_shallow_clone_then_fetch_new_commits(hub, git, alice, tmp_path):
    hub.create_repo(alice, "deep")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/deep", "alice", alice), str(work))
    for number in range(5):
        git.commit_file(work, f"f{number}.txt", f"{number}\n", f"commit {number}")
    git("push", "-q", "origin", "main", cwd=work)

    shallow = tmp_path / "shallow"
    git("clone", "-q", "--depth", "1", hub.remote("alice/deep"), str(shallow))
    assert git("rev-list", "--count", "HEAD", cwd=shallow).stdout.strip() == "1"
    assert git("rev-parse", "--is-shallow-repository", cwd=shallow).stdout.strip() == "true"

    newest = git.commit_file(work, "f5.txt", "5\n", "commit 5")
    git("push", "-q", "origin", "main", cwd=work)
    git("fetch", "-q", "origin", cwd=shallow)
    assert git.head(shallow, "origin/main") == newest
    assert (shallow / "f4.txt").exists()


def test_partial_clone_fetches_blobs_on_demand(hub, git, alice, tmp_path):
    hub.create_repo(alice, "partial")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/partial", "alice", alice), str(work))
    git.commit_file(work, "old.txt", "first version\n", "old")
    git.commit_file(work, "old.txt", "second version\n", "newer")
    git("push", "-q", "origin", "main", cwd=work)

    partial = tmp_path / "partial"
    git("clone", "-q", "--filter=blob:none", hub.remote("alice/partial"), str(partial))
    assert git("config", "remote.origin.promisor", cwd=partial).stdout.strip() == "true"
    assert (partial / "old.txt").read_text() == "second version\n"
    # The first version's blob was left on the server until asked for.
    first = git("rev-parse", "HEAD~1:old.txt", cwd=partial).stdout.strip()
    missing = git("rev-list", "--objects", "--all", "--missing=print", cwd=partial).stdout
    assert f"?{first}" in missing
    assert git("show", "HEAD~1:old.txt", cwd=partial).stdout == "first version\n"


@pytest.mark.parametrize("version", ["0", "1", "2"])
def test_every_protocol_version_sees_the_same_refs_as_git_ls_remote_on_disk(hub, git, alice, tmp_path, version):
    """The ref advertisement is made in-process: what each protocol version shows a real client
    (branches, annotated and lightweight tags peeled, refs/pr/*, HEAD's branch) must be the
    repository's refs as git itself reads them on disk."""
    hub.create_repo(alice, "refs")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/refs", "alice", alice), str(work))
    git.commit_file(work, "a.txt", "a\n", "a")
    git("tag", "-a", "v1.0", "-m", "release", cwd=work)
    git("tag", "light", cwd=work)
    git("push", "-q", "origin", "main", "v1.0", "light", "main:refs/heads/feature", cwd=work)
    # A pull request's ref, made the way the Hub makes one.
    HfApi(endpoint=hub.url, token=alice).upload_file(
        path_or_fileobj=b"proposal", path_in_repo="p.txt", repo_id="alice/refs", create_pr=True)
    stored = hub.data_dir / "repos" / "models" / "alice" / "refs.git"
    on_disk = git("ls-remote", str(stored)).stdout
    assert "refs/tags/v1.0^{}" in on_disk and "refs/pr/1" in on_disk
    for _ in range(2):  # the first answer may be git's own (it teaches the server), the second is not
        seen = git("-c", f"protocol.version={version}", "ls-remote", hub.remote("alice/refs")).stdout
        assert seen == on_disk
    symref = git("-c", f"protocol.version={version}", "ls-remote", "--symref", hub.remote("alice/refs"), "HEAD").stdout
    assert symref.startswith("ref: refs/heads/main\tHEAD\n")
    clone = tmp_path / f"clone-v{version}"
    git("-c", f"protocol.version={version}", "clone", "-q", hub.remote("alice/refs"), str(clone))
    assert git("describe", "--tags", "--exact-match", "origin/main", cwd=clone).stdout.strip() in ("v1.0", "light")


def test_fetch_of_many_refs_sends_gzip_body(hub, git, alice, tmp_path):
    """Over ~1 KiB of negotiation ('want' lines for 40 new branches) makes git gzip the request."""
    hub.create_repo(alice, "wants")
    local = tmp_path / "local"
    git("clone", "-q", hub.remote("alice/wants"), str(local))
    pusher = tmp_path / "pusher"
    git("clone", "-q", hub.remote("alice/wants", "alice", alice), str(pusher))
    heads = {}
    for number in range(40):
        heads[f"b{number}"] = git.commit_file(pusher, "counter.txt", f"{number}\n", f"step {number}")
        git("branch", f"b{number}", cwd=pusher)
    git("push", "-q", "origin", "--all", cwd=pusher)
    fetch = git("fetch", "origin", cwd=local, env={"GIT_TRACE_CURL": "1", "GIT_TRACE_CURL_NO_DATA": "1"})
    assert "Content-Encoding: gzip" in fetch.stderr
    for branch, commit in heads.items():
        assert git.head(local, f"origin/{branch}") == commit


def test_non_fast_forward_push_is_rejected(hub, git, alice, tmp_path):
    hub.create_repo(alice, "history")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/history", "alice", alice), str(work))
    kept = git.commit_file(work, "a.txt", "a\n", "a")
    git("push", "-q", "origin", "main", cwd=work)
    git("reset", "-q", "--hard", "HEAD~1", cwd=work)
    git.commit_file(work, "b.txt", "b\n", "rewritten")
    push = git("push", "--force", "origin", "main", cwd=work, check=False)
    assert push.returncode != 0
    assert "non-fast-forward" in push.stderr or "rejected" in push.stderr
    assert git("ls-remote", hub.remote("alice/history"), "refs/heads/main").stdout.split()[0] == kept


def test_concurrent_pushes_one_wins_and_no_commit_is_lost(hub, git, alice, tmp_path):
    hub.create_repo(alice, "race")
    clones = []
    for who in ("first", "second"):
        path = tmp_path / who
        git("clone", "-q", hub.remote("alice/race", "alice", alice), str(path))
        # Large enough that both pushes are in flight together.
        git.commit_file(path, f"{who}.bin.txt", (who * 400_000) + "\n", f"{who} change")
        clones.append(path)
    commits = {path: git.head(path) for path in clones}
    results = {}

    def push(path):
        results[path] = git("push", "origin", "main", cwd=path, check=False)

    threads = [threading.Thread(target=push, args=(path,)) for path in clones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    winners = [path for path, result in results.items() if result.returncode == 0]
    assert len(winners) == 1, {str(p): r.stderr for p, r in results.items()}
    winner = winners[0]
    loser = next(path for path in clones if path != winner)
    remote_head = git("ls-remote", hub.remote("alice/race"), "refs/heads/main").stdout.split()[0]
    assert remote_head == commits[winner]

    # The loser's commit is intact locally; after a rebase both commits are on main.
    git("pull", "-q", "--rebase", "origin", "main", cwd=loser)
    git("push", "-q", "origin", "main", cwd=loser)
    check = tmp_path / "check"
    git("clone", "-q", hub.remote("alice/race"), str(check))
    subjects = git("log", "--format=%s", cwd=check).stdout.split("\n")
    assert "first change" in subjects and "second change" in subjects


def test_anonymous_push_is_refused(hub, git, alice, tmp_path):
    hub.create_repo(alice, "locked")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/locked"), str(work))
    before = git.head(work)
    git.commit_file(work, "x.txt", "x\n", "sneaky")
    push = git("push", "origin", "main", cwd=work, check=False)
    assert push.returncode != 0
    assert "could not read Username" in push.stderr or "Authentication failed" in push.stderr
    assert git("ls-remote", hub.remote("alice/locked"), "refs/heads/main").stdout.split()[0] == before


def test_wrong_token_and_other_users_cannot_push(hub, git, alice, tmp_path):
    hub.create_repo(alice, "mine")
    mallory = hub.create_user("mallory")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/mine"), str(work))
    git.commit_file(work, "x.txt", "x\n", "change")
    wrong = git("push", hub.remote("alice/mine", "alice", "hf_not_a_real_token"), "main", cwd=work, check=False)
    assert wrong.returncode != 0 and "Authentication failed" in wrong.stderr
    # A stranger may push only to the pull requests they opened (test_pull_requests.py): the push
    # hook refuses main, and nothing moves.
    before = git("ls-remote", hub.remote("alice/mine"), "refs/heads/main").stdout.split()[0]
    other = git("push", hub.remote("alice/mine", "mallory", mallory), "main", cwd=work, check=False)
    assert other.returncode != 0 and "you may push only to pull requests (refs/pr/N) you opened" in other.stderr
    assert git("ls-remote", hub.remote("alice/mine"), "refs/heads/main").stdout.split()[0] == before


def test_private_repo_answers_anonymous_clone_like_a_missing_repo(hub, git, alice, tmp_path):
    hub.create_repo(alice, "secret", visibility="private")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    private = git("clone", hub.remote("alice/secret"), "clone", cwd=tmp_path / "a", check=False)
    missing = git("clone", hub.remote("alice/no-such-repo"), "clone", cwd=tmp_path / "b", check=False)
    assert private.returncode == missing.returncode != 0
    assert private.stderr.replace("secret", "X") == missing.stderr.replace("no-such-repo", "X")
    assert not (tmp_path / "a" / "clone").exists()

    def curl(path):
        out = subprocess.run(
            ["curl", "-s", "-i", f"{hub.url}/{path}/info/refs?service=git-upload-pack"],
            capture_output=True, text=True).stdout
        # Date and the request id differ on every answer; everything else must be identical.
        return [line for line in out.splitlines() if not line.lower().startswith(("date:", "x-request-id:"))]

    assert curl("alice/secret") == curl("alice/no-such-repo")
    # Its owner clones it; a stranger with a valid token gets the same 404 as for a missing repo.
    git("clone", "-q", hub.remote("alice/secret", "alice", alice), str(tmp_path / "c"))
    stranger = hub.create_user("stranger")
    (tmp_path / "d").mkdir()
    (tmp_path / "e").mkdir()
    seen = git("clone", hub.remote("alice/secret", "stranger", stranger), "clone", cwd=tmp_path / "d", check=False)
    unseen = git("clone", hub.remote("alice/nothing", "stranger", stranger), "clone", cwd=tmp_path / "e", check=False)
    assert seen.returncode != 0 and seen.stderr.replace("secret", "X") == unseen.stderr.replace("nothing", "X")


def test_invalid_repo_names_are_refused_with_nothing_on_disk(hub, alice):
    for bad in ["a--b", "-rf", "dots..", "end.", "white space", "x" * 97, "évian", "a/b/c"]:
        status, headers, body = hub.api("POST", "/api/repos/create", alice, {"name": bad, "organization": "alice"})
        assert status == 400, (bad, body)
        assert "Invalid name" in body["error"] or "invalid" in body["error"].lower()
    assert list((hub.data_dir / "repos").glob("**/*.git")) == []


def test_dash_refs_and_names_never_reach_git(hub, git, alice, tmp_path):
    hub.create_repo(alice, "safe")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/safe", "alice", alice), str(work))
    git.commit_file(work, "a.txt", "a\n", "a")
    push = git("push", "origin", "HEAD:refs/heads/-evil", cwd=work, check=False)
    assert push.returncode != 0
    assert "start with '-'" in push.stderr
    push = git("push", "origin", "HEAD:refs/heads/--upload-pack=touch", cwd=work, check=False)
    assert push.returncode != 0
    refs = git("ls-remote", hub.remote("alice/safe"), cwd=work).stdout
    assert "-evil" not in refs and "upload-pack" not in refs
    # Option-looking names in the URL are answered like missing repositories.
    for path in ["-alice/safe", "alice/--upload-pack=x", "alice/-safe"]:
        out = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{hub.url}/{path}/info/refs?service=git-upload-pack"],
            capture_output=True, text=True).stdout
        assert out == "401", path
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{hub.url}/alice/safe/info/refs?service=--help"],
        capture_output=True, text=True).stdout
    assert out == "403"


def test_branch_deletion_by_push_but_main_stays(hub, git, alice, tmp_path):
    hub.create_repo(alice, "branches")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/branches", "alice", alice), str(work))
    git("push", "-q", "origin", "main:refs/heads/temp", cwd=work)
    assert "refs/heads/temp" in git("ls-remote", hub.remote("alice/branches"), cwd=work).stdout
    git("push", "-q", "origin", ":temp", cwd=work)
    assert "refs/heads/temp" not in git("ls-remote", hub.remote("alice/branches"), cwd=work).stdout
    refused = git("push", "origin", ":main", cwd=work, check=False)
    assert refused.returncode != 0 and "cannot be deleted" in refused.stderr
    assert "refs/heads/main" in git("ls-remote", hub.remote("alice/branches"), cwd=work).stdout


def test_large_non_lfs_file_is_refused(hub, git, alice, tmp_path):
    hub.create_repo(alice, "big")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/big", "alice", alice), str(work))
    before = git.head(work)
    (work / "weights.raw").write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    git("add", "weights.raw", cwd=work)
    git("commit", "-q", "-m", "too big", cwd=work)
    push = git("push", "origin", "main", cwd=work, check=False)
    assert push.returncode != 0
    assert "weights.raw is larger than 10 MiB" in push.stderr and "Git LFS" in push.stderr
    assert git("ls-remote", hub.remote("alice/big"), "refs/heads/main").stdout.split()[0] == before


def test_datasets_and_spaces_have_their_own_git_urls(hub, git, alice, tmp_path):
    hub.create_repo(alice, "corpus", type="dataset")
    hub.create_repo(alice, "demo-app", type="space", sdk="static")
    dataset = tmp_path / "dataset"
    git("clone", "-q", hub.remote("datasets/alice/corpus", "alice", alice), str(dataset))
    assert "*.parquet" in (dataset / ".gitattributes").read_text()
    assert "*.wav" in (dataset / ".gitattributes").read_text()
    git.commit_file(dataset, "data.csv", "a,b\n1,2\n", "data")
    git("push", "-q", "origin", "main", cwd=dataset)
    space = tmp_path / "space"
    git("clone", "-q", hub.remote("spaces/alice/demo-app.git"), str(space))
    assert (space / ".gitattributes").exists()
    # A model of the same name does not exist.
    missing = git("ls-remote", hub.remote("alice/corpus", "alice", alice), check=False)
    assert missing.returncode != 0


def packed_state(repository):
    """(number of packs, whether each has a bitmap, number of loose objects) of a bare repo."""
    packs = list((repository / "objects" / "pack").glob("*.pack"))
    bitmaps = all(pack.with_suffix(".bitmap").exists() for pack in packs)
    loose = [path for folder in (repository / "objects").glob("[0-9a-f][0-9a-f]") for path in folder.iterdir()]
    return len(packs), bitmaps, len(loose)


def wait_for_one_pack(repository, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if packed_state(repository) == (1, True, 0):
            return
        time.sleep(0.05)
    raise AssertionError(f"not repacked: {packed_state(repository)}")


def test_pushes_and_api_commits_end_as_one_pack_with_a_bitmap(hub, git, alice, api, tmp_path):
    """A push keeps its pack (not exploded into loose objects) and the hub repacks after it, so
    every clone reuses one pack with its bitmap instead of compressing objects again."""
    hub.create_repo(alice, "packed")
    repository = hub.data_dir / "repos" / "models" / "alice" / "packed.git"
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/packed", "alice", alice), str(work))
    for round in range(2):
        for number in range(3):
            (work / f"part{round}-{number}.dat").write_bytes(os.urandom(1 << 20))
        git("add", ".", cwd=work)
        git("commit", "-q", "-m", f"round {round}", cwd=work)
        git("push", "-q", "origin", "main", cwd=work)
        wait_for_one_pack(repository)
    api.upload_file(path_or_fileobj=b"a small file\n", path_in_repo="notes.txt", repo_id="alice/packed")
    wait_for_one_pack(repository)
    git("clone", "-q", hub.remote("alice/packed"), str(tmp_path / "again"))
    assert git.head(tmp_path / "again") == api.model_info("alice/packed").sha
    assert (tmp_path / "again" / "part1-2.dat").read_bytes() == (work / "part1-2.dat").read_bytes()
    assert (tmp_path / "again" / "notes.txt").read_bytes() == b"a small file\n"
