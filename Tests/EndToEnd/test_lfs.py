"""Git LFS against modelhub with the real git-lfs, curl and huggingface_hub."""

import hashlib
import json
import os
import subprocess

import pytest
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError


LFS = "application/vnd.git-lfs+json"


@pytest.fixture
def lfs_git(git):
    git("lfs", "install", "--skip-repo")
    return git


def push_weights(hub, git, token, repo, tmp_path, size=30 * 1024 * 1024, name="model.safetensors"):
    work = tmp_path / "work"
    git("clone", "-q", hub.remote(repo, "alice", token), str(work))
    content = os.urandom(size)
    (work / name).write_bytes(content)
    git("add", name, cwd=work)
    git("commit", "-q", "-m", "weights", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    return work, content


def batch(hub, repo, body, token=None, auth="bearer"):
    headers = ["-H", f"Content-Type: {LFS}", "-H", f"Accept: {LFS}"]
    if token and auth == "bearer":
        headers += ["-H", f"Authorization: Bearer {token}"]
    elif token:
        headers += ["-u", f"alice:{token}"]
    out = subprocess.run(
        ["curl", "-s", "-i", "-X", "POST", *headers, "--data-binary", json.dumps(body),
         f"{hub.url}/{repo}.git/info/lfs/objects/batch"], capture_output=True, text=True).stdout
    head, _, payload = out.partition("\n\n")  # text mode turned CRLF into LF
    status = int(head.split()[1])
    return status, head, json.loads(payload) if payload.strip() else None


def test_lfs_push_then_clone_smudges_the_same_bytes(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "weights")
    work, content = push_weights(hub, lfs_git, alice, "alice/weights", tmp_path)
    assert "model.safetensors" in lfs_git("lfs", "ls-files", cwd=work).stdout
    clone = tmp_path / "clone"
    lfs_git("clone", "-q", hub.remote("alice/weights"), str(clone))
    assert (clone / "model.safetensors").read_bytes() == content
    # git stores the pointer; the object is stored once, under its SHA-256.
    oid = hashlib.sha256(content).hexdigest()
    assert hub.stored_objects()[oid] == len(content)


def test_skip_smudge_clone_then_lfs_pull(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "weights")
    _, content = push_weights(hub, lfs_git, alice, "alice/weights", tmp_path, size=3 * 1024 * 1024)
    clone = tmp_path / "lazy"
    lfs_git("clone", "-q", hub.remote("alice/weights"), str(clone), env={"GIT_LFS_SKIP_SMUDGE": "1"})
    assert (clone / "model.safetensors").read_text().startswith("version https://git-lfs.github.com/spec/v1")
    lfs_git("lfs", "pull", cwd=clone)
    assert (clone / "model.safetensors").read_bytes() == content


def test_private_repo_lfs_needs_credentials(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "secret", visibility="private")
    _, content = push_weights(hub, lfs_git, alice, "alice/secret", tmp_path, size=1024 * 1024)
    oid = hashlib.sha256(content).hexdigest()
    status, head, _ = batch(hub, "alice/secret", {"operation": "download", "objects": [{"oid": oid, "size": len(content)}]})
    assert status == 401 and "LFS-Authenticate: Basic" in head
    stranger = hub.create_user("stranger")
    status, _, body = batch(hub, "alice/secret", {"operation": "download", "objects": [{"oid": oid, "size": len(content)}]},
                            token=stranger)
    assert status == 404 and body["message"] == "Repository not found"
    clone = tmp_path / "owner"
    lfs_git("clone", "-q", hub.remote("alice/secret", "alice", alice), str(clone))
    assert (clone / "model.safetensors").read_bytes() == content


def test_objects_of_one_repo_are_not_readable_through_another(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "secret", visibility="private")
    _, content = push_weights(hub, lfs_git, alice, "alice/secret", tmp_path, size=1024 * 1024)
    oid = hashlib.sha256(content).hexdigest()
    mallory = hub.create_user("mallory")
    hub.create_repo(mallory, "copycat")
    # Knowing the oid is not enough: the download batch says the object does not exist here...
    status, _, body = batch(hub, "mallory/copycat", {"operation": "download", "objects": [{"oid": oid, "size": len(content)}]},
                            token=mallory)
    assert status == 200 and body["objects"][0]["error"]["code"] == 404
    # ...and an upload batch asks for the bytes (proof of possession) instead of binding it.
    status, _, body = batch(hub, "mallory/copycat", {"operation": "upload", "objects": [{"oid": oid, "size": len(content)}]},
                            token=mallory)
    assert status == 200 and "upload" in body["objects"][0]["actions"]
    # Alice, who can read it, gets it bound without re-sending.
    hub.create_repo(alice, "public-copy")
    status, _, body = batch(hub, "alice/public-copy", {"operation": "upload", "objects": [{"oid": oid, "size": len(content)}]},
                            token=alice)
    assert status == 200 and "actions" not in body["objects"][0]


def test_large_non_lfs_file_is_rejected_with_the_message(hub, git, alice, tmp_path):
    hub.create_repo(alice, "big")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/big", "alice", alice), str(work))
    (work / "data.raw").write_bytes(os.urandom(11 * 1024 * 1024))
    git("add", "data.raw", cwd=work)
    git("commit", "-q", "-m", "big", cwd=work)
    push = git("push", "origin", "main", cwd=work, check=False)
    assert push.returncode != 0
    assert "data.raw is larger than 10 MiB" in push.stderr and "git lfs track" in push.stderr


def test_pointer_to_missing_object_is_rejected(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "dangling")
    work = tmp_path / "work"
    lfs_git("clone", "-q", hub.remote("alice/dangling", "alice", alice), str(work))
    before = lfs_git.head(work)
    fake = hashlib.sha256(b"never uploaded").hexdigest()
    (work / "ghost.bin").write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{fake}\nsize 14\n")
    lfs_git("add", "ghost.bin", cwd=work)
    lfs_git("commit", "-q", "-m", "ghost", cwd=work)
    push = lfs_git("push", "--no-verify", "origin", "main", cwd=work, check=False)
    assert push.returncode != 0
    assert "ghost.bin is a Git LFS pointer" in push.stderr and "never uploaded" in push.stderr
    assert lfs_git("ls-remote", hub.remote("alice/dangling"), "refs/heads/main").stdout.split()[0] == before


def test_lfs_lock_and_unlock(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "locked")
    work, _ = push_weights(hub, lfs_git, alice, "alice/locked", tmp_path, size=1024)
    assert "Locked model.safetensors" in lfs_git("lfs", "lock", "model.safetensors", cwd=work).stdout
    assert "model.safetensors\talice" in lfs_git("lfs", "locks", cwd=work).stdout
    again = lfs_git("lfs", "lock", "model.safetensors", cwd=work, check=False)
    assert again.returncode != 0
    # Pushing a locked file that is ours goes through; git-lfs verified the locks first.
    (work / "model.safetensors").write_bytes(b"new weights")
    lfs_git("commit", "-q", "-am", "update", cwd=work)
    lfs_git("push", "-q", "origin", "main", cwd=work)
    assert "Unlocked model.safetensors" in lfs_git("lfs", "unlock", "model.safetensors", cwd=work).stdout
    assert lfs_git("lfs", "locks", cwd=work).stdout.strip() == ""


def test_hf_hub_download_and_snapshot_download_of_a_git_pushed_repo(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "weights")
    work, content = push_weights(hub, lfs_git, alice, "alice/weights", tmp_path, size=5 * 1024 * 1024)
    (work / "config.json").write_text('{"layers": 2}\n')
    lfs_git("add", "config.json", cwd=work)
    lfs_git("commit", "-q", "-m", "config", cwd=work)
    lfs_git("push", "-q", "origin", "main", cwd=work)
    head = lfs_git.head(work)

    cache = tmp_path / "cache"
    path = hf_hub_download("alice/weights", "model.safetensors", endpoint=hub.url, cache_dir=cache)
    assert open(path, "rb").read() == content
    assert f"/snapshots/{head}/" in path
    short = hf_hub_download("alice/weights", "config.json", revision=head[:7], endpoint=hub.url, cache_dir=cache)
    assert open(short).read() == '{"layers": 2}\n'

    folder = snapshot_download("alice/weights", endpoint=hub.url, cache_dir=tmp_path / "snapshot")
    assert open(os.path.join(folder, "model.safetensors"), "rb").read() == content
    assert sorted(os.listdir(folder)) == [".gitattributes", "config.json", "model.safetensors"]

    with pytest.raises(EntryNotFoundError):
        hf_hub_download("alice/weights", "missing.bin", endpoint=hub.url, cache_dir=cache)
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download("alice/weights", "config.json", revision="no-such-branch", endpoint=hub.url, cache_dir=cache)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("alice/nothing", "config.json", endpoint=hub.url, cache_dir=cache)
    info = HfApi(endpoint=hub.url).model_info("alice/weights", files_metadata=True)
    lfs_sibling = next(s for s in info.siblings if s.rfilename == "model.safetensors")
    assert info.sha == head and lfs_sibling.lfs.sha256 == hashlib.sha256(content).hexdigest()
    # usedStorage: the LFS object plus the (small) git objects.
    assert len(content) < info.used_storage < len(content) + 1024 * 1024
    listed = next(iter(HfApi(endpoint=hub.url).list_models(author="alice", full=True)))
    assert sorted(s.rfilename for s in listed.siblings) == [".gitattributes", "config.json", "model.safetensors"]
    assert listed.sha == head
    expanded = next(iter(HfApi(endpoint=hub.url).list_models(author="alice", expand=["usedStorage", "siblings"])))
    assert expanded.used_storage == info.used_storage and len(expanded.siblings) == 3


def test_resolve_headers_ranges_and_curl_resume(hub, lfs_git, alice, tmp_path):
    hub.create_repo(alice, "weights")
    _, content = push_weights(hub, lfs_git, alice, "alice/weights", tmp_path, size=4 * 1024 * 1024)
    url = f"{hub.url}/alice/weights/resolve/main/model.safetensors"
    head = subprocess.run(["curl", "-s", "-I", url], capture_output=True, text=True).stdout.lower()
    sha = hashlib.sha256(content).hexdigest()
    assert f'x-linked-etag: "{sha}"' in head and f"x-linked-size: {len(content)}" in head
    assert "x-repo-commit: " in head and "x-xet" not in head
    if hub.uses_s3:
        # The bytes are fetched from the bucket through a presigned URL, as from the public hub's CDN.
        assert head.startswith("http/1.1 302") and "\nlocation: http" in head
    else:
        assert f"content-length: {len(content)}" in head

    # curl -C - resumes a partial download with a Range request (which a redirect carries along).
    partial = tmp_path / "partial.bin"
    partial.write_bytes(content[: 1024 * 1024 + 7])
    subprocess.run(["curl", "-s", "-f", "-L", "-C", "-", "-o", str(partial), url], check=True)
    assert partial.read_bytes() == content

    def fetch(*args):
        return subprocess.run(["curl", "-s", "-L", "-o", "-", "-w", "\n%{http_code}", *args, url],
                              capture_output=True).stdout

    out = fetch("-H", "Range: bytes=-10")
    assert out[:-4] == content[-10:] and out.endswith(b"206")
    out = fetch("-H", f"Range: bytes={len(content)}-")
    assert out.endswith(b"416")
    out = fetch("-H", f'If-None-Match: "{sha}"')
    assert out.endswith(b"304")
    raw = subprocess.run(["curl", "-s", f"{hub.url}/alice/weights/raw/main/model.safetensors"],
                         capture_output=True, text=True).stdout
    assert raw == f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha}\nsize {len(content)}\n"


@pytest.mark.parametrize("objects, code", [
    ([{"oid": "abc", "size": 1}], 422),
    ([{"oid": "../../../../etc/passwd" + "0" * 42, "size": 1}], 422),
    ([{"oid": "A" * 64, "size": 1}], 422),
    ([{"oid": "a" * 64, "size": -1}], 422),
])
def test_batch_refuses_bad_objects_one_by_one(hub, alice, objects, code):
    hub.create_repo(alice, "m")
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "objects": objects}, token=alice)
    assert status == 200
    assert body["objects"][0]["error"]["code"] == code
    assert "actions" not in body["objects"][0]


def test_batch_refuses_other_hash_algorithms_and_unknown_operations(hub, alice):
    hub.create_repo(alice, "m")
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "hash_algo": "sha512",
                                             "objects": [{"oid": "a" * 64, "size": 1}]}, token=alice)
    assert status == 200 and body["objects"][0]["error"]["code"] == 409
    status, _, body = batch(hub, "alice/m", {"operation": "delete", "objects": []}, token=alice)
    assert status == 422 and "Unknown operation" in body["message"]
    status, _, body = batch(hub, "alice/m", {"operation": "upload"}, token=alice)
    assert status == 422


def test_upload_with_wrong_bytes_keeps_nothing(hub, alice):
    hub.create_repo(alice, "m")
    good = os.urandom(4096)
    oid = hashlib.sha256(good).hexdigest()
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "objects": [{"oid": oid, "size": len(good)}]}, token=alice)
    href = body["objects"][0]["actions"]["upload"]["href"]

    def put(data, url=href):
        return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", "@-",
                               "-H", "Content-Type: application/octet-stream", url],
                              input=data, capture_output=True).stdout.decode()

    assert put(os.urandom(4096)) == "422"          # wrong hash
    assert put(good[:100]) == "422"                # wrong size
    assert put(good + b"x") == "422"               # too long
    assert put(good, href.replace("grant=", "grant=x")) == "403"  # tampered grant
    assert put(good, href.split("?")[0]) == "403"  # no grant
    assert hub.stored_objects() == {}
    assert put(good) == "200"
    verify = body["objects"][0]["actions"]["verify"]["href"]
    result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", f"Content-Type: {LFS}",
                             "-d", json.dumps({"oid": oid, "size": len(good)}), verify], capture_output=True, text=True)
    assert result.stdout == "200"
    # Now bound: a second upload batch needs no transfer.
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "objects": [{"oid": oid, "size": len(good)}]}, token=alice)
    assert "actions" not in body["objects"][0]


def test_anonymous_upload_batch_is_challenged_and_readers_are_forbidden(hub, alice):
    hub.create_repo(alice, "m")
    status, head, body = batch(hub, "alice/m", {"operation": "upload", "objects": [{"oid": "a" * 64, "size": 1}]})
    assert status == 401 and "LFS-Authenticate" in head and "message" in body
    bob = hub.create_user("bob")
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "objects": [{"oid": "a" * 64, "size": 1}],
                                            "ref": {"name": "refs/heads/main"}}, token=bob)
    assert status == 403
    # Without a ref the upload is for a pull request to open (huggingface_hub's create_pr=True),
    # which any reader with a write token may propose (test_pull_requests.py).
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "objects": [{"oid": "a" * 64, "size": 1}]}, token=bob)
    assert status == 200 and "upload" in body["objects"][0]["actions"]


def test_maximum_object_size_is_configurable(hub_factory):
    hub = hub_factory(env={"MODELHUB_MAX_LFS_OBJECT_SIZE": "1000"})
    token = hub.create_user("alice")
    hub.create_repo(token, "m")
    status, _, body = batch(hub, "alice/m", {"operation": "upload", "objects": [
        {"oid": "a" * 64, "size": 1001}, {"oid": "b" * 64, "size": 1000}]}, token=token)
    assert status == 200
    assert body["objects"][0]["error"]["code"] == 422 and "maximum" in body["objects"][0]["error"]["message"]
    assert "upload" in body["objects"][1]["actions"]


def test_multipart_upload_with_huggingface_hubs_own_transfer_code(hub_factory, tmp_path):
    """huggingface_hub's lfs_upload: batch with multipart offered, part PUTs without auth, completion, verify."""
    from huggingface_hub import CommitOperationAdd
    from huggingface_hub.lfs import UploadInfo, lfs_upload, post_lfs_batch_info

    hub = hub_factory(env={"MODELHUB_LFS_MULTIPART_CHUNK_SIZE": str(1 << 20)})
    token = hub.create_user("alice")
    hub.create_repo(token, "big")
    content = os.urandom(3 * (1 << 20) + 12345)
    source = tmp_path / "weights.bin"
    source.write_bytes(content)
    operation = CommitOperationAdd(path_in_repo="weights.bin", path_or_fileobj=str(source))
    actions, errors, _ = post_lfs_batch_info(
        upload_infos=[operation.upload_info], token=token, repo_type="model", repo_id="alice/big",
        revision="main", endpoint=hub.url)
    assert errors == []
    header = actions[0]["actions"]["upload"]["header"]
    assert header["chunk_size"] == str(1 << 20) and sorted(k for k in header if k.isdigit()) == ["1", "2", "3", "4"]
    lfs_upload(operation=operation, lfs_batch_action=actions[0], token=token, endpoint=hub.url)

    oid = hashlib.sha256(content).hexdigest()
    assert hub.stored_object(oid) == content
    assert hub.incoming_parts() == []
    # Bound to the repository: a second batch asks for nothing.
    actions, _, _ = post_lfs_batch_info(
        upload_infos=[UploadInfo.from_path(str(source))], token=token, repo_type="model", repo_id="alice/big",
        revision="main", endpoint=hub.url)
    assert "actions" not in actions[0]


def test_multipart_completion_refuses_wrong_or_missing_parts(hub_factory):
    hub = hub_factory(env={"MODELHUB_LFS_MULTIPART_CHUNK_SIZE": str(1 << 20)})
    token = hub.create_user("alice")
    hub.create_repo(token, "big")
    content = os.urandom(2 * (1 << 20) + 1)
    oid = hashlib.sha256(content).hexdigest()
    status, _, body = batch(hub, "alice/big", {"operation": "upload", "transfers": ["basic", "multipart"],
                                               "objects": [{"oid": oid, "size": len(content)}]}, token=token)
    upload = body["objects"][0]["actions"]["upload"]
    parts = [upload["header"][str(n)] for n in (1, 2, 3)]

    def put(url, data):
        out = subprocess.run(["curl", "-s", "-i", "-X", "PUT", "--data-binary", "@-", url],
                             input=data, capture_output=True).stdout.decode(errors="replace")
        return int(out.split()[1]), next((line.split(":", 1)[1].strip() for line in out.splitlines()
                                          if line.lower().startswith("etag:")), None)

    def complete(payload):
        return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                               f"Content-Type: {LFS}", "-d", json.dumps(payload), upload["href"]],
                              capture_output=True, text=True).stdout

    assert put(parts[0], content[: 1 << 20] + b"extra")[0] == 422   # a part larger than chunk_size
    etags = [put(url, content[i << 20:(i + 1) << 20])[1] for i, url in enumerate(parts)]
    assert all(etags)
    listed = [{"partNumber": n + 1, "etag": etag} for n, etag in enumerate(etags)]
    assert complete({"oid": oid, "parts": listed[:2]}) == "422"            # a part missing
    assert complete({"oid": oid, "parts": [dict(listed[0], etag='"nope"')] + listed[1:]}) == "422"
    assert hub.stored_objects() == {}
    assert complete({"oid": oid, "parts": listed}) == "200"
    assert hub.stored_object(oid) == content
