"""Start and stop a real `modelhub serve` on loopback, and drive git and the admin CLI against it."""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / os.environ.get("MODELHUB_BINARY", ".build/debug/modelhub")  # relative to the checkout
LISTENING = re.compile(r"modelhub listening on (http://\S+)")
# Set by .ci/with-seaweedfs: every hub then keeps its LFS objects in that S3 bucket, each under a
# prefix of its own, and the whole suite runs against the S3 blob store.
S3_ENDPOINT = os.environ.get("MODELHUB_TEST_S3_ENDPOINT")
S3_BUCKET = os.environ.get("MODELHUB_TEST_S3_BUCKET", "modelhub")


def local_store_only(test):
    """For a scenario about the local blob store's own folders (or its disk filling up), which
    the S3 run has no counterpart of."""
    import pytest
    return pytest.mark.skipif(S3_ENDPOINT is not None, reason="about the local blob store's folders")(test)


def s3_client():
    import boto3
    return boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1")


class HubProcess:
    """One `modelhub serve --port 0` with its own data folder."""

    def __init__(self, workdir: pathlib.Path, extra_args: list[str] | None = None, env: dict | None = None):
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.log_path = workdir / "server.log"
        self.extra_args = extra_args or []
        self.env = dict(env or {})
        if S3_ENDPOINT and "MODELHUB_BLOB_STORE" not in self.env:
            self.env.update({
                "MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": S3_ENDPOINT, "MODELHUB_S3_BUCKET": S3_BUCKET,
                "MODELHUB_S3_PREFIX": f"test-{uuid.uuid4().hex}/",
            })
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 30) -> "HubProcess":
        env = dict(os.environ, **self.env)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(self.data_dir),
             *self.extra_args],
            stdout=subprocess.PIPE, stderr=self.log, cwd=self.workdir, env=env,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline().decode()
            if not line and self.process.poll() is not None:
                raise RuntimeError(f"modelhub exited with {self.process.returncode}: {self.log_path.read_text()}")
            match = LISTENING.search(line)
            if match:
                self.url = match.group(1)
                return self
        self.stop()
        raise RuntimeError("modelhub did not start listening in time")

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, then wait for a graceful exit; returns the exit code."""
        if self.process is None:
            return 0
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise RuntimeError("modelhub did not stop within the timeout after SIGTERM")
        process.stdout.close()
        self.log.close()
        return process.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown code runs."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        self.log.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    # --- admin CLI -------------------------------------------------------------------------

    def admin(self, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(BINARY), *args, "--data-dir", str(self.data_dir)], capture_output=True, text=True, timeout=60,
            input=stdin, env=dict(os.environ, **self.env),
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"modelhub {' '.join(args)} failed: {result.stderr}")
        return result

    def create_user(self, name: str, *extra: str) -> str:
        """Creates a user and returns its write token (the last line of stdout)."""
        return self.admin("user", "create", name, *extra).stdout.strip().splitlines()[-1]

    # --- HTTP API --------------------------------------------------------------------------

    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None):
        """Returns (status, headers, parsed JSON or text)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, _decode(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, _decode(error.read())

    def create_repo(self, token: str, name: str, **fields) -> dict:
        status, _, body = self.api("POST", "/api/repos/create", token, {"name": name, **fields})
        assert status == 200, body
        return body

    def remote(self, path: str, user: str | None = None, token: str | None = None) -> str:
        """The git remote URL of `path` (`alice/demo`, `datasets/alice/ds`), with credentials if given."""
        base = self.url
        if token:
            base = base.replace("http://", f"http://{user or 'hf_user'}:{token}@")
        return f"{base}/{path}"

    # --- the blob store ----------------------------------------------------------------------

    @property
    def uses_s3(self) -> bool:
        return self.env.get("MODELHUB_BLOB_STORE") == "s3"

    def stored_objects(self) -> dict[str, int]:
        """The LFS objects the blob store holds (oid → size), wherever it keeps them."""
        if not self.uses_s3:
            return {p.name: p.stat().st_size for p in (self.data_dir / "lfs" / "objects").glob("*/*/*")}
        prefix = self.env["MODELHUB_S3_PREFIX"] + "lfs/objects/"
        found = {}
        for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=S3_BUCKET, Prefix=prefix):
            for entry in page.get("Contents", []):
                found[entry["Key"].rsplit("/", 1)[-1]] = entry["Size"]
        return found

    def stored_object(self, oid: str) -> bytes | None:
        """The bytes the blob store holds for `oid`, or None."""
        if not self.uses_s3:
            path = self.data_dir / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
            return path.read_bytes() if path.exists() else None
        key = f"{self.env['MODELHUB_S3_PREFIX']}lfs/objects/{oid[:2]}/{oid[2:4]}/{oid}"
        try:
            return s3_client().get_object(Bucket=S3_BUCKET, Key=key)["Body"].read()
        except s3_client().exceptions.NoSuchKey:
            return None

    def stored_xorbs(self) -> dict[str, int]:
        """Xet's xorbs the hub stores (name → stored size), wherever it keeps them."""
        if not self.uses_s3:
            return {p.name: p.stat().st_size for p in (self.data_dir / "xet" / "xorbs").glob("*/*")}
        prefix = self.env["MODELHUB_S3_PREFIX"] + "xet/xorbs/"
        found = {}
        for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=S3_BUCKET, Prefix=prefix):
            for entry in page.get("Contents", []):
                found[entry["Key"].rsplit("/", 1)[-1]] = entry["Size"]
        return found

    def incoming_parts(self) -> list[str]:
        """What the blob store keeps of multipart uploads not completed yet."""
        if not self.uses_s3:
            return sorted(str(p) for p in (self.data_dir / "lfs" / "incoming").glob("*"))
        prefix = self.env["MODELHUB_S3_PREFIX"] + "lfs/incoming/"
        listed = s3_client().list_objects_v2(Bucket=S3_BUCKET, Prefix=prefix)
        return sorted(entry["Key"] for entry in listed.get("Contents", []))

    # --- invariants ------------------------------------------------------------------------

    def check_invariants(self):
        """What must hold after any scenario: git fsck clean, SQLite sound, nothing left in tmp/."""
        for repository in sorted((self.data_dir / "repos").glob("*/*/*.git")):
            fsck = subprocess.run(["git", "--git-dir", str(repository), "fsck", "--strict"],
                                  capture_output=True, text=True)
            assert fsck.returncode == 0, f"git fsck {repository}: {fsck.stderr}"
        database = sqlite3.connect(self.data_dir / "modelhub.sqlite")
        try:
            assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = database.execute("SELECT kind, namespace, name, head_commit FROM repos").fetchall()
        finally:
            database.close()
        for kind, namespace, name, indexed_head in rows:
            # The index answers listings and repo info: it must hold the head git has.
            repository = self.data_dir / "repos" / f"{kind}s" / namespace.lower() / f"{name.lower()}.git"
            head = subprocess.run(["git", "--git-dir", str(repository), "rev-parse", "--verify", "-q", "HEAD"],
                                  capture_output=True, text=True).stdout.strip() or None
            assert indexed_head == head, f"{namespace}/{name}: the index holds {indexed_head}, git {head}"
        leftovers = list((self.data_dir / "tmp").iterdir()) if (self.data_dir / "tmp").exists() else []
        assert leftovers == [], f"left in data/tmp: {leftovers}"
        if self.uses_s3:
            # Every object in the bucket is the object its key names, at its content address.
            client = s3_client()
            prefix = self.env["MODELHUB_S3_PREFIX"] + "lfs/objects/"
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=S3_BUCKET, Prefix=prefix):
                for entry in page.get("Contents", []):
                    first, second, oid = entry["Key"][len(prefix):].split("/")
                    digest = hashlib.sha256()
                    for chunk in client.get_object(Bucket=S3_BUCKET, Key=entry["Key"])["Body"].iter_chunks(1 << 20):
                        digest.update(chunk)
                    assert digest.hexdigest() == oid and first == oid[:2] and second == oid[2:4], entry["Key"]
        for stored in (self.data_dir / "lfs" / "objects").glob("*/*/*"):
            digest = hashlib.sha256()
            with open(stored, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            assert digest.hexdigest() == stored.name, f"{stored} does not hash to its name"
            assert stored.parent.name == stored.name[2:4] and stored.parent.parent.name == stored.name[:2]


def _decode(raw: bytes):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")


class Git:
    """Runs the real git with an isolated configuration and no prompts."""

    def __init__(self, home: pathlib.Path):
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            "HOME": str(home),
            "PATH": os.environ["PATH"],
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "Test Author",
            "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_COMMITTER_NAME": "Test Author",
            "GIT_COMMITTER_EMAIL": "author@example.com",
            "LANG": "C",
        }

    def __call__(self, *args: str, cwd: pathlib.Path | None = None, check: bool = True,
                 timeout: float = 120, stdin: str | None = None, env: dict | None = None
                 ) -> subprocess.CompletedProcess:
        result = subprocess.run(["git", *args], cwd=cwd, env=dict(self.env, **(env or {})), capture_output=True,
                                text=True, timeout=timeout, input=stdin)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def commit_file(self, repo: pathlib.Path, name: str, content: str | bytes, message: str) -> str:
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        self("add", name, cwd=repo)
        self("commit", "-q", "-m", message, cwd=repo)
        return self.head(repo)

    def head(self, repo: pathlib.Path, rev: str = "HEAD") -> str:
        return self("rev-parse", rev, cwd=repo).stdout.strip()
