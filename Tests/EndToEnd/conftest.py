import os
import pathlib

# huggingface_hub reads these when it is imported, so they are set before any test module imports it.
# These scenarios drive the Git LFS path; test_xet.py runs the default client (Xet enabled) in
# subprocesses of its own.
os.environ["HF_HUB_DISABLE_XET"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"

import pytest  # noqa: E402

from hubprocess import BINARY, Git, HubProcess  # noqa: E402


def pytest_configure(config):
    if not BINARY.exists():
        raise pytest.UsageError(f"{BINARY} is missing: run `swift build` first")


@pytest.fixture
def hub_factory(tmp_path: pathlib.Path):
    """The one way tests get servers: `hub_factory(env=…, extra_args=…, workdir=…)` returns a
    started `modelhub serve` on a fresh data folder (`start=False`: not started yet;
    `embedded=True`: one instance on SQLite even in the cluster run). At the end of
    the test every one still running is stopped with SIGTERM and must exit 0, and every one's
    invariants are checked (`HubProcess.check_invariants`), whatever the test did to it."""
    made: list[HubProcess] = []

    def make(env: dict | None = None, extra_args: list[str] | None = None, workdir: pathlib.Path | None = None,
             start: bool = True, embedded: bool = False) -> HubProcess:
        if workdir is None:
            workdir = tmp_path / ("hub" if not made else f"hub{len(made) + 1}")
        workdir.mkdir(parents=True, exist_ok=True)
        process = HubProcess(workdir, extra_args=extra_args, env=env, embedded=embedded)
        made.append(process)
        return process.start() if start else process

    yield make
    exit_codes = [process.stop() for process in made if process.process is not None]
    assert exit_codes == [0] * len(exit_codes), f"modelhub exited with {exit_codes} on SIGTERM"
    for process in made:
        process.check_invariants()


@pytest.fixture
def hub(hub_factory) -> HubProcess:
    """A running modelhub on a fresh data folder; stopped (SIGTERM) and checked after the test."""
    return hub_factory()


@pytest.fixture
def git(tmp_path: pathlib.Path) -> Git:
    return Git(tmp_path / "home")


@pytest.fixture
def alice(hub: HubProcess) -> str:
    """A user named alice; the value is her write token."""
    return hub.create_user("alice")


@pytest.fixture
def api(hub: HubProcess, alice: str):
    """huggingface_hub's HfApi pointed at the hub, as alice."""
    from huggingface_hub import HfApi
    return HfApi(endpoint=hub.url, token=alice)
