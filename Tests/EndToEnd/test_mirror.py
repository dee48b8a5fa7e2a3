"""A pull-through mirror (`upstreamURL`): a second modelhub on loopback is the upstream hub, and
the unmodified huggingface_hub, curl and git read its repositories through the mirror. Each file
is fetched from upstream once (counted from the upstream's request log), what was fetched is
served with upstream stopped, and a namespace that exists on the mirror is never looked up."""

import concurrent.futures
import hashlib
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

README = b"---\nlicense: mit\npipeline_tag: text-classification\n---\n# Bert, mirrored\n"


def requests(hub) -> list[str]:
    """The paths of the requests a hub logged (a line per request at debug level)."""
    return [match.group(1) for line in hub.log_path.read_text().splitlines() if line.endswith(" request")
            for match in [re.search(r"(?:^|\s)path=(\S+)", line)] if match]


def object_fetches(upstream) -> int:
    """How many Git LFS batch requests reached the upstream hub since the mirror started (the
    mirror asks one per object it fetches)."""
    return sum(1 for path in requests(upstream)[upstream.seen:] if path.endswith("/info/lfs/objects/batch"))


def get(url: str, token: str | None = None, timeout: float = 60) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def upstream(hub_factory):
    """The upstream hub: alice's alice/bert, with an LFS file, a branch and a tag."""
    hub = hub_factory(embedded=True, env={"MODELHUB_LOG_LEVEL": "debug"}, workdir=None)
    token = hub.create_user("alice")
    api = HfApi(endpoint=hub.url, token=token)
    api.create_repo("alice/bert")
    api.upload_file(path_or_fileobj=README, path_in_repo="README.md", repo_id="alice/bert")
    api.upload_file(path_or_fileobj=b'{"hidden_size": 8}', path_in_repo="config.json", repo_id="alice/bert")
    weights = os.urandom(3_000_000)
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.safetensors", repo_id="alice/bert")
    api.create_branch("alice/bert", branch="dev")
    api.create_tag("alice/bert", tag="v1")
    hub.alice = token
    hub.weights = weights
    return hub


def mirror_of(hub_factory, upstream, **env):
    """A hub mirroring `upstream`; what upstream logged before it is left out of the counts."""
    upstream.seen = len(requests(upstream))
    return hub_factory(env={"MODELHUB_UPSTREAM_URL": upstream.url, "MODELHUB_LOG_LEVEL": "debug", **env})


def test_huggingface_hub_reads_an_upstream_repository_through_the_mirror_and_each_file_is_fetched_once(
        hub_factory, upstream, git, tmp_path):
    mirror = mirror_of(hub_factory, upstream)
    path = hf_hub_download("alice/bert", "model.safetensors", endpoint=mirror.url, cache_dir=tmp_path / "c1", token=False)
    assert open(path, "rb").read() == upstream.weights
    assert object_fetches(upstream) == 1
    # The second download never reaches upstream.
    again = hf_hub_download("alice/bert", "model.safetensors", endpoint=mirror.url, cache_dir=tmp_path / "c2", token=False)
    assert open(again, "rb").read() == upstream.weights
    snapshot = snapshot_download("alice/bert", endpoint=mirror.url, cache_dir=tmp_path / "c3", token=False)
    assert open(os.path.join(snapshot, "model.safetensors"), "rb").read() == upstream.weights
    assert open(os.path.join(snapshot, "README.md"), "rb").read() == README
    assert object_fetches(upstream) == 1

    mirrored = HfApi(endpoint=mirror.url, token=False)
    source = HfApi(endpoint=upstream.url, token=upstream.alice)
    info = mirrored.model_info("alice/bert")
    assert info.sha == source.model_info("alice/bert").sha
    assert info.card_data["license"] == "mit" and info.pipeline_tag == "text-classification"
    refs = mirrored.list_repo_refs("alice/bert")
    assert {branch.name for branch in refs.branches} == {"main", "dev"} and [tag.name for tag in refs.tags] == ["v1"]
    assert open(hf_hub_download("alice/bert", "config.json", revision="v1", endpoint=mirror.url,
                                cache_dir=tmp_path / "c4", token=False), "rb").read() == b'{"hidden_size": 8}'
    # Marked as a mirror in the API.
    status, _, body = mirror.api("GET", "/api/models/alice/bert")
    assert status == 200 and body["mirror"]["pinned"] is False
    status, page, _ = get(f"{mirror.url}/alice/bert")
    assert status == 200 and b'class="badge" title="A read-only copy of a repository of the upstream hub' in page

    # Read-only, even for a user of the mirror.
    carol = mirror.create_user("carol")
    with pytest.raises(HfHubHTTPError) as refused:
        HfApi(endpoint=mirror.url, token=carol).upload_file(
            path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/bert")
    assert refused.value.response.status_code == 403 and "read-only mirror" in str(refused.value)

    # git clones the mirror, and git-lfs gets the weights from it.
    git("lfs", "install", "--skip-repo")
    clone = tmp_path / "clone"
    git("clone", "-q", mirror.remote("alice/bert"), str(clone))
    assert (clone / "model.safetensors").read_bytes() == upstream.weights
    assert object_fetches(upstream) == 1


def test_32_first_downloads_of_one_file_at_once_fetch_it_from_upstream_once(hub_factory, upstream, tmp_path):
    big = os.urandom(24_000_000)
    HfApi(endpoint=upstream.url, token=upstream.alice).upload_file(
        path_or_fileobj=big, path_in_repo="big.bin", repo_id="alice/bert")
    mirror = mirror_of(hub_factory, upstream)
    url = f"{mirror.url}/alice/bert/resolve/main/big.bin"
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda _: get(url), range(32)))
    assert [status for status, _, _ in answers] == [200] * 32
    assert all(hashlib.sha256(body).digest() == hashlib.sha256(big).digest() for _, body, _ in answers)
    # One fetch per instance at most (a cluster's two instances each fetch what they are asked
    # for first): here, two behind the proxy, or one.
    assert 1 <= object_fetches(upstream) <= len(mirror.instance_urls)
    # A range of the stored object, and of the one being fetched, are the same bytes.
    request = urllib.request.Request(url, headers={"Range": "bytes=1000-1999"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 206 and response.read() == big[1000:2000]
    # model.safetensors was never downloaded here: upstream's, not damage.
    assert mirror.admin("fsck", "--objects", check=False).returncode == 0


def test_with_upstream_stopped_what_was_fetched_is_served_and_the_rest_is_a_clear_502(hub_factory, upstream, tmp_path):
    HfApi(endpoint=upstream.url, token=upstream.alice).upload_file(
        path_or_fileobj=os.urandom(500_000), path_in_repo="other.bin", repo_id="alice/bert")
    mirror = mirror_of(hub_factory, upstream, MODELHUB_UPSTREAM_METADATA_TTL="0")
    path = hf_hub_download("alice/bert", "model.safetensors", endpoint=mirror.url, cache_dir=tmp_path / "c1", token=False)
    assert open(path, "rb").read() == upstream.weights
    assert upstream.stop() == 0

    # Stale (a TTL of 0) and upstream gone: served as it is, without waiting for upstream.
    started = time.monotonic()
    status, body, _ = get(f"{mirror.url}/alice/bert/resolve/main/model.safetensors")
    assert status == 200 and body == upstream.weights
    again = hf_hub_download("alice/bert", "model.safetensors", endpoint=mirror.url, cache_dir=tmp_path / "c2", token=False)
    assert open(again, "rb").read() == upstream.weights
    assert HfApi(endpoint=mirror.url, token=False).model_info("alice/bert").sha
    # Never fetched: a 502 that says so, in seconds.
    status, body, headers = get(f"{mirror.url}/alice/bert/resolve/main/other.bin")
    assert status == 502 and "upstream hub" in headers["X-Error-Message"]
    status, _, headers = get(f"{mirror.url}/api/models/someone/else")
    assert status == 502 and "upstream hub did not answer" in headers["X-Error-Message"]
    assert time.monotonic() - started < 20


def test_a_namespace_of_the_mirror_is_never_looked_up_upstream(hub_factory, upstream, tmp_path):
    mirror = mirror_of(hub_factory, upstream)
    mirror.create_user("alice")
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=mirror.url, token=False).model_info("alice/bert")
    status, _, _ = get(f"{mirror.url}/alice/bert/resolve/main/README.md")
    assert status == 404
    assert requests(upstream)[upstream.seen:] == []
    # A repository upstream does not have is a plain 404, asked once for the TTL.
    status, _, headers = get(f"{mirror.url}/api/models/nobody/nothing")
    assert status == 404 and headers.get("X-Error-Code") == "RepoNotFound"
    for _ in range(3):
        get(f"{mirror.url}/api/models/nobody/nothing")
    # Asked once per instance for the TTL.
    asked = requests(upstream)[upstream.seen:]
    assert set(asked) == {"/api/models/nobody/nothing"} and len(asked) <= len(mirror.instance_urls)


def test_private_upstream_repositories_are_mirrored_with_the_upstream_token_for_signed_in_users(
        hub_factory, upstream, tmp_path):
    source = HfApi(endpoint=upstream.url, token=upstream.alice)
    source.create_repo("alice/secret", private=True)
    source.upload_file(path_or_fileobj=b"weights", path_in_repo="w.txt", repo_id="alice/secret")
    without = mirror_of(hub_factory, upstream)
    status, _, _ = get(f"{without.url}/alice/secret/resolve/main/w.txt")
    assert status == 404

    mirror = mirror_of(hub_factory, upstream, MODELHUB_UPSTREAM_TOKEN=upstream.alice)
    carol = mirror.create_user("carol")
    status, body, _ = get(f"{mirror.url}/alice/secret/resolve/main/w.txt", token=carol)
    assert status == 200 and body == b"weights"
    # Private upstream stays private here: a stranger without credentials sees nothing.
    status, _, _ = get(f"{mirror.url}/alice/secret/resolve/main/w.txt")
    assert status == 404


def test_a_repository_deleted_upstream_goes_unless_pinned(hub_factory, upstream, tmp_path):
    source = HfApi(endpoint=upstream.url, token=upstream.alice)
    source.create_repo("alice/kept")
    mirror = mirror_of(hub_factory, upstream, MODELHUB_UPSTREAM_METADATA_TTL="0")
    api = HfApi(endpoint=mirror.url, token=False)
    api.model_info("alice/bert")
    api.model_info("alice/kept")
    assert "pinned the mirror of alice/kept" in mirror.admin("mirror", "pin", "alice/kept").stdout
    source.delete_repo("alice/bert")
    source.delete_repo("alice/kept")
    # The first request after the TTL refreshes in the background; the mirror goes a moment later.
    deadline = time.monotonic() + 20
    gone = False
    while time.monotonic() < deadline and not gone:
        try:
            api.model_info("alice/bert")
            time.sleep(0.2)
        except RepositoryNotFoundError:
            gone = True
    assert gone
    assert api.model_info("alice/kept").id == "alice/kept"
    assert "dropped the mirror of alice/kept" in mirror.admin("mirror", "drop", "alice/kept").stdout
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("alice/kept")


def test_a_gated_upstream_repository_is_served_only_through_a_token_upstream_let_in(hub_factory, upstream, tmp_path):
    source = HfApi(endpoint=upstream.url, token=upstream.alice)
    # Mirrored before the gate: its files stop coming once upstream gates it (a clear 403, not a 502).
    before = mirror_of(hub_factory, upstream)
    assert HfApi(endpoint=before.url, token=False).model_info("alice/bert").sha
    source.update_repo_settings("alice/bert", gated="manual")
    status, _, headers = get(f"{before.url}/alice/bert/resolve/main/model.safetensors")
    assert status == 403 and "gated on the upstream hub" in headers["X-Error-Message"]
    # Not mirrored yet, and the mirror's token was not let in: a 403 that says why.
    without = mirror_of(hub_factory, upstream)
    status, _, headers = get(f"{without.url}/api/models/alice/bert")
    assert status == 403 and "gated on the upstream hub" in headers["X-Error-Message"]
    # With the token of an upstream account alice let in, the mirror serves it.
    carol = upstream.create_user("carol")
    source.grant_access("alice/bert", "carol")
    mirror = mirror_of(hub_factory, upstream, MODELHUB_UPSTREAM_TOKEN=carol)
    path = hf_hub_download("alice/bert", "model.safetensors", endpoint=mirror.url, cache_dir=tmp_path / "c", token=False)
    assert open(path, "rb").read() == upstream.weights
