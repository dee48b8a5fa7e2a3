"""Xet, huggingface_hub's default upload path (hf_xet 1.8.0), against a running modelhub.

huggingface_hub reads HF_HUB_DISABLE_XET when it is imported, and conftest.py sets it for the
LFS scenarios, so the unmodified default client runs here in a subprocess of its own, with a
fresh HF_HOME each time (hf_xet keeps a local cache of what it uploaded)."""

import hashlib
import http.client
import json
import os
import pathlib
import random
import re
import struct
import subprocess
import sys
import time
import urllib.parse
import uuid

import pytest


def client(hub, token, tmp_path, script, *args, xet=True, **settings):
    """Runs `script` with the default huggingface_hub pointed at the hub (and `settings` in its
    environment); returns its stdout."""
    env = {name: value for name, value in os.environ.items() if name != "HF_HUB_DISABLE_XET"}
    env.update(settings)
    if not xet:
        env["HF_HUB_DISABLE_XET"] = "1"
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(tmp_path / f"hf-{uuid.uuid4().hex}"),
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    if token:
        env["HF_TOKEN"] = token
    result = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


UPLOAD_FILE = """
import sys
from huggingface_hub import HfApi
api = HfApi()
api.create_repo(sys.argv[1], exist_ok=True)
info = api.upload_file(path_or_fileobj=sys.argv[2], path_in_repo=sys.argv[3], repo_id=sys.argv[1],
                       create_pr=len(sys.argv) > 4)
print(info.pr_revision or "", info.oid)
"""

DOWNLOAD = """
import hashlib, sys
from huggingface_hub import hf_hub_download
path = hf_hub_download(sys.argv[1], sys.argv[2], revision=sys.argv[3] if len(sys.argv) > 3 else None)
print(hashlib.sha256(open(path, "rb").read()).hexdigest())
"""


def weights(path, seed, random_bytes=3_000_000, floats=500_000):
    """Random bytes and a float32 ramp: chunks of every compression scheme hf_xet uses."""
    rng = random.Random(seed)
    data = rng.randbytes(random_bytes) + b"".join(struct.pack("<f", i * 0.25) for i in range(floats))
    path.write_bytes(data)
    return data


def xorbs(hub) -> dict[str, int]:
    """The stored xorbs (name → stored size), wherever the hub keeps them."""
    return hub.stored_xorbs()


def requests(hub):
    """The paths of the requests the server logged (a line per request at debug level; the path
    is logged without its query)."""
    return [match.group(1) for line in hub.log_path.read_text().splitlines() if line.endswith(" request")
            for match in [re.search(r"(?:^|\s)path=(\S+)", line)] if match]


@pytest.fixture
def hub(hub_factory):
    return hub_factory(env={"MODELHUB_LOG_LEVEL": "debug"})


def test_an_upload_goes_through_xet_and_every_client_reads_it_back(hub, alice, git, tmp_path):
    data = weights(tmp_path / "model.bin", seed=1)
    sha = hashlib.sha256(data).hexdigest()
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/xet", str(tmp_path / "model.bin"), "model.bin")
    # The bytes went to the CAS as xorbs, not to the LFS store.
    assert xorbs(hub) and hub.stored_object(sha) is None
    assert any(path.startswith("/xet/v1/xorbs/") for path in requests(hub))
    # hf_xet's first choice, the shard upload with NDJSON progress, is served: no fallback to v1.
    assert "/xet/v2/shards" in requests(hub) and "/xet/v1/shards" not in requests(hub)

    # The default client downloads through Xet: the resolve HEAD names the Xet hash, the CAS
    # answers the reconstruction, the bytes come from signed xorb URLs.
    _, head, _ = hub.api("HEAD", "/alice/xet/resolve/main/model.bin", alice)
    xet_hash = head["X-Xet-Hash"]
    assert len(xet_hash) == 64 and 'rel="xet-auth"' in head["Link"] and "/xet-read-token/" in head["Link"]
    _, _, tree = hub.api("GET", "/api/models/alice/xet/tree/main", alice)
    assert [entry.get("xetHash") for entry in tree if entry["path"] == "model.bin"] == [xet_hash]
    assert [entry.get("xetHash") for entry in tree if entry["path"] == ".gitattributes"] == [None]
    before = len(requests(hub))
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/xet", "model.bin").strip() == sha
    fetched = requests(hub)[before:]
    assert f"/xet/v2/reconstructions/{xet_hash}" in fetched
    assert f"/xet/v1/reconstructions/{xet_hash}" not in fetched
    assert any(path.startswith("/xet/v1/xorb-data/") for path in fetched)
    # With Xet disabled, the same file comes over plain HTTP, rebuilt from the xorbs.
    before = len(requests(hub))
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/xet", "model.bin", xet=False).strip() == sha
    assert not any(path.startswith("/xet/") for path in requests(hub)[before:])
    whole = subprocess.run(["curl", "-sfL", f"{hub.url}/alice/xet/resolve/main/model.bin"], capture_output=True)
    assert hashlib.sha256(whole.stdout).hexdigest() == sha
    for first, last in [(0, 0), (65_530, 200_000), (len(data) - 10, len(data) - 1), (1_000_000, 3_999_999)]:
        part = subprocess.run(["curl", "-sf", "-r", f"{first}-{last}", f"{hub.url}/alice/xet/resolve/main/model.bin"],
                              capture_output=True)
        assert part.stdout == data[first:last + 1], (first, last)
    # git-lfs, through the batch API.
    git("lfs", "install", "--skip-repo")
    git("clone", "-q", hub.remote("alice/xet"), str(tmp_path / "clone"))
    assert (tmp_path / "clone" / "model.bin").read_bytes() == data


def test_upload_folder_and_a_pull_request_through_xet(hub, alice, tmp_path):
    folder = tmp_path / "folder"
    (folder / "shards").mkdir(parents=True)
    files = {
        "shards/a.bin": weights(folder / "shards" / "a.bin", seed=2, random_bytes=2_000_000, floats=300_000),
        "shards/b.bin": weights(folder / "shards" / "b.bin", seed=3, random_bytes=1_500_000, floats=100_000),
        "config.json": b'{"layers": 2}\n',
    }
    (folder / "config.json").write_bytes(files["config.json"])
    client(hub, alice, tmp_path, """
import sys
from huggingface_hub import HfApi
api = HfApi()
api.create_repo("alice/folder")
api.upload_folder(folder_path=sys.argv[1], repo_id="alice/folder")
""", str(folder))
    for path, data in files.items():
        assert client(hub, alice, tmp_path, DOWNLOAD, "alice/folder", path).strip() == hashlib.sha256(data).hexdigest()
    # snapshot_download reads xetHash from the listing and goes to the CAS.
    snapshot = client(hub, alice, tmp_path, """
import hashlib, os, sys
from huggingface_hub import snapshot_download
root = snapshot_download("alice/folder")
for name in ("shards/a.bin", "shards/b.bin", "config.json"):
    print(name, hashlib.sha256(open(os.path.join(root, name), "rb").read()).hexdigest())
""")
    assert snapshot.split() == [part for path in ("shards/a.bin", "shards/b.bin", "config.json")
                                for part in (path, hashlib.sha256(files[path]).hexdigest())]

    # A pull request: huggingface_hub asks for a write token for the revision `None` with create_pr=1.
    proposal = weights(tmp_path / "proposal.bin", seed=4, random_bytes=1_200_000, floats=0)
    revision, _ = client(hub, alice, tmp_path, UPLOAD_FILE, "alice/folder", str(tmp_path / "proposal.bin"),
                         "proposal.bin", "pr").split()
    assert revision == "refs/pr/1"
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/folder", "proposal.bin", revision).strip() \
        == hashlib.sha256(proposal).hexdigest()


def test_a_second_user_uploads_only_what_the_hub_does_not_have(hub, alice, tmp_path):
    """Global dedup: bob's file shares its first 15 MiB with alice's; from a fresh HF_HOME (no
    local cache), his client learns from the CAS which of alice's xorbs hold them, sends less
    than 40% of his file, and the xorb store grows by less than that."""
    first = weights(tmp_path / "first.bin", seed=5, random_bytes=20 << 20, floats=0)
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/base", str(tmp_path / "first.bin"), "model.bin")
    second = first[:15 << 20] + random.Random(6).randbytes(5 << 20)
    (tmp_path / "second.bin").write_bytes(second)
    bob = hub.create_user("bob")
    before = sum(xorbs(hub).values())
    asked = len([path for path in requests(hub) if path.startswith("/xet/v1/chunks/")])
    client(hub, bob, tmp_path, UPLOAD_FILE, "bob/derived", str(tmp_path / "second.bin"), "model.bin")
    grew = sum(xorbs(hub).values()) - before
    assert len([path for path in requests(hub) if path.startswith("/xet/v1/chunks/")]) > asked
    assert grew < 0.4 * len(second), f"the store grew by {grew} bytes for a {len(second)}-byte file"
    # bob's file reads back whole, through Xet and over plain HTTP; alice's is untouched.
    assert client(hub, bob, tmp_path, DOWNLOAD, "bob/derived", "model.bin").strip() == hashlib.sha256(second).hexdigest()
    assert client(hub, bob, tmp_path, DOWNLOAD, "bob/derived", "model.bin", xet=False).strip() \
        == hashlib.sha256(second).hexdigest()
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/base", "model.bin").strip() == hashlib.sha256(first).hexdigest()


@pytest.mark.parametrize("version", ["1", "2"])
def test_each_api_version_hf_xet_can_be_told_to_use_is_served(hub, alice, tmp_path, version):
    """HF_XET_CLIENT_SHARD_API_VERSION and HF_XET_CLIENT_RECONSTRUCTION_API_VERSION pin hf_xet to
    one version of the shard upload and of the reconstruction query: each works on its own."""
    data = weights(tmp_path / "model.bin", seed=10 + int(version), random_bytes=1_500_000, floats=200_000)
    other = "1" if version == "2" else "2"
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/pinned", str(tmp_path / "model.bin"), "model.bin",
           HF_XET_CLIENT_SHARD_API_VERSION=version)
    assert f"/xet/v{version}/shards" in requests(hub) and f"/xet/v{other}/shards" not in requests(hub)
    before = len(requests(hub))
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/pinned", "model.bin",
                  HF_XET_CLIENT_RECONSTRUCTION_API_VERSION=version).strip() == hashlib.sha256(data).hexdigest()
    asked = [path.rsplit("/", 1)[0] for path in requests(hub)[before:] if "/reconstructions/" in path]
    assert asked and set(asked) == {f"/xet/v{version}/reconstructions"}


def test_a_v2_reconstruction_asks_one_url_for_several_ranges_of_a_xorb(hub, alice, tmp_path):
    """A file made of two distant parts of an earlier file (found by global dedup) needs two
    byte ranges of one xorb: v2 gives one URL for both, which answers a two-range `Range` with
    `multipart/byteranges`; hf_xet rebuilds the file from it."""
    first = weights(tmp_path / "first.bin", seed=20, random_bytes=12 << 20, floats=0)
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/parts", str(tmp_path / "first.bin"), "first.bin")
    second = first[:4 << 20] + random.Random(21).randbytes(2 << 20) + first[8 << 20:]
    (tmp_path / "second.bin").write_bytes(second)
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/parts", str(tmp_path / "second.bin"), "second.bin")
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/parts", "second.bin").strip() \
        == hashlib.sha256(second).hexdigest()

    _, head, _ = hub.api("HEAD", "/alice/parts/resolve/main/second.bin", alice)
    _, _, read = hub.api("GET", "/api/models/alice/parts/xet-read-token/main", alice)
    answer = subprocess.run(["curl", "-sf", "-H", f"Authorization: Bearer {read['accessToken']}",
                             f"{hub.url}/xet/v2/reconstructions/{head['X-Xet-Hash']}"], capture_output=True)
    plan = json.loads(answer.stdout)
    fetches = [fetch for entries in plan["xorbs"].values() for fetch in entries if len(fetch["ranges"]) > 1]
    assert fetches, plan["xorbs"]
    fetch = fetches[0]
    ranges = ",".join(f"{r['bytes']['start']}-{r['bytes']['end']}" for r in fetch["ranges"])
    reply = subprocess.run(["curl", "-s", "-D", "-", "-H", f"Range: bytes={ranges}", fetch["url"]], capture_output=True)
    head_text, _, body = reply.stdout.partition(b"\r\n\r\n")
    assert head_text.startswith(b"HTTP/1.1 206") and b"multipart/byteranges; boundary=" in head_text
    boundary = head_text.split(b"boundary=")[1].split(b"\r\n")[0]
    parts = [part for part in body.split(b"--" + boundary) if part.strip(b"-\r\n")]
    assert len(parts) == len(fetch["ranges"])
    for part, described in zip(parts, fetch["ranges"]):
        headers, _, data = part.partition(b"\r\n\r\n")
        start, end = described["bytes"]["start"], described["bytes"]["end"]
        assert f"Content-Range: bytes {start}-{end}/*".encode() in headers
        assert len(data) == end - start + 1 + 2  # the part's bytes, then CRLF
    # One range outside the signed windows, or a URL with its windows widened, is refused.
    outside = f"bytes={fetch['ranges'][0]['bytes']['start']}-{fetch['ranges'][-1]['bytes']['end']}"
    assert subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Range: {outside}",
                           fetch["url"]], capture_output=True).stdout == b"403"
    widened = fetch["url"].replace("windows=", "windows=0-1,", 1)
    assert subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", widened],
                          capture_output=True).stdout == b"403"


def test_xet_tokens_follow_repository_access(hub, alice):
    hub.create_repo(alice, "open")
    hub.create_repo(alice, "closed", visibility="private")
    bob = hub.create_user("bob")
    status, headers, body = hub.api("GET", "/api/models/alice/open/xet-write-token/main", alice)
    assert status == 200 and body["casUrl"] == f"{hub.url}/xet" and body["accessToken"].startswith("xet_")
    assert headers["X-Xet-Access-Token"] == body["accessToken"] and headers["X-Xet-Cas-Url"] == body["casUrl"]
    assert int(headers["X-Xet-Token-Expiration"]) == body["exp"]
    # A reader gets a read token, not a write token, except to propose a pull request.
    assert hub.api("GET", "/api/models/alice/open/xet-read-token/main", bob)[0] == 200
    assert hub.api("GET", "/api/models/alice/open/xet-write-token/main", bob)[0] == 403
    assert hub.api("GET", "/api/models/alice/open/xet-write-token/None?create_pr=1", bob)[0] == 200
    # A private repository is missing to a stranger; anonymous callers read public ones only.
    assert hub.api("GET", "/api/models/alice/closed/xet-read-token/main", bob)[0] == 404
    assert hub.api("GET", "/api/models/alice/open/xet-read-token/main")[0] == 200
    assert hub.api("GET", "/api/models/alice/open/xet-write-token/main")[0] == 401


def test_the_cas_refuses_bad_tokens_and_objects_it_cannot_verify(hub, alice):
    hub.create_repo(alice, "open")
    _, _, write = hub.api("GET", "/api/models/alice/open/xet-write-token/main", alice)
    _, _, read = hub.api("GET", "/api/models/alice/open/xet-read-token/main", alice)
    name = "00" * 32

    def post(path, token, body):
        return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                               *(["-H", f"Authorization: Bearer {token}"] if token else []),
                               "--data-binary", "@-", f"{hub.url}/xet{path}"],
                              input=body, capture_output=True).stdout.decode()

    assert post(f"/v1/xorbs/default/{name}", None, b"x") == "401"
    assert post(f"/v1/xorbs/default/{name}", "xet_forged.token", b"x") == "401"
    assert post(f"/v1/xorbs/default/{name}", read["accessToken"], b"x") == "403"
    # A chunk of 5 stored bytes, sent under a hash that is not its own.
    chunk = bytes([0, 5, 0, 0, 0, 5, 0, 0]) + b"hello"
    assert post(f"/v1/xorbs/default/{name}", write["accessToken"], chunk) == "400"
    assert post(f"/v1/xorbs/default/{name}", write["accessToken"], b"\x00\x01") == "400"
    assert post("/v1/shards", write["accessToken"], b"not a shard") == "400"
    assert not xorbs(hub)
    assert post(f"/v1/xorb-grants/default/{name}", write["accessToken"], b"{}") == "404"
    assert post("/v2/shards", write["accessToken"], b"not a shard") == "400"


PREUPLOAD = """
import sys
from huggingface_hub import CommitOperationAdd, HfApi
HfApi().preupload_lfs_files(sys.argv[1], additions=[CommitOperationAdd(sys.argv[3], sys.argv[2])])
"""

DELETE_REPO = """
import sys
from huggingface_hub import HfApi
HfApi().delete_repo(sys.argv[1])
"""


def xorb_names(hub):
    return set(xorbs(hub))


def test_deleted_repositories_and_abandoned_uploads_are_reclaimed_by_gc(hub, alice, tmp_path):
    """`modelhub gc`, while the server runs: a xorb stays while any file still bound to a
    repository needs it (here one shared through dedup), and goes when none does; an upload
    whose commit never came is swept."""
    first = weights(tmp_path / "a.bin", seed=30, random_bytes=6 << 20, floats=0)
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/a", str(tmp_path / "a.bin"), "model.bin")
    of_a = xorb_names(hub)
    shared = first[:3 << 20] + random.Random(31).randbytes(2 << 20)
    (tmp_path / "c.bin").write_bytes(shared)
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/c", str(tmp_path / "c.bin"), "model.bin")
    of_c = xorb_names(hub) - of_a
    other = weights(tmp_path / "b.bin", seed=32, random_bytes=1 << 20, floats=100_000)
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/b", str(tmp_path / "b.bin"), "model.bin")
    of_b = xorb_names(hub) - of_a - of_c
    weights(tmp_path / "p.bin", seed=33, random_bytes=1 << 20, floats=0)
    client(hub, alice, tmp_path, PREUPLOAD, "alice/b", str(tmp_path / "p.bin"), "never-committed.bin")
    abandoned = xorb_names(hub) - of_a - of_b - of_c
    assert of_a and of_b and of_c and abandoned
    # usedStorage counts each repository's files at their full size, shared chunks or not (plus
    # its git objects).
    for name, size in (("a", len(first)), ("c", len(shared))):
        _, _, info = hub.api("GET", f"/api/models/alice/{name}?expand=usedStorage", alice)
        assert size <= info["usedStorage"] < size + 100_000, (name, info)

    # Within the grace period (the default, a week) nothing goes; a grace period that is not one
    # is refused with one line.
    assert hub.admin("gc").stdout.startswith("deleted 0 xorbs")
    for bad in ("1e308d", "-1h", "7", "soon"):
        refused = hub.admin("gc", "--grace", bad, check=False)
        assert refused.returncode != 0 and "--grace" in refused.stderr, (bad, refused.stderr)
    client(hub, alice, tmp_path, DELETE_REPO, "alice/a")
    dry = hub.admin("gc", "--grace", "0", "--dry-run").stdout
    assert xorb_names(hub) == of_a | of_b | of_c | abandoned
    done = hub.admin("gc", "--grace", "0").stdout
    assert dry.replace("would delete", "deleted").replace("would unbind", "unbound").replace(
        "would note", "noted").replace("would run", "ran") == done
    assert done.startswith(f"deleted {len(abandoned)} xorbs") and "2 Xet files" in done and "unbound 1 " in done
    # alice/c still needs the part of a's xorb it shares.
    assert xorb_names(hub) == of_a | of_b | of_c
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/c", "model.bin").strip() == hashlib.sha256(shared).hexdigest()
    whole = subprocess.run(["curl", "-sfL", "-H", f"Authorization: Bearer {alice}",
                            f"{hub.url}/alice/c/resolve/main/model.bin"], capture_output=True)
    assert whole.stdout == shared

    client(hub, alice, tmp_path, DELETE_REPO, "alice/c")
    assert hub.admin("gc", "--grace", "0").stdout.startswith(f"deleted {len(of_a | of_c)} xorbs")
    assert xorb_names(hub) == of_b
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/b", "model.bin").strip() == hashlib.sha256(other).hexdigest()


FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "HubTesting" / "XetFixtures"
MIXED_XORB = "e00883b26c6c527952cfa2aeca2b3333409ab5b876b6e42ec364e729704d777a"


def test_a_crash_in_the_middle_of_a_xorb_leaves_nothing_and_the_retry_succeeds(hub_factory):
    hub = hub_factory()
    alice = hub.create_user("alice")
    hub.create_repo(alice, "crash")
    _, _, write = hub.api("GET", "/api/models/alice/crash/xet-write-token/main", alice)
    body = (FIXTURES / "mixed.xorb").read_bytes()
    url = urllib.parse.urlsplit(hub.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.putrequest("POST", f"/xet/v1/xorbs/default/{MIXED_XORB}")
    connection.putheader("Authorization", f"Bearer {write['accessToken']}")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    connection.send(body[:len(body) // 2])
    time.sleep(0.3)
    hub.kill()
    connection.close()
    assert not xorbs(hub)
    hub.start()
    assert not xorbs(hub) and hub.writes_in_flight() == []
    _, _, write = hub.api("GET", "/api/models/alice/crash/xet-write-token/main", alice)
    sent = subprocess.run(["curl", "-sf", "-X", "POST", "-H", f"Authorization: Bearer {write['accessToken']}",
                           "--data-binary", f"@{FIXTURES / 'mixed.xorb'}",
                           f"{hub.url}/xet/v1/xorbs/default/{MIXED_XORB}"], capture_output=True)
    assert json.loads(sent.stdout) == {"was_inserted": True}
    assert xorb_names(hub) == {MIXED_XORB}


def test_a_crash_while_a_shard_registers_leaves_nothing_half_written(hub_factory, tmp_path):
    """The server is killed as hf_xet's shard arrives (the files are then being checked, an
    SHA-256 pass over all their bytes): after a restart the file is either wholly registered or
    not at all, and the upload, tried again, succeeds."""
    hub = hub_factory(env={"MODELHUB_LOG_LEVEL": "debug"})
    alice = hub.create_user("alice")
    data = weights(tmp_path / "big.bin", seed=40, random_bytes=48 << 20, floats=0)
    env = {name: value for name, value in os.environ.items() if name != "HF_HUB_DISABLE_XET"}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(tmp_path / "hf-crash"), HF_TOKEN=alice,
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    upload = subprocess.Popen([sys.executable, "-c", UPLOAD_FILE, "alice/big", str(tmp_path / "big.bin"), "big.bin"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "/xet/v2/shards" not in requests(hub) and upload.poll() is None:
        time.sleep(0.005)
    assert "/xet/v2/shards" in requests(hub)
    hub.kill()
    upload.kill()
    upload.wait()
    hub.start()
    # Not committed: the file is not in the repository, and the hub is consistent (the fixture
    # checks its invariants at the end).
    assert hub.api("HEAD", "/alice/big/resolve/main/big.bin", alice)[0] == 404
    client(hub, alice, tmp_path, UPLOAD_FILE, "alice/big", str(tmp_path / "big.bin"), "big.bin")
    assert client(hub, alice, tmp_path, DOWNLOAD, "alice/big", "big.bin").strip() == hashlib.sha256(data).hexdigest()
