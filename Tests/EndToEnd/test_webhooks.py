"""Webhooks with the unmodified huggingface_hub (`create_webhook` … `delete_webhook`), delivered to
a receiver on loopback: the public hub's payload for repository and pull request changes, the
secret in `X-Webhook-Secret`, retries after a failure, a delivery log, and never a target the
administrator did not allow."""

import http.server
import json
import os
import threading
import time
import urllib.request

import pytest
from test_browser import browser, sign_in, submit_and_wait, wait_for as wait_in  # noqa: F401  (browser: the headless browser fixture)
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError


class Receiver:
    """An HTTP server on loopback that records every POST; `failures` answers 500 that many
    times first."""

    def __init__(self, failures: int = 0):
        self.payloads: list[tuple[dict, dict]] = []
        self.failures = failures
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.payloads.append((dict(self.headers), json.loads(body)))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.payloads) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return [payload for _, payload in self.payloads]

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def events(payloads):
    return [(p["event"]["scope"], p["event"]["action"], p["repo"]["name"]) for p in payloads]


def test_huggingface_hub_manages_a_webhook_and_every_change_is_delivered_with_its_secret(hub_factory, receiver, git, tmp_path):
    hub = hub_factory(env={"MODELHUB_WEBHOOK_ALLOWED_HOSTS": receiver.host})
    alice = hub.create_user("alice")
    api = HfApi(endpoint=hub.url, token=alice)
    webhook = api.create_webhook(url=receiver.url, watched=[{"type": "user", "name": "alice"}], secret="s3cret")
    assert webhook.url == receiver.url and webhook.domains == ["discussion", "repo"] and webhook.disabled is False
    assert [w.id for w in api.list_webhooks()] == [webhook.id]
    assert api.get_webhook(webhook.id).secret == "s3cret"

    api.create_repo("alice/demo")
    commit = api.upload_file(path_or_fileobj=b"hello", path_in_repo="a.txt", repo_id="alice/demo").oid
    api.create_branch("alice/demo", branch="dev")
    api.upload_file(path_or_fileobj=b"change", path_in_repo="b.txt", repo_id="alice/demo", create_pr=True)
    api.update_repo_settings("alice/demo", private=True)
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/demo", "alice", alice), str(work))
    pushed = git.commit_file(work, "c.txt", "pushed\n", "push")
    git("push", "-q", "origin", "main", cwd=work)

    payloads = receiver.wait_for(6)
    assert events(payloads) == [
        ("repo", "create", "alice/demo"), ("repo.content", "update", "alice/demo"),
        ("repo.content", "update", "alice/demo"), ("discussion", "create", "alice/demo"),
        ("repo.config", "update", "alice/demo"), ("repo.content", "update", "alice/demo"),
    ]
    headers = receiver.payloads[0][0]
    assert headers["X-Webhook-Secret"] == "s3cret" and headers["Content-Type"] == "application/json"
    created, upload, branch, pull_request, config, push = payloads
    assert created["webhook"]["id"] == webhook.id
    assert upload["updatedRefs"][0]["ref"] == "refs/heads/main" and upload["updatedRefs"][0]["newSha"] == commit
    assert branch["updatedRefs"] == [{"ref": "refs/heads/dev", "oldSha": None, "newSha": commit}]
    assert pull_request["discussion"]["isPullRequest"] is True and pull_request["discussion"]["num"] == 1
    assert config["updatedConfig"] == {"private": True} and config["repo"]["private"] is True
    assert push["updatedRefs"] == [{"ref": "refs/heads/main", "oldSha": commit, "newSha": pushed}]
    assert push["repo"]["headSha"] == pushed

    # Disabled: nothing is sent; enabled again: changes are.
    assert api.disable_webhook(webhook.id).disabled is True
    api.create_tag("alice/demo", tag="v1")
    time.sleep(2.5)
    assert len(receiver.payloads) == 6
    api.enable_webhook(webhook.id)
    api.create_tag("alice/demo", tag="v2")
    assert events(receiver.wait_for(7)[6:]) == [("repo.content", "update", "alice/demo")]

    # Watching discussions only: repository changes are not sent.
    assert api.update_webhook(webhook.id, watched=[{"type": "model", "name": "alice/demo"}], domains=["discussion"]).domains == ["discussion"]
    api.delete_tag("alice/demo", tag="v2")
    api.upload_file(path_or_fileobj=b"more", path_in_repo="d.txt", repo_id="alice/demo", create_pr=True)
    assert events(receiver.wait_for(8)[7:]) == [("discussion", "create", "alice/demo")]

    status, _, log = hub.api("GET", f"/api/settings/webhooks/{webhook.id}/deliveries", alice)
    assert status == 200 and len(log) == 8 and all(entry["delivered"] and entry["status"] == 200 for entry in log)
    api.delete_webhook(webhook.id)
    assert api.list_webhooks() == []


def test_discussions_comments_and_merges_are_delivered_as_huggingface_hub_parses_them(hub_factory, receiver):
    """The discussion domain: a discussion opened, commented, edited, hidden, renamed and closed, a
    pull request merged; each payload is what huggingface_hub's `WebhookPayload` (the model its
    webhooks server validates with) accepts."""
    from huggingface_hub import WebhookPayload

    # (The hub's links point at http://hub.example, so only calls that do not parse the links
    # the hub answers with go through HfApi: the repository and the commit are made directly.)
    hub = hub_factory(env={"MODELHUB_WEBHOOK_ALLOWED_HOSTS": receiver.host, "MODELHUB_PUBLIC_URL": "http://hub.example"})
    alice, bob = hub.create_user("alice"), hub.create_user("bob")
    api, bobs = HfApi(endpoint=hub.url, token=alice), HfApi(endpoint=hub.url, token=bob)
    assert hub.api("POST", "/api/repos/create", alice, {"name": "talk"})[0] == 200
    api.create_webhook(url=receiver.url, watched=[{"type": "model", "name": "alice/talk"}], domains=["discussion"])
    bobs.create_discussion("alice/talk", "A question", description="Why?")
    comment = api.comment_discussion("alice/talk", 1, "Because.")
    bobs.comment_discussion("alice/talk", 1, "I see")
    api.edit_discussion_comment("alice/talk", 1, comment.id, "Because it is.")
    api.rename_discussion("alice/talk", 1, "A good question")
    api.change_discussion_status("alice/talk", 1, "closed")
    proposal = bobs.create_pull_request("alice/talk", "Add x")
    lines = [{"key": "header", "value": {"summary": "Add x", "description": ""}},
             {"key": "file", "value": {"path": "x.txt", "content": "eA==", "encoding": "base64"}}]
    request = urllib.request.Request(
        f"{hub.url}/api/models/alice/talk/commit/refs%2Fpr%2F{proposal.num}", method="POST",
        data="\n".join(json.dumps(line) for line in lines).encode(),
        headers={"Authorization": f"Bearer {bob}", "Content-Type": "application/x-ndjson"})
    urllib.request.urlopen(request, timeout=30).close()
    api.merge_pull_request("alice/talk", proposal.num)

    payloads = receiver.wait_for(9)
    assert [(p["event"]["scope"], p["event"]["action"]) for p in payloads] == [
        ("discussion", "create"), ("discussion.comment", "create"), ("discussion.comment", "create"),
        ("discussion.comment", "update"), ("discussion", "update"), ("discussion", "update"), ("discussion", "create"),
        ("discussion", "update"), ("discussion", "update"),
    ]
    parsed = [WebhookPayload.model_validate(p) for p in payloads]
    assert parsed[1].comment.content == "Because." and parsed[1].comment.author.id == "alice"
    assert parsed[1].comment.url.web == f"http://hub.example/alice/talk/discussions/1#{comment.id}"
    assert parsed[3].comment.content == "Because it is."
    assert parsed[4].discussion.title == "A good question" and parsed[5].discussion.status == "closed"
    assert parsed[6].discussion.status == "draft" and parsed[7].discussion.status == "open"  # its first commit
    merged = parsed[8].discussion
    assert merged.isPullRequest and merged.status == "merged" and merged.changes.base == "refs/heads/main"
    assert merged.changes.mergeCommitId == hub.api("GET", "/api/models/alice/talk")[2]["sha"]
    assert parsed[0].discussion.url.web == "http://hub.example/alice/talk/discussions/1"


def test_a_failed_delivery_is_tried_again_and_the_log_says_so(hub_factory, tmp_path):
    receiver = Receiver(failures=1)
    try:
        hub = hub_factory(env={"MODELHUB_WEBHOOK_ALLOWED_HOSTS": receiver.host})
        alice = hub.create_user("alice")
        api = HfApi(endpoint=hub.url, token=alice)
        webhook = api.create_webhook(url=receiver.url, watched=[{"type": "model", "name": "alice/retry"}], domains=["repo"])
        started = time.monotonic()
        api.create_repo("alice/retry")
        # Answered at once, whatever the receiver does.
        assert time.monotonic() - started < 5
        assert events(receiver.wait_for(1, timeout=30)) == [("repo", "create", "alice/retry")]
        _, _, log = hub.api("GET", f"/api/settings/webhooks/{webhook.id}/deliveries", alice)
        assert [(entry["attempts"], entry["delivered"], entry["status"]) for entry in log] == [(2, True, 200)]
        assert "url" not in receiver.payloads[0][1]["repo"]  # no publicUrl configured: no links
    finally:
        receiver.close()


def test_webhooks_go_only_where_the_administrator_allows_and_report_only_what_their_owner_reads(hub_factory, receiver):
    closed = hub_factory(workdir=None)
    alice = closed.create_user("alice")
    with pytest.raises(HfHubHTTPError) as refused:
        HfApi(endpoint=closed.url, token=alice).create_webhook(url=receiver.url, watched=[{"type": "user", "name": "alice"}])
    assert refused.value.response.status_code == 400 and "webhookAllowedHosts" in str(refused.value)

    hub = hub_factory(env={"MODELHUB_WEBHOOK_ALLOWED_HOSTS": receiver.host})
    alice = hub.create_user("alice")
    bob = hub.create_user("bob")
    for url in ["http://10.0.0.1/hook", "http://127.0.0.1:1/hook", "ftp://127.0.0.1/x", f"http://user:pw@{receiver.host}/"]:
        status, headers, _ = hub.api("POST", "/api/settings/webhooks", bob, {"url": url, "watched": [{"type": "user", "name": "alice"}]})
        assert status == 400, (url, headers.get("X-Error-Message"))
    status, headers, _ = hub.api("POST", "/api/settings/webhooks", bob, {"url": receiver.url, "watched": [{"type": "team", "name": "x"}]})
    assert status == 400 and "Unknown watched type" in headers["X-Error-Message"]

    # bob watches alice: her private repository is not his to hear about, her public one is.
    watcher = HfApi(endpoint=hub.url, token=bob).create_webhook(url=receiver.url, watched=[{"type": "user", "name": "alice"}])
    owner = HfApi(endpoint=hub.url, token=alice)
    owner.create_repo("alice/secret", private=True)
    owner.create_repo("alice/open")
    assert events(receiver.wait_for(1)) == [("repo", "create", "alice/open")]
    time.sleep(1.5)
    assert len(receiver.payloads) == 1
    # Someone else's webhook does not exist for alice.
    with pytest.raises(HfHubHTTPError) as missing:
        owner.get_webhook(watcher.id)
    assert missing.value.response.status_code == 404


def test_a_user_adds_a_webhook_in_the_browser_and_reads_its_delivery_log(hub_factory, receiver, browser):
    from selenium.webdriver.common.by import By

    def wait_for(locator):
        return wait_in(browser, locator)

    hub = hub_factory(env={"MODELHUB_WEBHOOK_ALLOWED_HOSTS": receiver.host})
    alice = hub.create_user("alice")
    hub.admin("user", "password", "alice", stdin="correct horse battery\n")
    sign_in(browser, hub, "alice", "correct horse battery")

    browser.get(hub.url + "/settings/webhooks")
    browser.find_element(By.ID, "webhook-url").send_keys("http://10.1.2.3/hook")
    browser.find_element(By.ID, "webhook-watched").send_keys("user alice")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    assert "does not send webhooks to 10.1.2.3" in wait_for((By.CSS_SELECTOR, "p.error")).text

    browser.find_element(By.ID, "webhook-url").clear()
    browser.find_element(By.ID, "webhook-url").send_keys(receiver.url)
    browser.find_element(By.ID, "webhook-watched").send_keys("user alice")
    browser.find_element(By.ID, "webhook-secret").send_keys("s3cret")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    link = wait_for((By.CSS_SELECTOR, "table.webhooks a"))
    assert link.text == receiver.url

    HfApi(endpoint=hub.url, token=alice).create_repo("alice/browsed")
    assert events(receiver.wait_for(1)) == [("repo", "create", "alice/browsed")]
    assert receiver.payloads[0][0]["X-Webhook-Secret"] == "s3cret"
    link.click()
    row = wait_for((By.CSS_SELECTOR, "table.deliveries tbody tr"))
    assert "repo create" in row.text and "alice/browsed" in row.text and "delivered (200)" in row.text

    browser.get(hub.url + "/settings/webhooks")
    submit_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Disable']"))
    assert "disabled" in wait_for((By.CSS_SELECTOR, "table.webhooks .badge")).text
    browser.find_element(By.CSS_SELECTOR, "table.webhooks button[aria-label^='Delete']").click()
    assert "No webhooks yet" in wait_for((By.CSS_SELECTOR, "table.webhooks td.empty")).text
