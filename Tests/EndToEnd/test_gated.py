"""Gated repositories with the unmodified huggingface_hub, git and curl: metadata stays public, every
file surface (resolve, Git LFS, git clone, Xet) answers GatedRepo until an admin accepts the
user's access request (or the gate is `auto`), and the repository's admins manage requests with
huggingface_hub's own calls."""

import json
import os
import subprocess

import pytest
from test_browser import browser, sign_in, submit_and_wait, wait_for as wait_in  # noqa: F401  (browser: the headless browser fixture)
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import GatedRepoError, HfHubHTTPError


def download(hub, token, filename, tmp_path, repo="alice/llama"):
    return open(hf_hub_download(repo, filename, endpoint=hub.url, token=token,
                                cache_dir=tmp_path / f"cache-{os.urandom(4).hex()}"), "rb").read()


def ask(hub, token, repo="alice/llama", fields=None):
    status, _, body = hub.api("POST", f"/api/models/{repo}/ask-access", token, fields)
    assert status == 200, body
    return body["status"]


@pytest.fixture
def llama(hub, alice):
    """alice/llama, gated `manual`, with a card, a regular file and an LFS file."""
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("alice/llama")
    api.upload_file(path_or_fileobj=b"---\nlicense: llama2\n---\n# Llama\n", path_in_repo="README.md", repo_id="alice/llama")
    weights = os.urandom(300_000)
    api.upload_file(path_or_fileobj=weights, path_in_repo="model.safetensors", repo_id="alice/llama")
    api.update_repo_settings("alice/llama", gated="manual")
    return weights


def test_metadata_stays_public_and_every_file_surface_is_gated_until_a_request_is_accepted(
        hub, alice, llama, git, tmp_path):
    anonymous = HfApi(endpoint=hub.url, token=False)
    info = anonymous.model_info("alice/llama")
    assert info.gated == "manual" and info.card_data["license"] == "llama2"
    assert sorted(anonymous.list_repo_files("alice/llama")) == [".gitattributes", "README.md", "model.safetensors"]
    assert anonymous.repo_exists("alice/llama")

    with pytest.raises(GatedRepoError) as refused:
        download(hub, False, "README.md", tmp_path)
    assert refused.value.response.status_code == 401 and "Please log in" in str(refused.value)
    bob = hub.create_user("bob")
    with pytest.raises(GatedRepoError) as refused:
        download(hub, bob, "model.safetensors", tmp_path)
    assert refused.value.response.status_code == 403 and "not in the authorized list" in str(refused.value)
    # The owner passes the gate without asking.
    assert download(hub, alice, "model.safetensors", tmp_path) == llama

    # Every other surface refuses bob too: git, Git LFS, Xet.
    clone = git("clone", "-q", hub.remote("alice/llama", "bob", bob), str(tmp_path / "refused"), check=False)
    assert clone.returncode != 0 and "403" in clone.stderr
    oid = [f.lfs["sha256"] for f in HfApi(endpoint=hub.url, token=alice).list_repo_tree("alice/llama") if f.path == "model.safetensors"][0]
    batch = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-u", f"bob:{bob}",
         "-H", "Content-Type: application/vnd.git-lfs+json", "-H", "Accept: application/vnd.git-lfs+json",
         "--data-binary", json.dumps({"operation": "download", "objects": [{"oid": oid, "size": len(llama)}]}),
         f"{hub.url}/alice/llama.git/info/lfs/objects/batch"], capture_output=True, text=True).stdout
    assert batch == "403"
    status, headers, _ = hub.api("GET", "/api/models/alice/llama/xet-read-token/main", bob)
    assert status == 403 and headers["X-Error-Code"] == "GatedRepo"

    # bob asks, alice sees the request and accepts it.
    assert ask(hub, bob, fields={"affiliation": "ACME"}) == "pending"
    admin = HfApi(endpoint=hub.url, token=alice)
    pending = admin.list_pending_access_requests("alice/llama")
    assert [(r.username, r.status, r.fields) for r in pending] == [("bob", "pending", {"affiliation": "ACME"})]
    with pytest.raises(HfHubHTTPError) as forbidden:
        list(HfApi(endpoint=hub.url, token=bob).list_pending_access_requests("alice/llama"))
    assert forbidden.value.response.status_code == 403
    admin.accept_access_request("alice/llama", "bob")
    assert [r.username for r in admin.list_accepted_access_requests("alice/llama")] == ["bob"]
    assert download(hub, bob, "model.safetensors", tmp_path) == llama
    git("lfs", "install", "--skip-repo")
    git("clone", "-q", hub.remote("alice/llama", "bob", bob), str(tmp_path / "clone"))
    assert (tmp_path / "clone" / "model.safetensors").read_bytes() == llama
    assert hub.api("GET", "/api/models/alice/llama/xet-read-token/main", bob)[0] == 200

    # A rejection keeps the gate shut; cancelling it makes the request pending again.
    carol = hub.create_user("carol")
    ask(hub, carol)
    admin.reject_access_request("alice/llama", "carol", rejection_reason="Not for this project")
    assert [r.username for r in admin.list_rejected_access_requests("alice/llama")] == ["carol"]
    with pytest.raises(GatedRepoError):
        download(hub, carol, "README.md", tmp_path)
    admin.cancel_access_request("alice/llama", "carol")
    assert [r.username for r in admin.list_pending_access_requests("alice/llama")] == ["carol"]
    # Asking again changes nothing.
    assert ask(hub, carol) == "pending"

    # grant_access lets a user in who never asked.
    dave = hub.create_user("dave")
    admin.grant_access("alice/llama", "dave")
    assert download(hub, dave, "README.md", tmp_path).startswith(b"---")
    with pytest.raises(HfHubHTTPError):
        admin.accept_access_request("alice/llama", "nobody")

    # Opening the gate opens the files to everyone.
    admin.update_repo_settings("alice/llama", gated=False)
    assert anonymous.model_info("alice/llama").gated is False
    assert download(hub, False, "model.safetensors", tmp_path) == llama


def test_an_auto_gate_accepts_a_request_when_it_is_made(hub, alice, tmp_path):
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("alice/open-ish")
    api.upload_file(path_or_fileobj=b"data", path_in_repo="data.txt", repo_id="alice/open-ish")
    api.update_repo_settings("alice/open-ish", gated="auto")
    eve = hub.create_user("eve")
    with pytest.raises(GatedRepoError):
        download(hub, eve, "data.txt", tmp_path, repo="alice/open-ish")
    assert ask(hub, eve, repo="alice/open-ish") == "accepted"
    assert download(hub, eve, "data.txt", tmp_path, repo="alice/open-ish") == b"data"
    assert [r.username for r in api.list_accepted_access_requests("alice/open-ish")] == ["eve"]


def test_bad_gate_settings_and_requests_are_refused_by_name(hub, alice, tmp_path):
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("alice/plain")
    status, headers, _ = hub.api("PUT", "/api/models/alice/plain/settings", alice, {"gated": "sometimes"})
    assert status == 400 and "expected \"auto\", \"manual\" or false" in headers["X-Error-Message"]
    bob = hub.create_user("bob")
    status, headers, _ = hub.api("POST", "/api/models/alice/plain/ask-access", bob, {})
    assert status == 400 and "is not gated" in headers["X-Error-Message"]
    status, _, _ = hub.api("PUT", "/api/models/alice/plain/settings", bob, {"gated": "auto"})
    assert status == 403
    status, headers, _ = hub.api("POST", "/api/models/alice/plain/user-access-request/handle", alice, {"status": "maybe"})
    assert status == 400 and "Unknown status" in headers["X-Error-Message"]


def test_a_visitor_asks_for_access_in_the_browser_and_the_owner_accepts_it(hub, alice, llama, browser, tmp_path):
    from selenium.webdriver.common.by import By

    def wait_for(locator):
        return wait_in(browser, locator)

    hub.admin("user", "password", "alice", stdin="correct horse battery\n")
    bob = hub.create_user("bob")
    hub.admin("user", "password", "bob", stdin="staple battery horse\n")

    # A visitor sees the card, and the gate instead of the files.
    browser.get(hub.url + "/alice/llama")
    assert wait_for((By.CSS_SELECTOR, "article.readme h1")).text == "Llama"
    assert "Sign in" in browser.find_element(By.CSS_SELECTOR, "section.gate").text

    sign_in(browser, hub, "bob", "staple battery horse")
    browser.get(hub.url + "/alice/llama")
    browser.find_element(By.ID, "affiliation").send_keys("ACME Research")
    browser.find_element(By.ID, "purpose").send_keys("Evaluating German spam filters")
    browser.find_element(By.CSS_SELECTOR, "section.gate button[type=submit]").click()
    assert "waiting" in wait_for((By.CSS_SELECTOR, "section.gate p[role=status]")).text
    browser.get(hub.url + "/alice/llama/blob/main/README.md")
    assert "restricted" in browser.page_source

    sign_in(browser, hub, "alice", "correct horse battery")
    browser.get(hub.url + "/alice/llama/settings")
    pending = wait_for((By.CSS_SELECTOR, "ul.requests li"))
    assert "bob" in pending.text and "ACME Research" in pending.text
    submit_and_wait(browser, pending.find_element(By.CSS_SELECTOR, "button[value=accepted]"))
    wait_for((By.CSS_SELECTOR, "select#gated"))
    assert "Nobody yet" not in browser.find_elements(By.CSS_SELECTOR, "ul.requests")[1].text
    assert download(hub, bob, "model.safetensors", tmp_path) == llama

    sign_in(browser, hub, "bob", "staple battery horse")
    browser.get(hub.url + "/alice/llama")
    wait_for((By.CSS_SELECTOR, "article.readme h1"))
    assert not browser.find_elements(By.CSS_SELECTOR, "section.gate")
