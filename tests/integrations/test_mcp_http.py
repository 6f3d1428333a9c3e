"""/mcp spoken as raw JSON-RPC over HTTP (the wire, without a client library)."""

import json

import pytest

from tests.api.conftest import assert_problem
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


def test_sop_due_answers_like_the_rest_endpoint(client, api, bot, xiaomei):
    from tests.sequences.factories import SequenceFactory, day

    SequenceFactory(persona=xiaomei, slug="welcome", steps=[day(0, "10:00"), day(1, "09:00")])
    arguments = {"sequence": "welcome", "started_at": "2027-03-01T08:00:00+08:00",
                 "now": "2027-03-01T12:00:00+08:00"}  # fmt: skip
    response = rpc(client, bot.token, "tools/call", {"name": "sop_due", "arguments": arguments})
    result = json.loads(response.content)["result"]
    assert not result.get("isError"), result
    query = {"started_at": arguments["started_at"], "now": arguments["now"]}
    rest = json.loads(api.get("sequences/welcome/due", query).content)
    assert result["structuredContent"] == rest
    assert [step["position"] for step in rest["steps"]] == [1]
    naive = arguments | {"started_at": "2027-03-01T08:00:00"}
    response = rpc(client, bot.token, "tools/call", {"name": "sop_due", "arguments": naive})
    assert json.loads(response.content)["result"]["isError"]


TOOLS_LIST = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})


@pytest.mark.parametrize(
    ("method", "meta", "status", "code"),
    [
        ("POST", {"CONTENT_LENGTH": "abc"}, 400, "bad_request"),
        ("POST", {"CONTENT_LENGTH": str(2 * 1024 * 1024)}, 413, "payload_too_large"),
        ("GET", {}, 405, "method_not_allowed"),
        ("DELETE", {}, 405, "method_not_allowed"),
        ("OPTIONS", {}, 405, "method_not_allowed"),
    ],
)  # fmt: skip
def test_a_request_mcp_cannot_take_is_a_problem_document(client, bot, method, meta, status, code):
    """What the transport refuses before JSON-RPC (a Content-Length that is not a number was a
    500) is answered as the REST API answers it: a problem document."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bot.token}", "HTTP_ACCEPT": ACCEPT}
    response = client.generic(
        method, "/mcp", TOOLS_LIST, content_type="application/json", **headers, **meta
    )
    assert_problem(response, status, code)
    if status == 405:
        assert response["Allow"] == "POST"


NUL = "xiao\x00mei"


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("tools/call", {"name": "get_persona", "arguments": {"slug": NUL}}),
        ("tools/call", {"name": "calendar_due", "arguments": {"persona": NUL}}),
        ("tools/call", {"name": "sop_due",
                        "arguments": {"sequence": NUL, "started_at": "2027-03-01T08:00:00+08:00"}}),
        ("tools/call", {"name": "check_compliance", "arguments": {"text": "好", "persona": NUL}}),
        ("resources/read", {"uri": f"persona://{NUL}/brief"}),
        ("prompts/get", {"name": "persona_voice", "arguments": {"slug": NUL}}),
    ],
)  # fmt: skip
def test_a_nul_in_any_argument_is_a_clear_422(client, bot, xiaomei, method, params):
    """As in the REST API's bodies (core.api.input_guard): PostgreSQL cannot hold a NUL, so a
    lookup with one failed there with the database's message as an internal error (code 0)."""
    response = rpc(client, bot.token, method, params)
    assert response.status_code == 200, response.content
    answer = json.loads(response.content)
    if method == "tools/call":
        problem = answer["result"]["structuredContent"]
        assert answer["result"]["isError"]
    else:
        assert answer["error"]["code"] == -32602  # invalid params
        problem = answer["error"]["data"]
    assert problem["status"] == 422 and problem["code"] == "validation_error"
    assert problem["errors"][0]["message"]
