"""Start and stop a real `modelhub serve` on loopback, and drive git and the admin CLI against it."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pathlib
import re
import signal
import socket
import sqlite3
import subprocess
import threading
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
# Set by .ci/with-postgres; with MODELHUB_TEST_CLUSTER=1 every hub is a cluster: its index in a
# fresh PostgreSQL database, and two `modelhub serve` instances on the one data folder behind a
# round-robin proxy (one connection to one, the next to the other, as a load balancer does), so
# every scenario pushes through one instance and reads through the other.
POSTGRES_URL = os.environ.get("MODELHUB_TEST_POSTGRES_URL")
CLUSTER = os.environ.get("MODELHUB_TEST_CLUSTER") == "1"
if CLUSTER and not POSTGRES_URL:
    raise RuntimeError("MODELHUB_TEST_CLUSTER=1 needs PostgreSQL: run under .ci/with-postgres")


def local_store_only(test):
    """For a scenario about the local blob store's own folders (or its disk filling up), which
    the S3 run has no counterpart of."""
    import pytest
    return pytest.mark.skipif(S3_ENDPOINT is not None, reason="about the local blob store's folders")(test)


def single_instance_only(reason: str):
    """For a scenario about one process's own limits or memory, which a cluster of two
    instances behind a proxy has no single counterpart of."""
    import pytest
    return pytest.mark.skipif(CLUSTER, reason=reason)


def embedded_index_only(test):
    """For a scenario about the embedded SQLite file itself."""
    import pytest
    return pytest.mark.skipif(CLUSTER, reason="about the embedded SQLite index")(test)


def postgres(url: str, sql: str) -> list[list[str]]:
    """Rows of `sql` on the PostgreSQL database at `url`, through Debian's psql."""
    psql = pathlib.Path(os.environ.get("PG_BIN", "/usr/bin")) / "psql"
    result = subprocess.run([str(psql), "-X", "-q", "-At", "-F", "\t", "-d", url, "-c", sql],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr}")
    return [line.split("\t") for line in result.stdout.splitlines()]


def fresh_postgres_database() -> str:
    """A new empty database on the test server; its URL."""
    name = f"hub_{uuid.uuid4().hex}"
    postgres(POSTGRES_URL, f"CREATE DATABASE {name}")
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}?sslmode=disable"


def s3_client():
    import boto3
    return boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1")


class HubProcess:
    """One `modelhub serve --port 0` with its own data folder."""

    def __init__(self, workdir: pathlib.Path, extra_args: list[str] | None = None, env: dict | None = None,
                 embedded: bool = False):
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
        # (`embedded`: one instance on the SQLite file even in the cluster run.)
        self.cluster = CLUSTER and not embedded
        if self.cluster and "MODELHUB_DATABASE_URL" not in self.env:
            self.env["MODELHUB_DATABASE_URL"] = fresh_postgres_database()
        self.process: subprocess.Popen | None = None
        # In a cluster: the second instance, the proxy in front of both, and each one's own URL.
        self.peer: subprocess.Popen | None = None
        self.proxy: RoundRobinProxy | None = None
        self.instance_urls: list[str] = []
        self.url = ""

    def _launch(self, timeout: float) -> tuple[subprocess.Popen, str]:
        process = subprocess.Popen(
            [str(BINARY), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(self.data_dir),
             *self.extra_args],
            stdout=subprocess.PIPE, stderr=self.log, cwd=self.workdir, env=dict(os.environ, **self.env),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = process.stdout.readline().decode()
            if not line and process.poll() is not None:
                raise RuntimeError(f"modelhub exited with {process.returncode}: {self.log_path.read_text()}")
            match = LISTENING.search(line)
            if match:
                return process, match.group(1)
        process.kill()
        process.wait()
        raise RuntimeError("modelhub did not start listening in time")

    def start(self, timeout: float = 30) -> "HubProcess":
        self.log = open(self.log_path, "ab")
        try:
            self.process, url = self._launch(timeout)
            self.instance_urls = [url]
            self.url = url
            if self.cluster:
                self.peer, peer_url = self._launch(timeout)
                self.instance_urls.append(peer_url)
                self.proxy = RoundRobinProxy(self.instance_urls)
                self.url = self.proxy.url
        except Exception:
            self.kill()
            raise
        return self

    @property
    def pids(self) -> list[int]:
        """Every running instance's process id (one, or a cluster's two)."""
        return [process.pid for process in self.processes]

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [process for process in (self.process, self.peer) if process is not None]

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, then wait for a graceful exit; returns the exit code (the first non-zero one
        of a cluster's instances)."""
        processes = self.processes
        if not processes:
            return 0
        self.process = self.peer = None
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in processes:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise RuntimeError("modelhub did not stop within the timeout after SIGTERM")
            process.stdout.close()
            codes.append(process.returncode)
        self._close_proxy()
        self.log.close()
        return next((code for code in codes if code != 0), 0)

    def kill(self) -> None:
        """SIGKILL (every instance of a cluster), as a crash or the OOM killer would: no shutdown
        code runs."""
        processes = self.processes
        self.process = self.peer = None
        for process in processes:
            process.send_signal(signal.SIGKILL)
            process.wait()
            process.stdout.close()
        self._close_proxy()
        if processes:
            self.log.close()

    def kill_instance(self, which: int) -> None:
        """SIGKILL of one instance of a cluster (0 or 1); the proxy sends every later connection
        to the other."""
        process = self.process if which == 0 else self.peer
        assert process is not None and self.proxy is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        self.proxy.drop(self.instance_urls[which])
        if which == 0:
            self.process, self.peer = self.peer, None
            self.instance_urls = self.instance_urls[1:]
        else:
            self.peer = None
            self.instance_urls = self.instance_urls[:1]

    def _close_proxy(self) -> None:
        if self.proxy is not None:
            self.proxy.close()
            self.proxy = None

    @property
    def index_env(self) -> dict:
        """What another hub on the same data folder needs to open the same index."""
        return {key: self.env[key] for key in ("MODELHUB_DATABASE_URL",) if key in self.env}

    def index_rows(self, sql: str) -> list[tuple]:
        """Rows of `sql` on the hub's index, SQLite or PostgreSQL (text columns; NULL is None)."""
        if "MODELHUB_DATABASE_URL" in self.env:
            return [tuple(value if value != "" else None for value in row)
                    for row in postgres(self.env["MODELHUB_DATABASE_URL"], sql)]
        database = sqlite3.connect(self.data_dir / "modelhub.sqlite")
        try:
            return database.execute(sql).fetchall()
        finally:
            database.close()

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

    def replace_stored_object(self, oid: str, data: bytes | None) -> None:
        """Puts `data` in the blob store as `oid` behind the hub's back, or deletes it (None): what
        a damaged disk or a mistaken bucket policy would do."""
        if not self.uses_s3:
            path = self.data_dir / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
            if data is None:
                path.unlink()
            else:
                path.write_bytes(data)
            return
        key = f"{self.env['MODELHUB_S3_PREFIX']}lfs/objects/{oid[:2]}/{oid[2:4]}/{oid}"
        if data is None:
            s3_client().delete_object(Bucket=S3_BUCKET, Key=key)
        else:
            s3_client().put_object(Bucket=S3_BUCKET, Key=key, Body=data)

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

    def writes_in_flight(self) -> list[pathlib.Path]:
        """What is in data/tmp besides running hubs' own empty areas: writes in flight, and
        whatever a dead hub left (an area whose lock file nobody holds, or anything loose), which
        the next `serve` to start removes."""
        tmp = self.data_dir / "tmp"
        if not tmp.exists():
            return []
        entries = sorted(tmp.iterdir())
        live = set()
        for lock in (entry for entry in entries if entry.suffix == ".lock"):
            with open(lock, "rb") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(handle, fcntl.LOCK_UN)
                except BlockingIOError:
                    live.update({lock, lock.with_suffix("")})
        left = [entry for entry in entries if entry not in live]
        for area in (entry for entry in live if entry.suffix != ".lock" and entry.is_dir()):
            left.extend(sorted(area.iterdir()))
        return left

    def check_invariants(self):
        """What must hold after any scenario: git fsck clean, SQLite sound, the index's heads are
        git's, nothing left in tmp/, every stored object hashes to its name."""
        for repository in sorted((self.data_dir / "repos").glob("*/*/*.git")):
            fsck = subprocess.run(["git", "--git-dir", str(repository), "fsck", "--strict"],
                                  capture_output=True, text=True)
            assert fsck.returncode == 0, f"git fsck {repository}: {fsck.stderr}"
        if "MODELHUB_DATABASE_URL" not in self.env:
            assert self.index_rows("PRAGMA integrity_check")[0][0] == "ok"
        rows = self.index_rows("SELECT kind, namespace, name, head_commit FROM repos")
        for kind, namespace, name, indexed_head in rows:
            # The index answers listings and repo info: it must hold the head git has.
            repository = self.data_dir / "repos" / f"{kind}s" / namespace.lower() / f"{name.lower()}.git"
            head = subprocess.run(["git", "--git-dir", str(repository), "rev-parse", "--verify", "-q", "HEAD"],
                                  capture_output=True, text=True).stdout.strip() or None
            assert indexed_head == head, f"{namespace}/{name}: the index holds {indexed_head}, git {head}"
        leftovers = self.writes_in_flight()
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


class RoundRobinProxy:
    """A TCP load balancer on loopback: each new connection goes to the next instance in turn,
    bytes relayed both ways unchanged (half-closes included), like HAProxy in TCP mode."""

    def __init__(self, urls: list[str]):
        self.backends = [tuple(url.removeprefix("http://").rsplit(":", 1)) for url in urls]
        self.backends = [(host, int(port)) for host, port in self.backends]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.lock = threading.Lock()
        self.turn = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def drop(self, url: str) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        with self.lock:
            self.backends = [backend for backend in self.backends if backend != (host, int(port))]

    def close(self) -> None:
        """Stops accepting. Connections already relayed end on their own once the instances
        behind them have exited: what those wrote before exiting still reaches the client."""
        self.closed = True
        # Wakes the thread blocked in accept(); closing alone would not, and the listener's file
        # descriptor, reused by the next socket, would then be accepted on by this dead proxy.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                backend = self.backends[self.turn % len(self.backends)]
                self.turn += 1
            try:
                upstream = socket.create_connection(backend, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for connection in (client, upstream):
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pending = [2]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._relay, args=(source, target, client, upstream, pending), daemon=True).start()

    def _relay(self, source, target, client, upstream, pending) -> None:
        try:
            while True:
                data = source.recv(1 << 20)
                if not data:
                    break
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            for connection in (client, upstream):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        with self.lock:
            pending[0] -= 1
            done = pending[0] == 0
        if done:
            client.close()
            upstream.close()
