"""/mcp spoken as raw JSON-RPC over HTTP (the wire, without a client library)."""

import json

import pytest

from tests.content.factories import MomentScriptFactory

pytestmark = pytest.mark.django_db
ACCEPT = "application/json, text/event-stream"


def rpc(client, token, method, params=None, *, id=1, version="2025-11-25"):
    headers = {"HTTP_ACCEPT": ACCEPT, "HTTP_MCP_PROTOCOL_VERSION": version}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    message = {"jsonrpc": "2.0", "id": id, "method": method, "params": params or {}}
    return client.post("/mcp", json.dumps(message), content_type="application/json", **headers)


def test_initialize_and_call_a_tool(client, bot, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, title="新品上市")
    response = rpc(
        client,
        bot.token,
        "initialize",
        {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    )
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["result"]["serverInfo"]["name"] == "siyu-cms"
    response = rpc(
        client, bot.token, "tools/call", {"name": "get_script", "arguments": {"id": script.pk}}
    )
    assert response.status_code == 200, response.content
    result = json.loads(response.content)["result"]
    assert result["structuredContent"]["title"] == "新品上市"
    assert not result.get("isError")


def test_no_token_is_401_before_any_protocol(client):
    response = rpc(client, None, "tools/list")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert json.loads(response.content)["code"] == "unauthorized"
