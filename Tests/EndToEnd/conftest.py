import os
import pathlib

# huggingface_hub reads these when it is imported, so they are set before any test module imports it.
# modelhub does not speak Xet: LFS-mode uploads go through the LFS batch API.
os.environ["HF_HUB_DISABLE_XET"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"

import pytest  # noqa: E402

from hubprocess import BINARY, Git, HubProcess, running_hub  # noqa: E402


def pytest_configure(config):
    if not BINARY.exists():
        raise pytest.UsageError(f"{BINARY} is missing: run `swift build` first")


@pytest.fixture
def hub(tmp_path: pathlib.Path):
    """A running modelhub on a fresh data folder; stopped (SIGTERM) and checked after the test."""
    with running_hub(tmp_path) as process:
        yield process


@pytest.fixture
def git(tmp_path: pathlib.Path) -> Git:
    return Git(tmp_path / "home")


@pytest.fixture
def alice(hub: HubProcess) -> str:
    """A user named alice; the value is her write token."""
    return hub.create_user("alice")
