"""huggingface_hub's repo calls, unmodified, against modelhub."""

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError


@pytest.fixture
def api(hub, alice):
    return HfApi(endpoint=hub.url, token=alice)


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
