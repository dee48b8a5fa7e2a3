"""The web UI in a real browser: headless Chromium driven by Selenium (Debian's chromium and
chromium-driver). One journey through the pages a person uses, with a screenshot of each saved
under the test output folder ($MODELHUB_TEST_OUTPUT, default .build/test-output/screenshots).
"""

import base64
import json
import os
import pathlib
import shutil
import subprocess

import pytest
from huggingface_hub import HfApi

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
OUTPUT = pathlib.Path(os.environ.get("MODELHUB_TEST_OUTPUT", ".build/test-output")) / "screenshots"

SPACE_SCRIPT = """
const out = document.getElementById('out');
const results = [];
try { results.push('cookie=' + document.cookie); } catch (e) { results.push('cookie:' + e.name); }
try { localStorage.setItem('x', '1'); results.push('storage=ok'); } catch (e) { results.push('storage:' + e.name); }
fetch('/settings/tokens', {credentials: 'include'})
  .then(r => r.text())
  .then(t => results.push(t.includes('csrf') ? 'hub=signed-in' : 'hub=anonymous'), e => results.push('hub:' + e.name))
  .finally(() => { out.textContent = results.join(' '); });
"""


@pytest.fixture
def browser():
    if not os.path.exists(CHROMEDRIVER) or shutil.which("chromium") is None:
        message = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)  # .ci/run installs them: in CI a missing browser is a failure, never a skip
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu", "--no-first-run"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(browser, locator, timeout: float = 10):
    """The element `locator` finds, once the page has one."""
    return WebDriverWait(browser, timeout).until(expected_conditions.presence_of_element_located(locator))


def sign_in(browser, hub, name: str, password: str):
    """Signs `name` in through the sign-in form, after dropping whoever was signed in."""
    browser.delete_all_cookies()
    browser.get(hub.url + "/login")
    browser.find_element(By.ID, "name").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait_for(browser, (By.CSS_SELECTOR, f"nav.account a[href='/{name}']"))


def submit_and_wait(browser, button):
    """Clicks a form's button and waits for the page it leads to, not the one still showing."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def commit(hub, token, repo, files, kind="models", revision="main"):
    lines = [{"key": "header", "value": {"summary": "add files", "description": ""}}]
    for path, content in files.items():
        lines.append({"key": "file", "value": {"path": path, "content": base64.b64encode(content.encode()).decode(),
                                               "encoding": "base64"}})
    body = "\n".join(json.dumps(line) for line in lines).encode()
    result = subprocess.run(["curl", "-s", "-f", "-X", "POST", "-H", f"Authorization: Bearer {token}",
                             "-H", "Content-Type: application/x-ndjson", "--data-binary", "@-",
                             f"{hub.url}/api/{kind}/{repo}/commit/{revision}"], input=body, capture_output=True)
    assert result.returncode == 0, result.stderr


def test_a_person_finds_reads_and_manages_everything_in_a_browser(hub, browser):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shots = []

    def shot(name):
        path = OUTPUT / f"{len(shots) + 1:02d}-{name}.png"
        browser.save_screenshot(str(path))
        shots.append(path)

    def wait_for(locator):
        return WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located(locator))

    alice = hub.create_user("alice")
    hub.admin("user", "password", "alice", stdin="correct horse battery\n")
    hub.create_user("bob")
    hub.admin("org", "create", "acme", "--owner", "alice")
    hub.admin("org", "member", "acme", "bob", "--role", "write")
    api = HfApi(endpoint=hub.url, token=alice)
    api.create_repo("acme/german-spam-detector")
    commit(hub, alice, "acme/german-spam-detector", {
        "README.md": "---\nlanguage: de\nlicense: mit\npipeline_tag: text-classification\nlibrary_name: transformers\n---\n"
                     "# German spam detector\n\nFinds spam in German e-mails.\n",
        "config.json": '{"labels": ["ham", "spam"]}\n',
    })
    api.create_branch("acme/german-spam-detector", branch="dev")
    commit(hub, alice, "acme/german-spam-detector", {"dev-notes.txt": "only on dev\n"}, revision="dev")
    api.create_repo("acme/english-spam")
    commit(hub, alice, "acme/english-spam", {
        "README.md": "---\nlanguage: en\npipeline_tag: text-classification\n---\n# English spam\n"})
    api.create_repo("acme/german-translator")
    commit(hub, alice, "acme/german-translator", {"README.md": "---\nlanguage: de\npipeline_tag: translation\n---\n# Translator\n"})
    api.create_repo("alice/demo", repo_type="space", space_sdk="static")
    commit(hub, alice, "alice/demo", {
        "index.html": '<html><body><h1>Demo</h1><p id="out">running</p><script src="app.js"></script></body></html>',
        "app.js": SPACE_SCRIPT}, kind="spaces")

    # Sign in.
    browser.get(hub.url + "/login")
    shot("sign-in")
    browser.find_element(By.ID, "name").send_keys("alice")
    browser.find_element(By.ID, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait_for((By.CSS_SELECTOR, "nav.account a[href='/alice']"))
    shot("home-signed-in")
    session = browser.get_cookie("modelhub_session")
    assert session and session["httpOnly"] and session.get("sameSite") == "Lax"

    # Find a German spam classifier by task and language.
    browser.get(hub.url + "/models")
    browser.find_element(By.LINK_TEXT, "text-classification").click()
    wait_for((By.CSS_SELECTOR, "a.active"))
    browser.find_element(By.LINK_TEXT, "de").click()
    wait_for((By.XPATH, "//a[@class='active' and text()='de']"))
    shot("models-filtered")
    results = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".results .card strong")]
    assert results == ["acme/german-spam-detector"]

    # Open it and read its card.
    browser.find_element(By.LINK_TEXT, "acme/german-spam-detector").click()
    heading = wait_for((By.CSS_SELECTOR, "article.readme h1"))
    assert heading.text == "German spam detector"
    assert "Finds spam in German e-mails." in browser.find_element(By.CSS_SELECTOR, "article.readme").text
    shot("model-card")

    # Its files, one file, then the dev branch.
    browser.find_element(By.LINK_TEXT, "Files").click()
    browser.find_element(By.LINK_TEXT, "config.json").click()
    code = wait_for((By.CSS_SELECTOR, "pre.file code"))
    assert '"spam"' in code.text
    shot("file-view")
    browser.get(hub.url + "/acme/german-spam-detector/tree/main")
    Select(browser.find_element(By.ID, "rev")).select_by_visible_text("dev")
    browser.find_element(By.CSS_SELECTOR, "form.revision button").click()
    wait_for((By.LINK_TEXT, "dev-notes.txt"))
    assert browser.current_url.endswith("/tree/dev")
    shot("tree-dev-branch")

    # Create a token: shown once, and it works with huggingface_hub.
    browser.get(hub.url + "/settings/tokens")
    browser.find_element(By.ID, "token-name").send_keys("from-the-browser")
    Select(browser.find_element(By.ID, "token-role")).select_by_value("read")
    browser.find_element(By.XPATH, "//button[text()='Create token']").click()
    token = wait_for((By.ID, "new-token")).text
    shot("token-created")
    assert HfApi(endpoint=hub.url, token=token).whoami()["name"] == "alice"
    browser.get(hub.url + "/settings/tokens")
    assert token not in browser.page_source

    # Change a member's role.
    browser.get(hub.url + "/organizations/acme/members")
    Select(browser.find_element(By.ID, "role-bob")).select_by_value("read")
    browser.find_element(By.XPATH, "//select[@id='role-bob']/following-sibling::button").click()
    wait_for((By.XPATH, "//select[@id='role-bob']/option[@value='read' and @selected]"))
    shot("members")
    members = {m.username: m for m in api.list_organization_members("acme")}
    assert members["bob"].role == "read"

    # A static Space runs, but cannot read the hub's cookie or storage, nor act as the visitor.
    browser.get(hub.url + "/spaces/alice/demo")
    frame = wait_for((By.CSS_SELECTOR, "iframe.space-app"))
    browser.switch_to.frame(frame)
    WebDriverWait(browser, 10).until(lambda driver: driver.find_element(By.ID, "out").text != "running")
    outcome = browser.find_element(By.ID, "out").text
    browser.switch_to.default_content()
    shot("static-space")
    assert "cookie:SecurityError" in outcome and "storage:SecurityError" in outcome, outcome
    assert "hub:TypeError" in outcome and session["value"] not in outcome, outcome

    # On a phone: the same page, one column, nothing wider than the screen.
    browser.set_window_size(390, 844)
    browser.get(hub.url + "/acme/german-spam-detector")
    wait_for((By.CSS_SELECTOR, "article.readme h1"))
    shot("phone-model-card")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")

    assert len(shots) == 10 and all(path.stat().st_size > 1000 for path in shots)
