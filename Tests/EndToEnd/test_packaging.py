"""The Dockerfile, which cannot be built here (no Docker engine): hadolint finds nothing in it, its
build stage installs what CI builds with, and its runtime stage installs the library each build
package provides, runs as an unprivileged user and checks /health/ready."""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# Linked statically (.ci/build-blake3 builds it from Debian's sources): nothing to install at runtime.
STATIC = {"librust-blake3-dev"}


def stages() -> list[str]:
    return re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)[1:]


def installed(stage: str) -> set[str]:
    """The packages a stage's `apt-get install` lines name."""
    joined = stage.replace("\\\n", " ")
    packages = set()
    for command in re.findall(r"apt-get install ([^&\n]*)", joined):
        packages |= {word for word in command.split() if not word.startswith("-")}
    return packages


def ci_packages() -> set[str]:
    lines = (ROOT / ".ci/debian-packages").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_hadolint_finds_nothing():
    hadolint = pathlib.Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_builds_with_what_ci_builds_with():
    build, _ = stages()
    assert installed(build) <= ci_packages(), installed(build) - ci_packages()


def test_the_runtime_installs_the_library_of_every_build_package():
    build, runtime = stages()
    for package in sorted(installed(build)):
        if not package.endswith("-dev") or package in STATIC:
            continue
        depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package],
                                 capture_output=True, text=True, check=True).stdout
        # A -dev package depends on its library at the exact version: `libgit2-dev` on `libgit2-1.5 (= …)`.
        stem = package.removesuffix("-dev")
        libraries = [name for name in re.findall(r"([a-z0-9][a-z0-9.+-]*) \(= ", depends) if name.startswith(stem)]
        assert libraries, f"{package} depends on no library of its own: {depends}"
        assert set(libraries) <= installed(runtime), f"the runtime stage lacks {libraries} (for {package})"
    assert {"git", "git-lfs", "curl"} <= installed(runtime)


def test_the_container_runs_unprivileged_and_reports_readiness():
    _, runtime = stages()
    user = re.search(r"^USER (\S+)", runtime, flags=re.MULTILINE)
    assert user and user.group(1).split(":")[0] not in ("0", "root")
    assert re.search(r"^HEALTHCHECK .*\n?.*CMD .*/health/ready", runtime, flags=re.MULTILINE)
    assert re.search(r"^VOLUME /data", runtime, flags=re.MULTILINE)
