"""huggingface_hub's repo calls, unmodified, against modelhub."""

import subprocess

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError


def test_whoami(api):
    me = api.whoami()
    assert me["name"] == "alice" and me["orgs"] == []


def test_create_repo_exist_ok_and_delete(api, hub):
    url = api.create_repo("alice/hf-made")
    assert url == f"{hub.url}/alice/hf-made"
    assert url.repo_id == "alice/hf-made"
    again = api.create_repo("alice/hf-made", exist_ok=True)
    assert again.repo_id == "alice/hf-made"
    with pytest.raises(HfHubHTTPError) as conflict:
        api.create_repo("alice/hf-made")
    assert conflict.value.response.status_code == 409
    private = api.create_repo("hf-private", repo_type="dataset", private=True)
    assert private.repo_id == "alice/hf-private" and private.repo_type == "dataset"
    api.delete_repo("alice/hf-made")
    with pytest.raises(RepositoryNotFoundError):
        api.delete_repo("alice/hf-made")
    api.delete_repo("alice/hf-made", missing_ok=True)


def test_creating_in_another_namespace_is_forbidden(api, hub):
    hub.create_user("bob")
    with pytest.raises(HfHubHTTPError) as forbidden:
        api.create_repo("bob/not-yours")
    assert forbidden.value.response.status_code == 403
    assert not (hub.data_dir / "repos" / "models" / "bob").exists()


def test_request_id_echoes_the_clients_trace_id(hub):
    out = subprocess.run(["curl", "-s", "-i", "-H", "X-Amzn-Trace-Id: trace-123", f"{hub.url}/api/models/alice/nothing"],
                         capture_output=True, text=True).stdout.lower()
    assert out.startswith("http/1.1 404")
    assert "x-request-id: trace-123" in out and "x-error-code: reponotfound" in out


def test_auth_check(api, hub):
    from huggingface_hub.errors import RepositoryNotFoundError
    api.create_repo("alice/checked", private=True)
    api.auth_check("alice/checked")
    stranger = HfApi(endpoint=hub.url, token=hub.create_user("stranger"))
    with pytest.raises(RepositoryNotFoundError):
        stranger.auth_check("alice/checked")
