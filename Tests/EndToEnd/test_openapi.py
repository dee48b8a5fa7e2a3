"""The OpenAPI document at /openapi.json against the running hub: openapi-spec-validator finds
it valid OpenAPI 3.1, and Schemathesis, sending generated requests (valid and invalid ones) to
every documented operation on a hub with real repositories, finds no 5xx, no response that
breaks the document, and no status or content type it does not list."""

import json
import os
import pathlib
import subprocess
import sys

from huggingface_hub import HfApi
from openapi_spec_validator import validate

HERE = pathlib.Path(__file__).parent
# A fixed seed keeps CI's run the same from one run to the next; MODELHUB_OPENAPI_SEED and
# MODELHUB_OPENAPI_EXAMPLES explore further by hand.
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


def seed(hub, token: str) -> dict:
    """Repositories with files, branches, a tag, a pull request and an LFS file; what the
    Schemathesis hooks name half of the time."""
    hub.admin("org", "create", "acme", "--owner", "alice")
    api = HfApi(endpoint=hub.url, token=token)
    api.create_repo("alice/demo")
    api.upload_file(path_or_fileobj=b"---\nlicense: mit\npipeline_tag: text-classification\n---\n# Demo\n",
                    path_in_repo="README.md", repo_id="alice/demo")
    api.upload_file(path_or_fileobj=bytes(range(256)) * 8, path_in_repo="model.safetensors", repo_id="alice/demo")
    commit = api.upload_file(path_or_fileobj=b"a,b\n1,2\n", path_in_repo="data/train.csv", repo_id="alice/demo").oid
    api.create_branch("alice/demo", branch="dev")
    api.create_tag("alice/demo", tag="v1")
    api.upload_file(path_or_fileobj=b"x", path_in_repo="f.txt", repo_id="alice/demo", create_pr=True)
    api.create_repo("alice/ds", repo_type="dataset")
    api.upload_file(path_or_fileobj=b"text\n", path_in_repo="data/train.txt", repo_id="alice/ds", repo_type="dataset")
    api.create_repo("acme/space", repo_type="space", space_sdk="gradio")
    api.create_repo("acme/hidden", private=True)
    return {
        "repos": [
            {"type": "models", "namespace": "alice", "name": "demo"},
            {"type": "datasets", "namespace": "alice", "name": "ds"},
            {"type": "spaces", "namespace": "acme", "name": "space"},
            {"type": "models", "namespace": "acme", "name": "hidden"},
        ],
        "values": {
            "revision": ["main", "dev", "v1", "refs/pr/1", commit],
            "branch": ["dev", "main", "feature"],
            "path": ["README.md", "model.safetensors", "data/train.csv", "data", "data/train.txt"],
            "org": ["acme"],
            "user": ["alice"],
            "num": [1],
        },
    }


def test_the_document_is_valid_openapi_and_the_running_hub_keeps_to_it(hub, alice, tmp_path):
    status, headers, document = hub.api("GET", "/openapi.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert "/api/{repo_type}/{namespace}/{name}/commit/{revision}" in document["paths"]

    fixtures = tmp_path / "fixtures.json"
    fixtures.write_text(json.dumps(seed(hub, alice)))
    run = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "schemathesis"), "run", f"{hub.url}/openapi.json",
         "--header", f"Authorization: Bearer {alice}", "--checks", CHECKS, "--max-examples", os.environ.get("MODELHUB_OPENAPI_EXAMPLES", "25"),
         "--seed", os.environ.get("MODELHUB_OPENAPI_SEED", "7"),
         "--no-color", "--request-timeout", "30"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(HERE), "SCHEMATHESIS_HOOKS": "openapi_hooks",
             "MODELHUB_OPENAPI_FIXTURES": str(fixtures)})
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
    assert "passed" in run.stdout and "failures" not in run.stdout.split("SUMMARY")[-1], run.stdout[-4000:]
