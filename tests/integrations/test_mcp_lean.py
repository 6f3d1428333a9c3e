"""The lean path of /mcp (integrations/mcp_lean.py) answers exactly as the SDK's own stateless
transport: every request here is sent twice, once as served and once with the lean path switched
off, and the two answers (status, content type, body) must be the same."""

import json

import pytest

from integrations import mcp_lean
from integrations import tools as tools_
from tests.content.factories import MomentScriptFactory

pytestmark = pytest.mark.django_db
ACCEPT = "application/json, text/event-stream"
INIT = {"protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}  # fmt: skip


def request(method, params=None, *, id=1):
    message = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message, ensure_ascii=False)


def post(client, token, body, headers):
    extra = {"HTTP_ACCEPT": ACCEPT, "HTTP_MCP_PROTOCOL_VERSION": "2025-11-25", **headers}
    extra = {name: value for name, value in extra.items() if value is not None}
    content_type = extra.pop("CONTENT_TYPE", "application/json")
    return client.post("/mcp", body, content_type=content_type,
                       HTTP_AUTHORIZATION=f"Bearer {token}", **extra)  # fmt: skip


def answer(response):
    content_type = response.get("Content-Type", "")
    body = response.content
    if body and content_type.startswith("application/json"):
        body = json.loads(body)
    return response.status_code, content_type.split(";")[0], body


def both(client, token, monkeypatch, body, headers=None):
    """(lean answer, SDK transport answer, whether the lean path answered)."""
    served = []
    real = mcp_lean.answer

    def spy(*args):
        result = real(*args)
        served.append(result is not None)
        return result

    with monkeypatch.context() as patch:
        patch.setattr(mcp_lean, "answer", spy)
        lean = answer(post(client, token, body, headers or {}))
    with monkeypatch.context() as patch:
        patch.setattr(mcp_lean, "answer", lambda *args: None)
        full = answer(post(client, token, body, headers or {}))
    return lean, full, served == [True]


@pytest.fixture
def scripts(xiaomei, outsider):
    return (MomentScriptFactory(persona=xiaomei, title="新品上市"),
            MomentScriptFactory(persona=outsider, title="别家的"))  # fmt: skip


def cases(mine, theirs, xiaomei):
    """(name, body, headers, lean path expected to answer)."""
    call = "tools/call"
    return [
        ("initialize", request("initialize", INIT), {}, True),
        ("initialize, old version, no header",
         request("initialize", {**INIT, "protocolVersion": "2024-11-05"}),
         {"HTTP_MCP_PROTOCOL_VERSION": None}, True),
        ("initialize, unknown version", request("initialize", {**INIT, "protocolVersion": "1"}),
         {}, True),
        ("tools/list", request("tools/list"), {}, True),
        ("get_script", request(call, {"name": "get_script", "arguments": {"id": mine}}), {}, True),
        ("get_script, string id",
         request(call, {"name": "get_script", "arguments": {"id": mine}}, id="abc"), {}, True),
        ("get_script, progress token", request(call, {"name": "get_script", "arguments": {
            "id": mine}, "_meta": {"progressToken": 7}}), {}, True),
        ("get_script out of scope",
         request(call, {"name": "get_script", "arguments": {"id": theirs}}), {}, True),
        ("bad arguments", request(call, {"name": "get_script", "arguments": {"id": "x"}}), {},
         True),
        ("unexpected argument",
         request(call, {"name": "get_script", "arguments": {"id": mine, "y": 1}}), {}, True),
        ("render", request(call, {"name": "render_script", "arguments": {
            "id": mine, "variables": {"nickname": "小雨"}, "format": "text"}}), {}, True),
        ("list_personas", request(call, {"name": "list_personas"}), {}, True),
        ("unknown tool", request(call, {"name": "nope", "arguments": {}}), {}, True),
        ("tools/call without a name", request(call, {"arguments": {}}), {}, True),
        ("tools/call without params", request(call), {}, True),
        ("resources/list", request("resources/list"), {}, True),
        ("resources/templates/list", request("resources/templates/list"), {}, True),
        ("resources/read brief", request("resources/read", {"uri": "persona://xiaomei/brief"}),
         {}, True),
        ("resources/read script", request("resources/read", {"uri": f"script://{mine}"}), {},
         True),
        ("resources/read out of scope",
         request("resources/read", {"uri": f"script://{theirs}"}), {}, True),
        ("resources/read unknown", request("resources/read", {"uri": "nothing://x"}), {}, True),
        ("prompts/list", request("prompts/list"), {}, True),
        ("prompts/get", request("prompts/get", {"name": "persona_voice",
                                                "arguments": {"slug": xiaomei}}), {}, True),
        ("prompts/get unknown persona", request("prompts/get", {"name": "persona_voice",
                                                                "arguments": {"slug": "x"}}),
         {}, True),
        ("prompts/get unknown prompt", request("prompts/get", {"name": "nope"}), {}, True),
        ("ping", request("ping"), {}, True),
        ("unknown method", request("tools/destroy", {}), {}, True),
        ("notification", json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
         {}, True),
        ("cancel notification", json.dumps({"jsonrpc": "2.0", "method": "notifications/cancelled",
                                            "params": {"requestId": 1}}), {}, True),
        ("a posted response", json.dumps({"jsonrpc": "2.0", "id": 1, "result": {}}), {}, True),
        ("JSON accepted by a wildcard", request("ping"), {"HTTP_ACCEPT": "*/*"}, True),
        ("invalid JSON", "{nope", {}, False),
        ("not JSON-RPC", json.dumps({"hello": 1}), {}, False),
        ("a batch", json.dumps([json.loads(request("ping"))]), {}, False),
        ("a string", json.dumps("ping"), {}, False),
        ("no JSON accepted", request("ping"), {"HTTP_ACCEPT": "text/event-stream"}, False),
        ("no Accept", request("ping"), {"HTTP_ACCEPT": None}, False),
        ("text body", request("ping"), {"CONTENT_TYPE": "text/plain"}, False),
        ("2026 protocol version", request("ping"), {"HTTP_MCP_PROTOCOL_VERSION": "2026-07-28"},
         False),
        ("unknown protocol version", request("ping"), {"HTTP_MCP_PROTOCOL_VERSION": "1999-01-01"},
         False),
    ]  # fmt: skip


def test_the_lean_path_answers_as_the_sdk_transport(client, bot, xiaomei, scripts, monkeypatch):
    mine, theirs = scripts
    answered = []
    for name, body, headers, lean_expected in cases(mine.pk, theirs.pk, xiaomei.slug):
        lean, full, served = both(client, bot.token, monkeypatch, body, headers)
        assert lean == full, name
        assert served is lean_expected, name
        answered.append((name, lean[0]))
    statuses = dict(answered)  # the cases mean what they say
    assert statuses["get_script"] == 200 and statuses["notification"] == 202
    assert statuses["invalid JSON"] == 400 and statuses["no JSON accepted"] == 406


def test_tool_results_and_errors_are_the_same(client, bot, xiaomei, scripts, monkeypatch):
    mine, theirs = scripts
    ok = request("tools/call", {"name": "get_script", "arguments": {"id": mine.pk}})
    lean, full, served = both(client, bot.token, monkeypatch, ok)
    assert served and lean == full
    result = lean[2]["result"]
    assert result["structuredContent"]["title"] == "新品上市"
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]
    missing = request("tools/call", {"name": "get_script", "arguments": {"id": theirs.pk}})
    lean, full, served = both(client, bot.token, monkeypatch, missing)
    assert served and lean == full
    assert lean[2]["result"]["isError"] and lean[2]["result"]["structuredContent"]["code"] == (
        "not_found"
    )


def test_a_crashing_tool_is_answered_alike(client, bot, scripts, monkeypatch):
    tool = tools_.TOOLS["get_script"]

    def crash(request, args):
        raise RuntimeError("boom")

    monkeypatch.setitem(tools_.TOOLS, "get_script", type(tool)(**{**tool.__dict__, "run": crash}))
    body = request("tools/call", {"name": "get_script", "arguments": {"id": scripts[0].pk}})
    lean, full, served = both(client, bot.token, monkeypatch, body)
    assert served and lean == full
    assert lean[2]["error"] == {"code": 0, "message": "boom"}  # the SDK dispatcher's v1 shape


def test_a_suspending_handler_is_refused_not_resumed():
    async def suspends():
        import asyncio

        await asyncio.sleep(0)

    with pytest.raises(mcp_lean.Suspended):
        mcp_lean.drive(suspends())
