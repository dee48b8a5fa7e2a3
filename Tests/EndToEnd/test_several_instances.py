"""What lets several modelhub instances stand behind one load balancer."""

import hashlib
import json
import os
import urllib.error
import urllib.request


def upload_href(hub, token, repo, content):
    oid = hashlib.sha256(content).hexdigest()
    request = urllib.request.Request(
        f"{hub.url}/{repo}.git/info/lfs/objects/batch", method="POST",
        data=json.dumps({"operation": "upload", "transfers": ["basic"],
                         "objects": [{"oid": oid, "size": len(content)}]}).encode(),
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
