"""What lets several modelhub instances stand behind one load balancer."""

import hashlib
import http.client
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest
from huggingface_hub import HfApi, hf_hub_download

from hubprocess import CLUSTER, Git, HubProcess, fresh_postgres_database
from test_crashes_and_races import clone_and_commit_random_files, repeated_block, wait_for

cluster_only = pytest.mark.skipif(not CLUSTER, reason="needs the cluster run: PostgreSQL and two instances "
                                  "(MODELHUB_TEST_CLUSTER=1 under .ci/with-postgres)")


def upload_href(hub, token, repo, content, oid=None, size=None):
    oid = oid or hashlib.sha256(content).hexdigest()
    size = len(content) if size is None else size
    request = urllib.request.Request(
        f"{hub.url}/{repo}.git/info/lfs/objects/batch", method="POST",
        data=json.dumps({"operation": "upload", "transfers": ["basic"],
                         "objects": [{"oid": oid, "size": size}]}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.git-lfs+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["objects"][0]["actions"]["upload"]["href"]


def put(url, content):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=content, method="PUT"), timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def two_hubs(hub_factory, env):
    hubs = [hub_factory(env=env), hub_factory(env=env)]
    tokens = [hub.create_user("alice") for hub in hubs]
    for hub, token in zip(hubs, tokens):
        hub.create_repo(token, "weights")
    return hubs, tokens[0]


def test_a_transfer_url_one_instance_signed_is_accepted_by_another_sharing_the_secret(hub_factory):
    secret = os.urandom(24).hex()
    (first, second), token = two_hubs(hub_factory, {"MODELHUB_SIGNING_SECRET": secret})
    content = os.urandom(1 << 20)
    href = upload_href(first, token, "alice/weights", content)
    assert put(href.replace(first.url, second.url), content) == 200
    assert second.stored_object(hashlib.sha256(content).hexdigest()) == content


def test_without_a_shared_secret_each_instance_refuses_the_others_urls(hub_factory):
    (first, second), token = two_hubs(hub_factory, {})
    content = os.urandom(1 << 20)
    href = upload_href(first, token, "alice/weights", content)
    assert put(href.replace(first.url, second.url), content) == 403
    assert second.stored_object(hashlib.sha256(content).hexdigest()) is None


# --- a cluster: two instances on one index and one data folder --------------------------------

def instance(hub: HubProcess, which: int) -> str:
    return hub.instance_urls[which]


@cluster_only
def test_what_one_instance_writes_the_other_serves_at_once(hub: HubProcess, alice: str, git: Git, tmp_path):
    first, second = hub.instance_urls
    hub.create_repo(alice, "shared")
    clone = tmp_path / "clone"
    git("clone", "-q", f"{first.replace('http://', f'http://alice:{alice}@')}/alice/shared", str(clone))
    pushed = git.commit_file(clone, "README.md", "---\nlicense: mit\n---\n# shared\n", "card")
    git("push", "-q", "origin", "main", cwd=clone)
    # Read through the other instance straight away: the commit, the card the index took from it.
    read = HfApi(endpoint=second, token=alice)
    assert read.model_info("alice/shared").sha == pushed
    assert [model.id for model in read.list_models(author="alice", filter="license:mit")] == ["alice/shared"]
    path = hf_hub_download("alice/shared", "README.md", endpoint=second, token=alice, cache_dir=tmp_path / "cache")
    assert open(path).read().endswith("# shared\n")
    # A change of visibility through one is seen by the other's next request (its row cache
    # held the public row a moment ago).
    assert HfApi(endpoint=second).model_info("alice/shared").private is False
    HfApi(endpoint=first, token=alice).update_repo_settings("alice/shared", private=True)
    status = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{second}/api/models/alice/shared"],
                            capture_output=True, text=True).stdout
    assert status == "401" or status == "404"
    assert HfApi(endpoint=second, token=alice).model_info("alice/shared").private is True


@cluster_only
def test_an_instance_killed_during_a_push_leaves_the_other_serving_and_the_retry_lands(
        hub: HubProcess, alice: str, tmp_path):
    hub.create_repo(alice, "big")
    git = Git(tmp_path / "home")
    clone = tmp_path / "clone"
    first = instance(hub, 0).replace("http://", f"http://alice:{alice}@")
    before = HfApi(endpoint=hub.url).model_info("alice/big").sha
    pushed = clone_and_commit_random_files(git, f"{first}/alice/big", clone, 4, 9 << 20)
    objects = hub.data_dir / "repos/models/alice/big.git/objects"
    push = subprocess.Popen(["git", "push", "-q", "origin", "main"], cwd=clone, env=git.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_for(lambda: any(objects.glob("tmp_objdir-incoming-*")), timeout=60)
    hub.kill_instance(0)
    push.communicate(timeout=60)
    assert push.returncode != 0
    # The other instance serves on, with the old head (or the new one, if git finished it).
    assert HfApi(endpoint=hub.url).model_info("alice/big").sha in (before, pushed)
    git("remote", "set-url", "origin", hub.remote("alice/big", "alice", alice), cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    assert HfApi(endpoint=hub.url).model_info("alice/big").sha == pushed
    assert [model.sha for model in HfApi(endpoint=hub.url).list_models(author="alice", full=True)] == [pushed]
    check = tmp_path / "check"
    git("clone", "-q", hub.remote("alice/big"), str(check))
    assert (check / "data/part3.bin").read_bytes() == (clone / "data/part3.bin").read_bytes()
    restart_the_killed_instance(hub)


def restart_the_killed_instance(hub: HubProcess) -> None:
    """What an orchestrator does next; the instance that starts removes what the killed one left
    in data/tmp (the survivor's hourly maintenance would too), and nothing else."""
    assert hub.stop() == 0
    hub.start()
    assert hub.writes_in_flight() == []


@cluster_only
def test_an_instance_killed_during_an_lfs_upload_leaves_nothing_and_the_retry_through_the_other_lands(
        hub: HubProcess, alice: str):
    hub.create_repo(alice, "weights")
    size = 96 << 20
    block, oid = repeated_block(96)

    def put(base: str, kill_after_mib: int | None) -> int | None:
        href = upload_href(HubAt(base), alice, "alice/weights", None, oid=oid, size=size)
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            connection.putrequest("PUT", href.removeprefix(base))
            connection.putheader("Content-Length", str(size))
            connection.putheader("Content-Type", "application/octet-stream")
            connection.endheaders()
            for sent in range(96):
                if kill_after_mib is not None and sent == kill_after_mib:
                    hub.kill_instance(0)
                connection.send(block)
            return connection.getresponse().status
        except (BrokenPipeError, ConnectionResetError, http.client.HTTPException):
            return None
        finally:
            connection.close()

    assert put(instance(hub, 0), kill_after_mib=40) is None
    # Nothing half-written is visible: no object in the store, no row in the index.
    assert hub.stored_object(oid) is None
    assert hub.index_rows(f"SELECT oid FROM lfs_objects WHERE oid = '{oid}'") == []
    assert put(hub.url, kill_after_mib=None) == 200
    assert hub.stored_objects()[oid] == size
    restart_the_killed_instance(hub)


@cluster_only
def test_an_instance_starting_on_the_data_folder_leaves_another_instances_upload_in_flight_alone(
        hub_factory, tmp_path):
    # The local blob store: its uploads are written in data/tmp, which a starting instance clears
    # of what dead instances left there.
    hub = hub_factory(env={"MODELHUB_BLOB_STORE": "local"})
    alice = hub.create_user("alice")
    hub.create_repo(alice, "weights")
    content = os.urandom(16 << 20)
    href = upload_href(HubAt(instance(hub, 0)), alice, "alice/weights", content)
    host, port = instance(hub, 0).removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest("PUT", href.removeprefix(instance(hub, 0)))
    connection.putheader("Content-Length", str(len(content)))
    connection.endheaders()
    connection.send(content[:len(content) // 2])
    assert wait_for(lambda: any(path.stat().st_size > 0 for path in hub.writes_in_flight()), timeout=30)
    (tmp_path / "third").mkdir()
    third = HubProcess(tmp_path / "third", env=hub.env, embedded=True)
    third.data_dir = hub.data_dir
    third.start()
    try:
        connection.send(content[len(content) // 2:])
        assert connection.getresponse().status == 200
        connection.close()
        assert hub.stored_object(hashlib.sha256(content).hexdigest()) == content
    finally:
        assert third.stop() == 0


class HubAt:
    """Just enough of a hub for `upload_href`: one instance's URL."""

    def __init__(self, url: str):
        self.url = url


@cluster_only
def test_migrate_index_moves_an_embedded_hub_into_postgresql_whole(hub_factory, tmp_path):
    local = hub_factory(embedded=True, env={"MODELHUB_BLOB_STORE": "local"})
    alice = local.create_user("alice")
    bob = local.create_user("bob")
    api = HfApi(endpoint=local.url, token=alice)
    api.create_repo("alice/spam-filter")
    weights = os.urandom(3 << 20)
    api.upload_file(path_or_fileobj=b"---\nlicense: mit\nlanguage: de\n---\n# German spam filter\n",
                    path_in_repo="README.md", repo_id="alice/spam-filter")
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.safetensors", repo_id="alice/spam-filter")
    api.create_repo("alice/secret", private=True)
    assert local.api("POST", "/api/models/alice/spam-filter/like", bob)[0] == 200
    before = api.model_info("alice/spam-filter")
    assert local.stop() == 0

    database = fresh_postgres_database()
    environment = {"MODELHUB_DATABASE_URL": database, "MODELHUB_BLOB_STORE": "local"}
    local.env.update(environment)
    copied = local.admin("migrate-index")
    assert "users\t2" in copied.stdout and "repos\t2" in copied.stdout, copied.stdout
    again = local.admin("migrate-index", check=False)
    assert again.returncode == 1 and "not empty" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1, again.stderr

    cluster = hub_factory(env=environment, workdir=local.workdir)
    moved = HfApi(endpoint=cluster.url, token=alice)
    assert moved.whoami()["name"] == "alice"
    info = moved.model_info("alice/spam-filter")
    assert (info.sha, info.likes, info.card_data.get("license")) == (before.sha, 1, "mit")
    assert [m.id for m in moved.list_models(search="german spam")] == ["alice/spam-filter"]
    assert [m.id for m in moved.list_models(filter="license:mit", author="alice")] == ["alice/spam-filter"]
    assert moved.model_info("alice/secret").private is True
    assert [m.id for m in HfApi(endpoint=cluster.url).list_models(author="alice")] == ["alice/spam-filter"]
    path = hf_hub_download("alice/spam-filter", "model.safetensors", endpoint=cluster.url, token=alice,
                           cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == weights
    # New rows continue after the copied ones.
    carol = cluster.create_user("carol")
    HfApi(endpoint=cluster.url, token=carol).create_repo("carol/next")
    assert moved.model_info("carol/next").id == "carol/next"
