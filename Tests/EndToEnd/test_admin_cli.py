"""The admin commands, run against the same data folder as a running server."""

import subprocess

from hubprocess import BINARY, embedded_index_only


def test_user_create_prints_token_last_and_it_works(hub):
    token = hub.create_user("__ci_user__", "--fullname", "CI", "--email", "ci@example.com")
    status, _, body = hub.api("GET", "/api/whoami-v2", token)
    assert status == 200
    assert body["name"] == "__ci_user__" and body["fullname"] == "CI"
    assert body["auth"]["accessToken"]["role"] == "write"


def test_explicit_token_value_is_accepted(hub):
    token = hub.create_user("admin", "--admin", "--token", "hf_enterprise_admin_token")
    assert token == "hf_enterprise_admin_token"
    assert hub.api("GET", "/api/whoami-v2", token)[0] == 200


def test_duplicate_user_fails_with_one_line_and_changes_nothing(hub):
    first = hub.create_user("alice")
    result = hub.admin("user", "create", "ALICE", check=False)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "already exists" in result.stderr
    assert result.stdout == ""
    assert hub.api("GET", "/api/whoami-v2", first)[2]["name"] == "alice"


def test_bad_inputs_exit_nonzero_with_one_clear_line(hub):
    hub.create_user("alice")
    cases = [
        (["user", "create", "bad--name"], "Invalid name"),
        (["user", "create", "datasets"], "reserved"),
        (["user", "create", "API"], "reserved"),
        (["user", "create", "bob", "--token", "short"], "8 to 256"),
        (["user", "create", "bob", "--token", "has space in it"], "visible ASCII"),
        (["token", "create", "nobody"], "not found"),
        (["token", "list", "nobody"], "not found"),
        (["token", "revoke", "alice", "no-such-token"], "not found"),
    ]
    for args, text in cases:
        result = hub.admin(*args, check=False)
        assert result.returncode != 0, args
        assert text in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
    # Nothing was created by the refused commands.
    assert hub.admin("user", "create", "bob").returncode == 0


def test_token_create_list_revoke(hub, git, tmp_path):
    hub.create_user("alice")
    read = hub.admin("token", "create", "alice", "--role", "read", "--name", "ci-read").stdout.strip().splitlines()[-1]
    write = hub.admin("token", "create", "alice", "--name", "laptop").stdout.strip().splitlines()[-1]
    listing = hub.admin("token", "list", "alice").stdout
    assert "ci-read\tread" in listing and "laptop\twrite" in listing and "default\twrite" in listing
    assert read not in listing and write not in listing

    hub.create_repo(write, "demo")
    work = tmp_path / "work"
    git("clone", "-q", hub.remote("alice/demo"), str(work))
    git.commit_file(work, "a.txt", "a\n", "a")
    denied = git("push", hub.remote("alice/demo", "alice", read), "main", cwd=work, check=False)
    assert denied.returncode != 0 and "403" in denied.stderr

    hub.admin("token", "revoke", "alice", "laptop")
    revoked = git("push", hub.remote("alice/demo", "alice", write), "main", cwd=work, check=False)
    assert revoked.returncode != 0 and "Authentication failed" in revoked.stderr
    assert hub.api("GET", "/api/whoami-v2", write)[0] == 401


def test_unknown_config_key_fails_at_start(tmp_path):
    config = tmp_path / "bad.json"
    config.write_text('{"port": 0, "dataDirectory": "x"}')
    result = subprocess.run([str(BINARY), "serve", "--config", str(config)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "unknown key 'dataDirectory'" in result.stderr


@embedded_index_only
def test_environment_overrides_config_file_and_flags_override_environment(hub_factory, tmp_path):
    config = tmp_path / "hub.json"
    config.write_text('{"port": 1, "logLevel": "warning"}')
    # The environment's port 0 beats the file's port 1; the flag's data dir beats the environment's.
    process = hub_factory(extra_args=["--config", str(config)],
                          env={"MODELHUB_PORT": "0", "MODELHUB_DATA_DIR": str(tmp_path / "ignored")})
    assert process.api("GET", "/api/agent-harnesses")[0] == 200
    assert (process.workdir / "data" / "modelhub.sqlite").exists()
    assert not (tmp_path / "ignored").exists()
