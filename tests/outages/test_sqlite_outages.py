"""A SQLite file locked by another process or read-only (file-level; no server needed).

Reads keep working while only writes are blocked (a GET never writes: last_used_at is
best-effort); what cannot be done is a 503 with Retry-After, never a 500; /health says so.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest

from bots.auth import _last_used_blocked
from bots.models import BotClient
from integrations import mcp
from tests.api.conftest import Api, assert_problem

from .conftest import event_body, make_content
from .services import create_schema, default_database, sqlite_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def template(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    with django_db_blocker.unblock():
        create_schema(sqlite_settings(path))
    return path


@pytest.fixture
def database(template, tmp_path, db, whoosh_search):
    """A fresh copy of the schema as the default database, with content and a bot."""
    path = tmp_path / "db.sqlite3"
    shutil.copy(template, path)
    with default_database(sqlite_settings(path)):
        yield path


@pytest.fixture
def content(database, client):
    persona, script, bot, token = make_content()
    return Api(client, token), script, bot


def health(client) -> tuple[int, dict]:
    response = client.get("/api/v1/health")
    return response.status_code, json.loads(response.content)


def test_a_write_lock_held_elsewhere_blocks_writes_not_reads(database, content, client):
    api, script, bot = content
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing: it holds the write lock
    other.execute("UPDATE personas_persona SET brand = brand")
    try:
        # A read is a read: last_used_at is not written (and not waited for) while locked.
        assert api.get("personas/").status_code == 200
        assert api.get(f"scripts/{script.pk}/").status_code == 200
        response = api.post("events/", event_body(script))
        doc = assert_problem(response, 503, "unavailable")
        assert "database" in doc["detail"].lower() or "数据库" in doc["detail"]
        assert int(response["Retry-After"]) > 0
        status, checks = health(client)
        assert status == 503
        assert checks["checks"]["database"] == "ok"
        assert checks["checks"]["database_write"] == "locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert api.post("events/", event_body(script)).status_code == 202
    assert health(client)[1]["checks"]["database_write"] == "ok"
    # This process leaves last_used_at alone for a minute after a failed write; a minute
    # later, the next request records the use.
    _last_used_blocked.clear()
    assert api.get("personas/").status_code == 200
    assert BotClient.objects.get(pk=bot.pk).last_used_at is not None


def test_an_exclusive_lock_makes_reads_503(database, content, client):
    api, _script, _bot = content
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # e.g. a migration or a restore in progress
    try:
        response = api.get("personas/")
        assert_problem(response, 503, "unavailable")
        assert int(response["Retry-After"]) > 0
        status, checks = health(client)
        assert status == 503
        assert checks["checks"]["database"] == "error"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert api.get("personas/").status_code == 200


@pytest.fixture
def read_only(database, content):
    """The same file, read-only. Root writes through file permissions, so as root the file is
    opened read-only instead (SQLite then answers exactly as for a read-only file)."""
    api, script, bot = content
    os.chmod(database, 0o444)
    name = str(database)
    if os.access(database, os.W_OK):
        name = f"file:{database}?mode=ro"
    with default_database({**sqlite_settings(database), "NAME": name}):
        yield api, script, bot
    os.chmod(database, 0o644)


def test_a_read_only_database_serves_reads_and_refuses_writes_with_503(read_only, client):
    api, script, bot = read_only
    assert BotClient.objects.get(pk=bot.pk).last_used_at is None  # so the GET wants to write
    assert api.get("personas/").status_code == 200
    response = api.post("events/", event_body(script))
    assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0
    status, checks = health(client)
    assert status == 503
    assert checks["checks"]["database"] == "ok"
    assert checks["checks"]["database_write"] == "read_only"


# MCP answers a database outage as REST does: 503 problem+json with Retry-After and the code,
# not a JSON-RPC internal error — whether the token check or a tool hits it. ----------------
def call_get_script(client, token: str, script_id: int):
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "get_script", "arguments": {"id": script_id}}}  # fmt: skip
    return client.post(
        "/mcp",
        json.dumps(message),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT="application/json, text/event-stream",
        HTTP_MCP_PROTOCOL_VERSION="2025-11-25",
    )


@pytest.fixture
def locked(database):
    other = sqlite3.connect(database, isolation_level=None)
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_a_database_locked_inside_a_tool_is_a_503_problem(content, locked, client, monkeypatch):
    api, script, _bot = content
    checked = mcp.authenticate

    def then_lock(request):  # the token is checked; then a restore takes the database
        refused = checked(request)
        locked.execute("BEGIN EXCLUSIVE")
        return refused

    monkeypatch.setattr(mcp, "authenticate", then_lock)
    response = call_get_script(client, api.token, script.pk)
    assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0
    locked.execute("ROLLBACK")
    monkeypatch.setattr(mcp, "authenticate", checked)
    answer = json.loads(call_get_script(client, api.token, script.pk).content)
    assert answer["result"]["structuredContent"]["id"] == script.pk  # served again at once


def test_a_database_locked_before_the_token_check_is_a_503_problem(content, locked, client):
    api, script, _bot = content
    locked.execute("BEGIN EXCLUSIVE")
    response = call_get_script(client, api.token, script.pk)
    assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0
