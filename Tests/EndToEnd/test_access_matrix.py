"""Organizations, roles, fine-grained tokens and private repositories (issue 5).

The access matrix runs every kind of caller against every surface of a private organization
repository and checks the exact answer of each cell. "missing" means: byte for byte the answer
the same caller gets for a repository that does not exist (status, X-Error-Code, X-Error-Message
and body for HTTP; git's own output for git), so a private repository's existence never leaks.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

LFS = "application/vnd.git-lfs+json"

CALLERS = ["anonymous", "outsider", "reader", "contributor", "contributor_own", "writer", "admin",
           "read_token", "scoped_elsewhere", "revoked"]
SURFACES = ["info", "listing", "tree", "resolve_head", "resolve_get", "raw", "clone", "push", "lfs_download",
            "lfs_upload", "commit", "create", "delete", "visibility", "members"]

READS = {"info": "ok", "listing": "shown", "tree": "ok", "resolve_head": "ok", "resolve_get": "ok", "raw": "ok",
         "clone": "ok", "lfs_download": "ok"}
HIDDEN = {surface: "missing" for surface in READS} | {"listing": "hidden"}
WRITES = ["push", "lfs_upload", "commit"]
ADMINISTRATION = ["delete", "visibility"]


def row(reads, writes, create, administration, members):
    cells = dict(reads)
    cells.update({surface: writes for surface in WRITES})
    cells["create"] = create
    cells.update({surface: administration for surface in ADMINISTRATION})
    cells["members"] = members
    return cells


EXPECTED = {
    "anonymous": row(HIDDEN, "missing", "unauthorized", "missing", "unauthorized"),
    "outsider": row(HIDDEN, "missing", "forbidden", "missing", "forbidden"),
    "reader": row(READS, "forbidden", "forbidden", "forbidden", "forbidden"),
    "contributor": row(READS, "forbidden", "ok", "forbidden", "forbidden"),
    "contributor_own": row(READS, "ok", "ok", "forbidden", "forbidden"),
    "writer": row(READS, "ok", "ok", "ok", "forbidden"),
    "admin": row(READS, "ok", "ok", "ok", "ok"),
    "read_token": row(READS, "forbidden", "forbidden", "forbidden", "forbidden"),
    "scoped_elsewhere": row(HIDDEN, "missing", "forbidden", "missing", "forbidden"),
    # A revoked token is refused as invalid before anything is looked up; git, which only knows
    # the credential challenge, gets the one a missing repository gives.
    "revoked": {surface: "invalid" for surface in SURFACES} | {"clone": "missing", "push": "missing"},
}


class World:
    """An org `acme` with a member of each role, its private repositories, and every caller's token."""

    def __init__(self, hub, git, tmp_path):
        self.hub, self.git, self.tmp = hub, git, tmp_path
        tokens = {name: hub.create_user(name) for name in ["alice", "eve", "rita", "carl", "wendy", "zoe"]}
        hub.admin("org", "create", "acme", "--owner", "alice")
        # Roles given both ways: through the API by the org admin, and at the command line.
        for user, role in [("rita", "read"), ("carl", "contributor")]:
            status, _, body = hub.api("POST", "/api/organizations/acme/members", tokens["alice"], {"user": user, "role": role})
            assert status == 200, body
        hub.admin("org", "member", "acme", "wendy", "--role", "write")

        self.alice = HfApi(endpoint=hub.url, token=tokens["alice"])
        for name in ["secret", "other"]:
            self.alice.create_repo(f"acme/{name}", private=True)
        self.alice.upload_file(path_or_fileobj=b'{"layers": 2}\n', path_in_repo="config.json", repo_id="acme/secret")
        self.weights = os.urandom(2048)
        self.alice.upload_file(path_or_fileobj=self.weights, path_in_repo="weights.bin", repo_id="acme/secret")
        HfApi(endpoint=hub.url, token=tokens["carl"]).create_repo("acme/carls", private=True)
        HfApi(endpoint=hub.url, token=tokens["carl"]).upload_file(
            path_or_fileobj=b'{"layers": 2}\n', path_in_repo="config.json", repo_id="acme/carls")
        HfApi(endpoint=hub.url, token=tokens["carl"]).upload_file(
            path_or_fileobj=self.weights, path_in_repo="weights.bin", repo_id="acme/carls")

        def token(*args):
            return hub.admin("token", "create", "alice", *args).stdout.strip().splitlines()[-1]

        revoked = token("--name", "gone")
        hub.admin("token", "revoke", "alice", "gone")
        self.tokens = {
            "anonymous": None, "outsider": tokens["eve"], "reader": tokens["rita"], "contributor": tokens["carl"],
            "contributor_own": tokens["carl"], "writer": tokens["wendy"], "admin": tokens["alice"],
            "read_token": token("--role", "read", "--name", "ro"),
            "scoped_elsewhere": token("--name", "ci", "--scope", "acme/other=write"),
            "revoked": revoked,
        }
        self.alice_token = tokens["alice"]
        # One repository per caller to delete (the contributor's own one is theirs).
        for caller in CALLERS:
            if caller == "contributor_own":
                HfApi(endpoint=hub.url, token=tokens["carl"]).create_repo("acme/doomed-contributor_own", private=True)
            else:
                self.alice.create_repo(f"acme/doomed-{caller}", private=True)
        self.work = tmp_path / "work"
        git("clone", "-q", hub.remote("acme/secret", "alice", tokens["alice"]), str(self.work))

    def target(self, caller):
        return "acme/carls" if caller == "contributor_own" else "acme/secret"

    # --- answers ---------------------------------------------------------------------------

    def http(self, method, path, token, body=None, content_type="application/json", data=None):
        if body is not None:
            data = json.dumps(body).encode()
        request = urllib.request.Request(self.hub.url + path, data=data, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, headers, payload = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, payload = error.code, error.headers, error.read()
        # Every answer carries its own request id; nothing else may differ.
        payload = re.sub(rb'"request_id":"[0-9a-f]+"', b'"request_id":"ID"', payload)
        return {"status": status, "code": headers.get("X-Error-Code"), "message": headers.get("X-Error-Message"),
                "challenge": headers.get("WWW-Authenticate") or headers.get("LFS-Authenticate"), "body": payload}

    def lfs_batch(self, repo, token, operation):
        if operation == "download":
            objects = [{"oid": hashlib.sha256(self.weights).hexdigest(), "size": len(self.weights)}]
        else:
            fresh = os.urandom(64)
            objects = [{"oid": hashlib.sha256(fresh).hexdigest(), "size": 64}]
        # An upload names the branch it is for, as git-lfs does (one without a ref is for a pull
        # request to open, which readers may: test_pull_requests.py).
        body = {"operation": operation, "objects": objects}
        if operation == "upload":
            body["ref"] = {"name": "refs/heads/main"}
        return self.http("POST", f"/{repo}.git/info/lfs/objects/batch", token, data=json.dumps(body).encode(), content_type=LFS)

    def git_answer(self, args, repo, token):
        result = self.git(*args, check=False, timeout=60)
        text = result.stderr
        if token:
            text = text.replace(token, "TOKEN")
        text = re.sub(r"acme/[a-z_-]+", "REPO", text).replace(str(self.tmp), "TMP")
        text = re.sub(r"clone-[a-z_]+-[a-z]+", "CLONE", text)
        return {"status": result.returncode, "body": text}

    def answer(self, surface, caller, repo):
        token = self.tokens[caller]
        kind_path = f"/api/models/{repo}"
        match surface:
            case "info":
                return self.http("GET", kind_path, token)
            case "tree":
                return self.http("GET", kind_path + "/tree/main", token)
            case "resolve_head":
                return self.http("HEAD", f"/{repo}/resolve/main/config.json", token)
            case "resolve_get":
                return self.http("GET", f"/{repo}/resolve/main/config.json", token)
            case "raw":
                return self.http("GET", f"/{repo}/raw/main/config.json", token)
            case "clone":
                target = self.tmp / f"clone-{caller}-{repo.split('/')[1]}"
                return self.git_answer(["clone", "-q", self.hub.remote(repo, "user", token), str(target)], repo, token)
            case "push":
                return self.git_answer(["-C", str(self.work), "push", "-q", self.hub.remote(repo, "user", token),
                                        f"HEAD:refs/heads/from-{caller}"], repo, token)
            case "lfs_download":
                return self.lfs_batch(repo, token, "download")
            case "lfs_upload":
                return self.lfs_batch(repo, token, "upload")
            case "commit":
                lines = [{"key": "header", "value": {"summary": f"from {caller}", "description": ""}},
                         {"key": "file", "value": {"path": f"{caller}.txt", "content": "aGk=", "encoding": "base64"}}]
                return self.http("POST", kind_path + "/commit/main", token,
                                 data="\n".join(json.dumps(line) for line in lines).encode(),
                                 content_type="application/x-ndjson")
            case "delete":
                name = repo.split("/")[1]
                return self.http("DELETE", "/api/repos/delete", token, {"name": name, "organization": "acme"})
            case "visibility":
                return self.http("PUT", kind_path + "/settings", token, {"private": True})
        raise AssertionError(surface)

    def label(self, surface, caller):
        token = self.tokens[caller]
        if surface == "listing":
            answer = self.http("GET", "/api/models?author=acme", token)
            if answer["status"] != 200:
                return self.by_status(answer)
            ids = [model["id"] for model in json.loads(answer["body"])]
            return "shown" if self.target(caller) in ids else "hidden"
        if surface == "create":
            return self.by_status(self.http("POST", "/api/repos/create", token,
                                            {"name": f"new-{caller}", "organization": "acme", "private": True}))
        if surface == "members":
            answer = self.http("POST", "/api/organizations/acme/members", token, {"user": "zoe", "role": "read"})
            if answer["status"] == 200:
                assert self.http("DELETE", "/api/organizations/acme/members/zoe", self.alice_token)["status"] == 200
            return self.by_status(answer)
        repo = f"acme/doomed-{caller}" if surface == "delete" else self.target(caller)
        missing = self.answer(surface, caller, "acme/nothing")
        answer = self.answer(surface, caller, repo)
        if answer["status"] in (0, 200):
            return "ok"
        if self.invalid(answer):
            return "invalid"
        if answer == missing:
            return "missing"
        if surface in ("clone", "push"):
            # Who may read but not write is let in to push to their own pull requests only: the
            # push hook refuses the branch (in git's words for a declined hook).
            refused_by_hook = "you may push only to pull requests (refs/pr/N) you opened" in answer["body"]
            return "forbidden" if "403" in answer["body"] or refused_by_hook else f"git: {answer['body'].strip()}"
        return self.by_status(answer)

    @staticmethod
    def invalid(answer):
        message = "Invalid credentials in Authorization header"
        body = answer["body"]
        return answer.get("message") == message or (message.encode() if isinstance(body, bytes) else message) in body

    @classmethod
    def by_status(cls, answer):
        if answer["status"] == 200:
            return "ok"
        if cls.invalid(answer):
            return "invalid"
        return {401: "unauthorized", 403: "forbidden", 404: "not found"}.get(answer["status"], f"status {answer['status']}")


def test_access_matrix(hub, git, tmp_path):
    world = World(hub, git, tmp_path)
    actual = {caller: {surface: world.label(surface, caller) for surface in SURFACES} for caller in CALLERS}
    wrong = [f"{caller:>16} {surface:<13} expected {EXPECTED[caller][surface]:<12} got {actual[caller][surface]}"
             for caller in CALLERS for surface in SURFACES if actual[caller][surface] != EXPECTED[caller][surface]]
    assert not wrong, "\n" + "\n".join(wrong)
    assert len(CALLERS) * len(SURFACES) == 150

    # The writes that were allowed happened, and nothing else did.
    branches = git("ls-remote", "--heads", hub.remote("acme/secret", "alice", world.alice_token)).stdout
    assert sorted(re.findall(r"refs/heads/(\S+)", branches)) == ["from-admin", "from-writer", "main"]
    files = world.alice.list_repo_files("acme/secret")
    assert sorted(f for f in files if f.endswith(".txt")) == ["admin.txt", "writer.txt"]
    remaining = {m.id for m in world.alice.list_models(author="acme")}
    assert {f"acme/doomed-{c}" for c in CALLERS} - remaining == {"acme/doomed-writer", "acme/doomed-admin"}
    assert {f"acme/new-{c}" for c in CALLERS} & remaining == {
        "acme/new-contributor", "acme/new-contributor_own", "acme/new-writer", "acme/new-admin"}


def test_a_private_repository_name_never_appears_to_outsiders(hub, git, tmp_path):
    world = World(hub, git, tmp_path)
    for caller in ["anonymous", "outsider", "scoped_elsewhere"]:
        token = world.tokens[caller]
        for path in ["/api/models/acme/secret", "/api/models/acme/secret/tree/main", "/acme/secret/resolve/main/config.json",
                     "/api/models?author=acme", "/api/models?search=secret", "/api/organizations/acme/overview",
                     "/api/models/acme/secret/refs", "/api/models/acme/secret/commits/main"]:
            answer = world.http("GET", path, token)
            assert b"secret" not in answer["body"] and "secret" not in (answer["message"] or ""), (caller, path, answer)
        upload = world.lfs_batch("acme/secret", token, "upload")
        assert b"secret" not in upload["body"], (caller, upload)
        clone = world.git_answer(["clone", "-q", hub.remote("acme/secret", "user", token), str(tmp_path / f"c-{caller}")],
                                 "acme/secret", token)
        assert clone["status"] != 0


def test_python_client_errors_follow_the_roles(hub, git, tmp_path):
    world = World(hub, git, tmp_path)
    outsider = HfApi(endpoint=hub.url, token=world.tokens["outsider"])
    reader = HfApi(endpoint=hub.url, token=world.tokens["reader"])
    with pytest.raises(RepositoryNotFoundError):
        outsider.model_info("acme/secret")
    with pytest.raises(RepositoryNotFoundError):
        outsider.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="acme/secret")
    assert reader.model_info("acme/secret").private is True
    with pytest.raises(HfHubHTTPError) as refused:
        reader.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="acme/secret")
    assert refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as refused:
        reader.create_repo("acme/mine")
    assert refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as refused:
        reader.delete_repo("acme/secret")
    assert refused.value.response.status_code == 403

    # whoami lists the org with the role, and reports a fine-grained token's scopes.
    me = reader.whoami()
    assert [(org["name"], org["roleInOrg"]) for org in me["orgs"]] == [("acme", "read")]
    scoped = HfApi(endpoint=hub.url, token=world.tokens["scoped_elsewhere"]).whoami()
    assert scoped["auth"]["accessToken"]["role"] == "fineGrained"
    assert scoped["auth"]["accessToken"]["fineGrained"]["scoped"] == [
        {"entity": {"type": "model", "name": "acme/other"}, "permissions": ["repo.content.read", "repo.write"]}]

    members = {m.username: m for m in world.alice.list_organization_members("acme")}
    assert sorted(members) == ["alice", "carl", "rita", "wendy"]
    assert members["wendy"].role == "write"
    overview = outsider.get_organization_overview("acme")
    assert overview.num_users == 4 and overview.num_models == 0  # every acme model is private
    assert world.alice.get_organization_overview("acme").num_models >= 3


def test_org_admin_journey_with_real_clients(hub, git, tmp_path):
    alice = hub.create_user("alice")
    bob = hub.create_user("bob")
    api = HfApi(endpoint=hub.url, token=alice)
    status, _, body = hub.api("POST", "/api/organizations/new", alice, {"name": "lab", "privateByDefault": True})
    assert status == 200 and body["name"] == "lab", body
    api.create_repo("lab/model")
    assert api.model_info("lab/model").private is True  # the org makes new repos private

    # Invite bob as `write`: he pushes with git.
    status, _, body = hub.api("POST", "/api/organizations/lab/members", alice, {"user": "bob", "role": "write"})
    assert status == 200, body
    work = tmp_path / "bob"
    git("clone", "-q", hub.remote("lab/model", "bob", bob), str(work))
    git.commit_file(work, "config.json", '{"a": 1}\n', "bob's config")
    git("push", "-q", "origin", "main", cwd=work)
    assert "config.json" in api.list_repo_files("lab/model")

    # Demote him to `read`: his next push is refused, and he can still clone.
    status, _, body = hub.api("PUT", "/api/organizations/lab/members/bob", alice, {"role": "read"})
    assert status == 200, body
    git.commit_file(work, "more.json", "{}\n", "more")
    refused = git("push", "-q", "origin", "main", cwd=work, check=False)
    assert refused.returncode != 0 and "you may push only to pull requests" in refused.stderr, refused.stderr
    git("clone", "-q", hub.remote("lab/model", "bob", bob), str(tmp_path / "again"))
    assert "more.json" not in api.list_repo_files("lab/model")

    # The last admin can be neither demoted nor removed; bob cannot manage members.
    status, _, _ = hub.api("PUT", "/api/organizations/lab/members/alice", alice, {"role": "write"})
    assert status == 409
    status, _, _ = hub.api("DELETE", "/api/organizations/lab/members/alice", alice)
    assert status == 409
    status, _, _ = hub.api("POST", "/api/organizations/lab/members", bob, {"user": "bob", "role": "admin"})
    assert status == 403
    # Removing bob ends his access to the private repo: it is now missing to him.
    status, _, _ = hub.api("DELETE", "/api/organizations/lab/members/bob", alice)
    assert status == 200
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=bob).model_info("lab/model")


def test_org_and_user_names_are_shared_and_bad_inputs_are_refused(hub):
    alice = hub.create_user("alice")
    hub.admin("org", "create", "acme", "--owner", "alice")
    taken = hub.admin("user", "create", "ACME", check=False)
    assert taken.returncode != 0 and "organization" in taken.stderr
    assert hub.admin("org", "create", "Alice", "--owner", "alice", check=False).returncode != 0
    assert hub.api("POST", "/api/organizations/new", alice, {"name": "acme"})[0] == 409
    assert hub.api("POST", "/api/organizations/new", alice, {"name": "api"})[0] == 400
    assert hub.api("POST", "/api/organizations/new", alice, {"name": "bad name!"})[0] == 400
    assert hub.api("POST", "/api/organizations/new", None, {"name": "other"})[0] == 401
    assert hub.api("POST", "/api/organizations/acme/members", alice, {"user": "nobody", "role": "read"})[0] == 404
    assert hub.api("POST", "/api/organizations/acme/members", alice, {"user": "alice", "role": "owner"})[0] == 400
    assert hub.api("GET", "/api/organizations/nothing/members")[0] == 404
    assert "acme" in hub.admin("org", "list").stdout
    bad_role = hub.admin("org", "member", "acme", "alice", "--role", "boss", check=False)
    assert bad_role.returncode != 0
    bad_scope = hub.admin("token", "create", "alice", "--scope", "acme", check=False)
    assert bad_scope.returncode != 0 and "scope" in bad_scope.stderr
    assert hub.admin("token", "create", "alice", "--scope", "nobody=read", check=False).returncode != 0


def test_moves_settings_site_admins_and_revocation_follow_the_roles(hub, git, tmp_path):
    alice = hub.create_user("alice")
    wendy = hub.create_user("wendy")
    rita = hub.create_user("rita")
    root = hub.create_user("root")
    hub.admin("org", "create", "acme", "--owner", "alice")
    hub.admin("org", "member", "acme", "wendy", "--role", "write")
    hub.admin("org", "member", "acme", "rita", "--role", "read")
    HfApi(endpoint=hub.url, token=alice).create_repo("acme/model", private=True)

    # move_repo across namespaces: a `write` member may move an org repo to their own namespace
    # (administer the source, create in the target); a `read` member may not; nobody may move a
    # repo into a namespace where they cannot create.
    with pytest.raises(HfHubHTTPError) as refused:
        HfApi(endpoint=hub.url, token=rita).move_repo("acme/model", "rita/model")
    assert refused.value.response.status_code == 403
    with pytest.raises(HfHubHTTPError) as refused:
        HfApi(endpoint=hub.url, token=wendy).move_repo("acme/model", "alice/model")
    assert refused.value.response.status_code == 403
    HfApi(endpoint=hub.url, token=wendy).move_repo("acme/model", "wendy/model")
    assert HfApi(endpoint=hub.url, token=wendy).model_info("wendy/model").private is True
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=rita).model_info("wendy/model")  # no longer the org's

    # Org settings: only admins; privateByDefault applies to the next repository.
    status, _, _ = hub.api("PUT", "/api/organizations/acme/settings", wendy, {"privateByDefault": True})
    assert status == 403
    status, _, body = hub.api("PUT", "/api/organizations/acme/settings", alice,
                              {"privateByDefault": True, "fullname": "Acme Corp"})
    assert status == 200 and body["fullname"] == "Acme Corp" and body["privateByDefault"] is True
    HfApi(endpoint=hub.url, token=wendy).create_repo("acme/next")
    assert HfApi(endpoint=hub.url, token=rita).model_info("acme/next").private is True
    HfApi(endpoint=hub.url, token=wendy).create_repo("acme/open", private=False)
    assert HfApi(endpoint=hub.url).model_info("acme/open").private is False

    # A site admin reads and administers every private repository, once the operator says so.
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=root).model_info("wendy/model")
    hub.admin("user", "admin", "root", "on")
    assert HfApi(endpoint=hub.url, token=root).model_info("wendy/model").private is True
    hub.admin("user", "admin", "root", "off")
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=root).model_info("wendy/model")

    # Removing a member at the command line, and revoking a token, take effect at once.
    hub.admin("org", "remove", "acme", "rita")
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=rita).model_info("acme/next")
    spare = hub.admin("token", "create", "wendy", "--name", "spare").stdout.strip().splitlines()[-1]
    assert HfApi(endpoint=hub.url, token=spare).whoami()["name"] == "wendy"
    hub.admin("token", "revoke", "wendy", "spare")
    status, headers, _ = hub.api("GET", "/api/whoami-v2", spare)
    assert status == 401 and headers["X-Error-Message"] == "Invalid credentials in Authorization header"


def test_list_user_repos_shows_storage_to_members_only(hub, tmp_path):
    alice = hub.create_user("alice")
    eve = hub.create_user("eve")
    hub.admin("org", "create", "acme", "--owner", "alice")
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("alice/small")
    api.create_repo("acme/weights", private=True)
    api.upload_file(path_or_fileobj=os.urandom(300_000), path_in_repo="model.bin", repo_id="acme/weights")
    api.create_repo("acme/data", repo_type="dataset")

    mine = {repo.id: repo for repo in api.list_user_repos()}
    assert list(mine) == ["alice/small"] and mine["alice/small"].storage > 0
    org = {repo.id: repo for repo in api.list_user_repos(namespace="acme")}
    assert sorted(org) == ["acme/data", "acme/weights"]
    assert org["acme/weights"].visibility == "private" and org["acme/weights"].type == "model"
    assert org["acme/weights"].storage > 300_000 and org["acme/data"].type == "dataset"
    assert round(sum(repo.storage_percent for repo in org.values())) == 100
    with pytest.raises(HfHubHTTPError) as refused:
        list(HfApi(endpoint=hub.url, token=eve).list_user_repos(namespace="acme"))
    assert refused.value.response.status_code == 403

    # The hf CLI's `repos ls` reads the same endpoint.
    env = dict(os.environ, HF_ENDPOINT=hub.url, HF_TOKEN=alice, HF_HOME=str(tmp_path / "hf"))
    listed = subprocess.run([os.path.join(os.path.dirname(sys.executable), "hf"), "repos", "ls",
                             "--namespace", "acme", "--format", "json"], capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "acme/weights" in listed.stdout and "acme/data" in listed.stdout
