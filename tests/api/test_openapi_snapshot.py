"""The OpenAPI document is pinned: bot teams generate clients from it, so a change to it must be
deliberate. The committed snapshot (tests/api/openapi.snapshot.json) is what the API documents;
when a change is intended, regenerate it with `make openapi` and commit both."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
OPERATION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Generated clients name their methods after these: they never change (add new ones).
OPERATION_IDS = {
    ("get", "/api/v1/health"): "health",
    ("get", "/api/v1/personas/"): "list_personas",
    ("get", "/api/v1/personas/{slug}/"): "get_persona",
    ("get", "/api/v1/scripts/"): "list_scripts",
    ("get", "/api/v1/scripts/{script_id}/"): "get_script",
    ("post", "/api/v1/scripts/{script_id}/render"): "render_script",
    ("get", "/api/v1/calendar/"): "list_calendar_entries",
    ("get", "/api/v1/hot-topics/"): "list_hot_topics",
    ("get", "/api/v1/search/"): "search",
    ("post", "/api/v1/events/"): "report_events",
    ("post", "/api/v1/compliance/check"): "check_compliance",
    # Coze/Dify tools are named by these: they must not change either.
    ("post", "/api/v1/scripts/{script_id}/render-flat"): "render_script_flat",
    ("post", "/api/v1/dify/retrieval"): "dify_retrieval",
    ("post", "/api/v1/dify/extension"): "dify_extension",
    ("post", "/api/v1/fastgpt/v1/file/list"): "fastgpt_file_list",
    ("get", "/api/v1/fastgpt/v1/file/content"): "fastgpt_file_content",
    ("get", "/api/v1/fastgpt/v1/file/read"): "fastgpt_file_read",
}


def current_document() -> dict:
    from site_config.api import api

    return api.get_openapi_schema()


def render(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_every_operation_has_a_stable_id_and_a_summary():
    document = current_document()
    seen = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert OPERATION_ID.match(operation.get("operationId", "")), where
            assert operation["operationId"] not in seen, f"{where}: duplicate operationId"
            seen.add(operation["operationId"])
            assert operation.get("summary"), f"{where}: no summary"
    ids = {
        (method, path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert {key: ids.get(key) for key in OPERATION_IDS} == OPERATION_IDS


@pytest.mark.django_db
def test_document_matches_the_committed_snapshot():
    assert SNAPSHOT.exists(), "no snapshot: run `make openapi` and commit it"
    expected = SNAPSHOT.read_text(encoding="utf-8")
    actual = render(current_document())
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                "openapi.snapshot.json",
                "current",
                n=2,
            )
        )
        pytest.fail(
            "The OpenAPI document changed. If the change is intended (additive only, see "
            "../shared/API.md), run `make openapi` and commit the snapshot.\n" + diff[:6000]
        )
