"""The S3 blob store against a real S3 server (SeaweedFS, started by .ci/with-seaweedfs): what a
user of a hub whose weights live in a bucket sees. The rest of the suite also runs against it."""

import hashlib
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest
from huggingface_hub import HfApi, hf_hub_download

from hubprocess import S3_BUCKET, S3_ENDPOINT, s3_client

pytestmark = pytest.mark.skipif(S3_ENDPOINT is None, reason="needs an S3 server: run under .ci/with-seaweedfs")


def upload(hub, token, repo, name, content, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    HfApi(endpoint=hub.url, token=token).upload_file(
        path_or_fileobj=str(path), path_in_repo=name, repo_id=repo)


def head(url, token=None):
    request = urllib.request.Request(url, method="HEAD")
    if token:
        request.add_header("Authorization", f"Bearer {token}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_downloads_are_redirected_to_the_bucket_and_come_back_whole(hub, alice, tmp_path):
    hub.create_repo(alice, "weights", private=True)
    content = os.urandom(12 << 20)  # past one S3 part: stored through a multipart upload
    upload(hub, alice, "alice/weights", "model.safetensors", content, tmp_path)
    oid = hashlib.sha256(content).hexdigest()
    assert hub.stored_object(oid) == content

    url = f"{hub.url}/alice/weights/resolve/main/model.safetensors"
    status, headers = head(url, alice)
    assert status == 302
    location = headers["Location"]
    assert location.startswith(S3_ENDPOINT + f"/{S3_BUCKET}/") and "X-Amz-Signature=" in location
    assert headers["X-Linked-Size"] == str(len(content)) and headers["X-Linked-Etag"] == f'"{oid}"'
    # A stranger gets the private repository's 404, not a URL.
    assert head(url)[0] in (401, 404)

    # huggingface_hub follows the redirect (without sending its token to the bucket).
    downloaded = hf_hub_download("alice/weights", "model.safetensors", endpoint=hub.url, token=alice,
                                 cache_dir=tmp_path / "cache")
    assert open(downloaded, "rb").read() == content
    # The presigned URL serves ranges and names the file for a browser.
    ranged = subprocess.run(["curl", "-s", "-f", "-D", "-", "-o", str(tmp_path / "tail"), "-H", "Range: bytes=-100",
                             location], capture_output=True, text=True)
    assert ranged.returncode == 0 and (tmp_path / "tail").read_bytes() == content[-100:]
    assert "model.safetensors" in ranged.stdout.lower()
    # Tampered with, it is refused by the bucket.
    forged = location.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200")
    assert subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", forged],
                          capture_output=True, text=True).stdout == "403"


def test_git_lfs_fetches_straight_from_the_bucket(hub, alice, git, tmp_path):
    hub.create_repo(alice, "weights")
    content = os.urandom(3 << 20)
    upload(hub, alice, "alice/weights", "model.bin", content, tmp_path)
    oid = hashlib.sha256(content).hexdigest()
    request = urllib.request.Request(
        f"{hub.url}/alice/weights.git/info/lfs/objects/batch", method="POST",
        data=json.dumps({"operation": "download", "objects": [{"oid": oid, "size": len(content)}]}).encode(),
        headers={"Authorization": f"Bearer {alice}", "Content-Type": "application/vnd.git-lfs+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        action = json.loads(response.read())["objects"][0]["actions"]["download"]
    assert action["href"].startswith(S3_ENDPOINT) and "header" not in action
    git("lfs", "install", "--skip-repo")
    git("clone", "-q", hub.remote("alice/weights", "alice", alice), str(tmp_path / "clone"))
    assert (tmp_path / "clone" / "model.bin").read_bytes() == content


def test_with_presigned_downloads_off_the_hub_streams_the_bytes(hub_factory, tmp_path):
    hub = hub_factory(env={
        "MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": S3_ENDPOINT, "MODELHUB_S3_BUCKET": S3_BUCKET,
        "MODELHUB_S3_PREFIX": f"test-{os.urandom(8).hex()}/", "MODELHUB_S3_PRESIGNED_DOWNLOADS": "false"})
    token = hub.create_user("alice")
    hub.create_repo(token, "weights")
    content = os.urandom(2 << 20)
    upload(hub, token, "alice/weights", "model.bin", content, tmp_path)
    url = f"{hub.url}/alice/weights/resolve/main/model.bin"
    status, headers = head(url)
    assert status == 200 and headers["Content-Length"] == str(len(content)) and "Location" not in headers
    body = subprocess.run(["curl", "-s", "-f", "-H", "Range: bytes=10-19", url], capture_output=True).stdout
    assert body == content[10:20]


def test_an_upload_that_is_not_its_object_leaves_nothing_in_the_bucket(hub, alice):
    hub.create_repo(alice, "weights")
    content = os.urandom(20 << 20)
    oid = hashlib.sha256(content).hexdigest()
    request = urllib.request.Request(
        f"{hub.url}/alice/weights.git/info/lfs/objects/batch", method="POST",
        data=json.dumps({"operation": "upload", "transfers": ["basic"],
                         "objects": [{"oid": oid, "size": len(content)}]}).encode(),
        headers={"Authorization": f"Bearer {alice}", "Content-Type": "application/vnd.git-lfs+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        href = json.loads(response.read())["objects"][0]["actions"]["upload"]["href"]
    corrupted = content[:-1] + bytes([content[-1] ^ 1])
    put = urllib.request.Request(href, data=corrupted, method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(put, timeout=60)
    assert refused.value.code == 422
    assert hub.stored_objects() == {}
    # The multipart upload the hub began was aborted, not left to linger.
    prefix = hub.env["MODELHUB_S3_PREFIX"]
    uploads = s3_client().list_multipart_uploads(Bucket=S3_BUCKET, Prefix=prefix).get("Uploads", [])
    assert uploads == []
    with urllib.request.urlopen(urllib.request.Request(href, data=content, method="PUT"), timeout=60) as response:
        assert response.status == 200
    assert hub.stored_object(oid) == content


def local_hub_with_a_bucket(hub_factory):
    """A hub on its local store whose configuration also names a bucket (as before a
    migration), with alice's repository alice/weights; returns the hub, her token, the settings."""
    bucket = {"MODELHUB_S3_ENDPOINT": S3_ENDPOINT, "MODELHUB_S3_BUCKET": S3_BUCKET,
              "MODELHUB_S3_PREFIX": f"test-{os.urandom(8).hex()}/"}
    local = hub_factory(env={"MODELHUB_BLOB_STORE": "local", **bucket})
    token = local.create_user("alice")
    local.create_repo(token, "weights")
    return local, token, bucket


def test_migrate_storage_copies_a_hubs_objects_and_switches_nothing(hub_factory, tmp_path):
    from test_xet import DOWNLOAD, UPLOAD_FILE, client, weights

    local, token, bucket = local_hub_with_a_bucket(hub_factory)
    content = os.urandom(3 << 20)
    upload(local, token, "alice/weights", "model.bin", content, tmp_path)
    xet_file = weights(tmp_path / "xet.bin", seed=3)
    client(local, token, tmp_path, UPLOAD_FILE, "alice/weights", str(tmp_path / "xet.bin"), "xet.bin")
    assert local.stored_xorbs()

    copied = local.admin("migrate-storage")
    assert copied.stdout.startswith("copied 1 LFS objects") and "0 were already in the bucket" in copied.stdout
    again = local.admin("migrate-storage")
    assert f"{1 + len(local.stored_xorbs())} were already in the bucket" in again.stdout
    # Nothing switched: the running hub still serves from its data folder.
    status, headers = head(f"{local.url}/alice/weights/resolve/main/model.bin")
    assert status == 200 and "Location" not in headers
    local.stop()

    # The same data folder on the bucket: every file reads back, through LFS and through Xet.
    moved = hub_factory(env={"MODELHUB_BLOB_STORE": "s3", **bucket, **local.index_env}, workdir=local.workdir)
    downloaded = hf_hub_download("alice/weights", "model.bin", endpoint=moved.url, token=token,
                                 cache_dir=tmp_path / "cache")
    assert open(downloaded, "rb").read() == content
    assert client(moved, token, tmp_path, DOWNLOAD, "alice/weights", "xet.bin").strip() \
        == hashlib.sha256(xet_file).hexdigest()


def test_migrate_storage_refuses_a_damaged_object_and_copies_none_of_it(hub_factory, tmp_path):
    local, token, bucket = local_hub_with_a_bucket(hub_factory)
    content = os.urandom(1 << 20)
    upload(local, token, "alice/weights", "model.bin", content, tmp_path)
    oid = hashlib.sha256(content).hexdigest()
    stored = local.data_dir / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
    damaged = bytearray(stored.read_bytes())
    damaged[100] ^= 1
    stored.write_bytes(bytes(damaged))
    try:
        result = local.admin("migrate-storage", check=False)
    finally:
        stored.write_bytes(content)  # restored, so the end-of-test invariants hold
    assert result.returncode == 1 and "is not the LFS object its name says" in result.stderr
    listed = s3_client().list_objects_v2(Bucket=S3_BUCKET, Prefix=bucket["MODELHUB_S3_PREFIX"])
    assert listed.get("KeyCount", 0) == 0
