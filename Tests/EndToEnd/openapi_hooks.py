"""Schemathesis hooks for test_openapi.py (loaded through SCHEMATHESIS_HOOKS).

Generated path parameters name repositories, revisions and files that do not exist, so almost
every request would stop at a 404 before the code behind it runs. These hooks send, half of
the time, names that the test hub does have (MODELHUB_OPENAPI_FIXTURES, a JSON file the test
writes), and the other half what Schemathesis drew. They also teach Schemathesis to send the
commit endpoint's NDJSON body."""

import json
import os
import zlib

import schemathesis
from hypothesis import strategies as st

FIXTURES = json.loads(open(os.environ["MODELHUB_OPENAPI_FIXTURES"]).read())


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    """The body as generated: a string (or its bytes), sent as it is."""
    return value if isinstance(value, bytes) else str(value).encode()


def realistic(parameters: dict) -> dict:
    """`parameters` with the names the hub has, where it names them."""
    chosen = dict(parameters)
    # A stable choice (Python's hash() changes from run to run): the same draw, the same repository.
    drawn = zlib.crc32(json.dumps(parameters, sort_keys=True, default=str).encode())
    repo = FIXTURES["repos"][drawn % len(FIXTURES["repos"])]
    if "repo_type" in chosen:
        chosen["repo_type"] = repo["type"]
    if "file_repo_type" in chosen:
        chosen["file_repo_type"] = "datasets"
        repo = next(r for r in FIXTURES["repos"] if r["type"] == "datasets")
    elif "repo_type" not in chosen and "namespace" in chosen:
        repo = next(r for r in FIXTURES["repos"] if r["type"] == "models")
    for key in ("namespace", "name"):
        if key in chosen:
            chosen[key] = repo[key]
    for key, values in FIXTURES["values"].items():
        if key in chosen:
            chosen[key] = values[drawn % len(values)]
    return chosen


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, realistic(path_parameters)])
