"""The official `mcp` SDK client against a live server (a real HTTP socket, the app in another
thread): initialise, list, call every tool, read resources, get the prompt.

The client runs its own event loop in a thread of its own, so this test thread never has a
running loop (Django would refuse its ORM calls, see tests/e2e/conftest.py); data is made
before and checked after."""

from __future__ import annotations

import importlib.util
import threading
from datetime import timedelta
from pathlib import Path

import anyio
import httpx2
import pytest
from django.conf import settings
from django.utils import timezone
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from bots.models import BotClient
from content.models import ScriptUsage
from tests.content.factories import ChatScriptFactory, MomentScriptFactory, variable
from tests.editorial_calendar.factories import CalendarEntryFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TOOLS = {
    "search_scripts",
    "get_script",
    "render_script",
    "list_personas",
    "get_persona",
    "calendar_due",
    "hot_topics",
    "report_usage",
    "check_compliance",
    "sop_due",
}


def in_thread(function, *args):
    """anyio.run(function, *args) in a fresh thread; its result or its exception."""
    out = {}

    def target():
        try:
            out["value"] = anyio.run(function, *args)
        except BaseException as error:  # noqa: BLE001 (re-raised in the test thread)
            out["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(120)
    if "error" in out:
        raise out["error"]
    return out["value"]


async def session_run(url, token, steps, statuses=None):
    """Open a session with `token` and run `await steps(session)`; HTTP statuses seen are
    appended to `statuses`."""

    async def record(response):
        if statuses is not None:
            statuses.append(response.status_code)

    headers = {"Authorization": f"Bearer {token}"}
    hooks = {"response": [record]}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30, event_hooks=hooks) as http,
        streamable_http_client(url, http_client=http) as (read, write, *_),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        return await steps(session)


@pytest.fixture
def world(bot, xiaomei, outsider):
    today = timezone.localdate()
    live = MomentScriptFactory(
        persona=xiaomei,
        title="新品上市早知道",
        messages=[("text", "{{nickname}}，新品到啦")],
        variables=[variable("nickname")],
    )
    draft = MomentScriptFactory(persona=xiaomei, title="新品草稿", publish=False)
    foreign = ChatScriptFactory(persona=outsider, title="新品外人")
    entry = CalendarEntryFactory(persona=xiaomei, date=today, script=live, status="approved")
    return {"live": live, "draft": draft, "foreign": foreign, "entry": entry, "today": today}


def test_every_tool_resource_and_prompt_through_the_sdk_client(live_server, bot, world):
    url = f"{live_server.url}/mcp"
    live, draft, foreign = world["live"], world["draft"], world["foreign"]

    async def steps(session: ClientSession):
        out = {"tools": {t.name: t for t in (await session.list_tools()).tools}}
        call = session.call_tool
        out["personas"] = (await call("list_personas", {})).structured_content
        out["persona"] = (await call("get_persona", {"slug": "xiaomei"})).structured_content
        out["outsider"] = await call("get_persona", {"slug": "outsider"})
        out["search"] = (await call("search_scripts", {"q": "新品"})).structured_content
        out["script"] = (await call("get_script", {"id": live.pk})).structured_content
        out["draft"] = await call("get_script", {"id": draft.pk})
        out["foreign"] = await call("get_script", {"id": foreign.pk})
        out["missing"] = await call("render_script", {"id": live.pk, "variables": {}})
        out["rendered"] = (
            await call(
                "render_script",
                {"id": live.pk, "variables": {"nickname": "小鹿"}, "format": "text"},
            )  # fmt: skip
        ).structured_content
        out["due"] = (await call("calendar_due", {})).structured_content
        out["topics"] = (await call("hot_topics", {})).structured_content
        out["bad"] = await call("get_script", {"id": "seven"})
        out["extra"] = await call("list_personas", {"everything": True})
        out["usage"] = (
            await call(
                "report_usage",
                {
                    "events": [
                        {"script": live.pk, "type": "sent", "idempotency_key": "k1"},
                        {"script": live.pk, "type": "sent", "idempotency_key": "k1"},
                    ]
                },
            )  # fmt: skip
        ).structured_content
        out["bad_usage"] = await call(
            "report_usage", {"events": [{"script": draft.pk, "type": "sent"}]}
        )
        out["compliance"] = (
            await call("check_compliance", {"text": "最好的产品", "persona": "xiaomei"})
        ).structured_content
        out["templates"] = (await session.list_resource_templates()).resource_templates
        out["resources"] = (await session.list_resources()).resources
        out["brief"] = (await session.read_resource("persona://xiaomei/brief")).contents[0]
        out["script_resource"] = (await session.read_resource(f"script://{live.pk}")).contents[0]
        try:
            await session.read_resource("persona://outsider/brief")
        except MCPError as error:
            out["outsider_resource"] = error
        out["prompts"] = (await session.list_prompts()).prompts
        out["prompt"] = await session.get_prompt("persona_voice", {"slug": "xiaomei"})
        return out

    out = in_thread(session_run, url, bot.token, steps)

    assert set(out["tools"]) == TOOLS
    for tool in out["tools"].values():
        assert tool.input_schema["type"] == "object" and tool.output_schema["type"] == "object"
        assert tool.description and any("\u4e00" <= c <= "\u9fff" for c in tool.description)
    assert [p["slug"] for p in out["personas"]["items"]] == ["dr-lin", "xiaomei"]
    assert out["persona"]["brief"] and out["persona"]["slug"] == "xiaomei"
    for refused in (out["outsider"], out["draft"], out["foreign"]):  # out of scope = not there
        assert refused.is_error and refused.structured_content["code"] == "not_found"
    assert [hit["id"] for hit in out["search"]["items"]] == [live.pk]
    assert out["script"]["title"] == "新品上市早知道"
    assert out["missing"].is_error
    assert out["missing"].structured_content["code"] == "missing_variables"
    assert out["missing"].structured_content["missing"] == ["nickname"]
    assert "小鹿，新品到啦" in out["rendered"]["text"]
    assert [item["id"] for item in out["due"]["items"]] == [world["entry"].pk]
    assert out["due"]["items"][0]["script"]["id"] == live.pk
    assert "items" in out["topics"]
    for bad in (out["bad"], out["extra"]):
        assert bad.is_error and bad.structured_content["code"] == "validation_error"
    assert out["usage"] == {"accepted": 1, "duplicates": 1}
    assert out["bad_usage"].structured_content["code"] == "invalid_events"
    assert {"rule_version", "ok", "findings"} <= set(out["compliance"])
    assert {t.uri_template for t in out["templates"]} == {"persona://{slug}/brief", "script://{id}"}
    assert {r.uri for r in out["resources"]} == {
        "persona://xiaomei/brief",
        "persona://dr-lin/brief",
    }
    assert out["brief"].mime_type == "text/plain" and out["brief"].text == out["persona"]["brief"]
    assert '"新品上市早知道"' in out["script_resource"].text
    assert out["outsider_resource"].data["code"] == "not_found"
    assert [p.name for p in out["prompts"]] == ["persona_voice"]
    assert out["prompt"].messages[0].content.text == out["persona"]["brief"]
    assert ScriptUsage.objects.get(script=live).sent == 1


def test_a_revoked_token_is_refused(live_server, bot):
    url = f"{live_server.url}/mcp"
    BotClient.objects.filter(pk=bot.pk).update(revoked_at=timezone.now() - timedelta(seconds=1))

    async def steps(session):
        return await session.list_tools()

    statuses = []
    with pytest.raises(BaseException):  # noqa: B017 (the client's task group wraps the error)
        in_thread(session_run, url, bot.token, steps, statuses)
    assert statuses == [401]


def test_the_readme_example_client(live_server, bot, world):
    spec = importlib.util.spec_from_file_location(
        "mcp_client", Path(settings.BASE_DIR, "examples/mcp_client.py")
    )
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    seen = in_thread(example.tour, f"{live_server.url}/mcp", bot.token, "xiaomei")
    assert seen["server"] == "siyu-cms" and set(seen["tools"]) == TOOLS
    assert seen["brief"] and seen["hits"][0]["id"] == world["live"].pk
    assert seen["rendered"]["code"] == "missing_variables"  # the sample renders without values
    assert seen["due"][0]["id"] == world["entry"].pk
