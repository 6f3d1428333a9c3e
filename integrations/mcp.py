"""The MCP server (Model Context Protocol): the delivery API's tools, resources and a prompt
for LLM agents, on the official ``mcp`` SDK.

``/mcp`` is stateless Streamable HTTP in JSON-response mode: any app server process can answer
any request, nothing is kept between requests. The common case — a handshake-era POST whose body
is one JSON-RPC request or notification — is answered by ``mcp_lean``: the SDK's own checks,
JSON-RPC types and ``ServerRunner`` (params validation, the registered handlers below, result
serialisation per protocol version), run on the request's own thread, so the tools use the
request's database connection directly. Everything else goes to the SDK's transport itself: the
project runs under WSGI, so ``_run`` hands the request to the SDK's ASGI handler on one
long-lived event loop per process (``mcp_loop``), and the request's own thread runs every
database access the handlers ask for (``_in_thread``). tests/integrations/test_mcp_lean.py
holds the two to the same answers. A dependency outage inside a tool answers like REST: 503
problem+json with Retry-After.

Authentication, the failed-token throttle and the rate limit are the REST API's
(``bots.auth``); tools call what the REST endpoints call (``integrations.tools``)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import queue
import re

import mcp_types as types
from asgiref.sync import async_to_sync, sync_to_async
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError

from core import local
from core.api import ApiError, dumps, problem
from core.api.errors import problem_body
from core.api.input_guard import refuse_bad_text
from core.api.middleware import bad_length, declared_length, method_not_allowed, too_large
from core.outages import classify, log_outage

from . import mcp_lean, mcp_loop
from . import tools as tools_
from .auth import authenticate

MAX_BODY = 1024 * 1024  # report_usage carries up to 500 events; a call is otherwise small
RESOURCE_NOT_FOUND = -32002  # the MCP specification's code for resources/read
_request: contextvars.ContextVar[HttpRequest] = contextvars.ContextVar("mcp_request")
# Under HTTP: where the handlers send work for the request's thread (None under stdio), or
# mcp_loop.Direct on the lean path (the handlers run on that thread already).
_calls: contextvars.ContextVar[queue.SimpleQueue | mcp_loop.Direct | None] = contextvars.ContextVar(
    "mcp_calls", default=None
)

SCRIPT_URI = re.compile(r"^script://(\d{1,18})$")
BRIEF_URI = re.compile(r"^persona://([^/]{1,200})/brief$")


# Results ------------------------------------------------------------------------------------
def _error_result(status: int, code: str, detail: str, **extra) -> types.CallToolResult:
    """A tool error: the REST problem document as structured content, its detail as text."""
    body = problem_body(status, code, detail, **extra)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=f"{code}: {detail}")],
        structured_content=body,
        is_error=True,
    )


def call(request: HttpRequest, name: str, arguments: dict) -> types.CallToolResult:
    """Run one tool for the bot of `request`: arguments validated against its schema, errors
    as tool errors with the REST API's `code`."""
    tool = tools_.TOOLS.get(name)
    if tool is None:
        raise MCPError(types.INVALID_PARAMS, _("Unknown tool: %(name)s.") % {"name": name})
    try:
        refuse_bad_text(arguments)
    except ApiError as error:
        return _error_result(error.status, error.code, error.detail, **error.extra)
    try:
        args = tool.args.model_validate(arguments or {})
    except ValidationError as error:
        errors = [
            {"loc": list(e["loc"]), "message": e["msg"]} for e in error.errors(include_url=False)
        ]
        names = ", ".join(".".join(str(part) for part in e["loc"]) for e in errors)
        detail = _("Invalid input: %(names)s.") % {"names": names}
        return _error_result(422, "validation_error", detail, errors=errors)
    try:
        data = tool.run(request, args)
    except ApiError as error:
        extra = {k: v for k, v in error.extra.items() if k != "headers"}
        return _error_result(error.status, error.code, error.detail, **extra)
    if isinstance(data, tools_.Parsed):  # get_script: the cached bytes, one result per body
        build = lambda: _result(data, data.text)  # noqa: E731 - (read-only: only serialised)
        return local.get_or_put(("mcp-result", data.text), build, 3 * len(data.text))
    return _result(data, dumps(data))


def _result(data, text) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=data
    )


def read(request: HttpRequest, uri: str) -> types.ReadResourceResult:
    refuse_bad_text({"uri": uri})
    match = BRIEF_URI.match(uri)
    if match:
        data = tools_.get_persona(request, tools_.PersonaArgs(slug=match[1]))
        content = types.TextResourceContents(uri=uri, mime_type="text/plain", text=data["brief"])
        return types.ReadResourceResult(contents=[content])
    match = SCRIPT_URI.match(uri)
    if match and int(match[1]) <= tools_.MAX_ID:
        data = tools_.get_script(request, tools_.ScriptArgs(id=int(match[1])))
        text = data.text  # the detail's cached bytes
        content = types.TextResourceContents(uri=uri, mime_type="application/json", text=text)
        return types.ReadResourceResult(contents=[content])
    raise ApiError(404, "not_found", _("No resource %(uri)s.") % {"uri": uri})


def briefs(request: HttpRequest) -> list[types.Resource]:
    personas = request.auth.visible_personas().order_by("slug").values_list("slug", "name")
    return [
        types.Resource(
            uri=f"persona://{slug}/brief",
            name=f"{slug}-brief",
            title=f"{name} · brief",
            description=_("The persona as an LLM system prompt."),
            mime_type="text/plain",
        )
        for slug, name in personas[: tools_.MAX_LIMIT]
    ]


def prompt(request: HttpRequest, name: str, arguments: dict | None) -> types.GetPromptResult:
    if name != "persona_voice":
        raise MCPError(types.INVALID_PARAMS, _("Unknown prompt: %(name)s.") % {"name": name})
    refuse_bad_text({"arguments": arguments or {}})
    slug = (arguments or {}).get("slug") or ""
    data = tools_.get_persona(request, tools_.PersonaArgs(slug=slug))
    message = types.PromptMessage(
        role="user", content=types.TextContent(type="text", text=data["brief"])
    )
    return types.GetPromptResult(
        description=f"{data['name']}（{data['brand']}）", messages=[message]
    )


def _protocol_error(error: ApiError, code: int = RESOURCE_NOT_FOUND) -> MCPError:
    extra = {name: value for name, value in error.extra.items() if name != "headers"}
    return MCPError(
        code, error.detail, problem_body(error.status, error.code, error.detail, **extra)
    )


# The server -----------------------------------------------------------------------------------
TOOLS = [
    types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=tool.args.model_json_schema(by_alias=True),
        output_schema=tool.output.model_json_schema(),
        annotations=types.ToolAnnotations(
            read_only_hint=tool.read_only, destructive_hint=False, idempotent_hint=tool.read_only
        ),
    )
    for tool in tools_.TOOLS.values()
]
TEMPLATES = [
    types.ResourceTemplate(
        uri_template="persona://{slug}/brief",
        name="persona-brief",
        title="人设 brief / persona brief",
        description="人设的 LLM 系统提示词（纯文本）。 The persona as an LLM system prompt.",
        mime_type="text/plain",
    ),
    types.ResourceTemplate(
        uri_template="script://{id}",
        name="script",
        title="话术 / script",
        description="一条话术（JSON，同 GET /api/v1/scripts/{id}/）。 One script, as JSON.",
        mime_type="application/json",
    ),
]
PROMPTS = [
    types.Prompt(
        name="persona_voice",
        title="用人设的口吻说话 / Speak as a persona",
        description="人设 brief，可直接作为系统提示词。 The persona's brief, ready to use.",
        arguments=[types.PromptArgument(name="slug", description="人设 slug", required=True)],
    )
]


async def _in_thread(function, *args):
    """Run `function(request, *args)` on the request's own thread (its database connection):
    under HTTP the request's thread waits on `_calls` and runs it (``_run_calls``)."""
    calls = _calls.get()
    if isinstance(calls, mcp_loop.Direct):  # the lean path: already on the request's thread
        return calls.run(function, _request.get(), *args)
    if calls is None:  # stdio: async_to_sync's thread-sensitive executor is the caller's
        return await sync_to_async(function, thread_sensitive=True)(_request.get(), *args)
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    calls.put((function, (_request.get(), *args), future, loop))
    return await future


async def _list_tools(ctx, params) -> types.ListToolsResult:
    return types.ListToolsResult(tools=TOOLS)


async def _call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
    return await _in_thread(call, params.name, params.arguments or {})


async def _list_resources(ctx, params) -> types.ListResourcesResult:
    return types.ListResourcesResult(resources=await _in_thread(briefs))


async def _list_templates(ctx, params) -> types.ListResourceTemplatesResult:
    return types.ListResourceTemplatesResult(resource_templates=TEMPLATES)


async def _read_resource(ctx, params: types.ReadResourceRequestParams):
    try:
        return await _in_thread(read, str(params.uri))
    except ApiError as error:
        code = RESOURCE_NOT_FOUND if error.status == 404 else types.INVALID_PARAMS
        raise _protocol_error(error, code) from None


async def _list_prompts(ctx, params) -> types.ListPromptsResult:
    return types.ListPromptsResult(prompts=PROMPTS)


async def _get_prompt(ctx, params: types.GetPromptRequestParams):
    try:
        return await _in_thread(prompt, params.name, params.arguments)
    except ApiError as error:
        raise _protocol_error(error, types.INVALID_PARAMS) from None


# Per request the SDK logs "session manager started/shutting down" at INFO: noise at this rate.
for _name in ("mcp.server.streamable_http_manager", "mcp.server.streamable_http"):
    logging.getLogger(_name).setLevel(logging.WARNING)

server = Server(
    "siyu-cms",
    version="1",
    title="私域内容中台",
    instructions=(
        "人设（IP）、话术库与内容日历。先用 list_personas / get_persona 取人设 brief，"
        "再 search_scripts / get_script / render_script 取话术，calendar_due 看今天该发什么，"
        "发出后用 report_usage 回传数据。 Personas, scripts and the calendar of a WeChat "
        "private-domain team: take a persona's brief, find and render scripts, see what is due "
        "today, and report what was sent."
    ),
    on_list_tools=_list_tools,
    on_call_tool=_call_tool,
    on_list_resources=_list_resources,
    on_list_resource_templates=_list_templates,
    on_read_resource=_read_resource,
    on_list_prompts=_list_prompts,
    on_get_prompt=_get_prompt,
)
server.middleware = []  # the SDK's OpenTelemetry span per message: no exporter here, only cost


# stdio (manage.py mcp) ------------------------------------------------------------------------
def serve_stdio(request: HttpRequest) -> None:
    """Serve the same server over stdin/stdout for `request.auth` (a local desktop agent)."""
    from mcp.server.stdio import stdio_server

    async def main():
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    token = _request.set(request)
    try:
        async_to_sync(main)()
    finally:
        _request.reset(token)


# HTTP -----------------------------------------------------------------------------------------
def _scope(request: HttpRequest) -> dict:
    host = request.get_host()  # Django's ALLOWED_HOSTS check (DisallowedHost → 400)
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1", "replace"))
        for name, value in request.headers.items()
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": request.path,
        "raw_path": request.path.encode(),
        "root_path": "",
        "query_string": request.META.get("QUERY_STRING", "").encode("latin-1", "replace"),
        "headers": headers,
        "server": (host.rsplit(":", 1)[0], int(request.get_port() or 80)),
        "client": (request.META.get("REMOTE_ADDR") or "", 0),
    }


def _run(request: HttpRequest, scope: dict, body: bytes) -> tuple[int, list, bytes, list]:
    calls: queue.SimpleQueue = queue.SimpleQueue()
    outages: list[BaseException] = []

    async def serve():
        _request.set(request)  # in the task's own context: the SDK's tasks inherit it
        _calls.set(calls)
        return await _serve(scope, body)

    done = asyncio.run_coroutine_threadsafe(serve(), mcp_loop.loop.get())
    done.add_done_callback(lambda _future: calls.put(None))
    mcp_loop.run_calls(calls, outages)
    status, headers, content = done.result()
    return status, headers, content, outages


async def _serve(scope: dict, body: bytes) -> tuple[int, list, bytes]:
    """One request through the SDK's stateless JSON transport; (status, headers, body)."""
    # Origin checks guard cookie-authenticated servers against DNS rebinding; /mcp takes bearer
    # tokens only and Django has checked the Host already.
    manager = StreamableHTTPSessionManager(server, json_response=True, stateless=True)
    sent = {"body": False}
    response = {"status": 500, "headers": [], "body": b""}

    async def receive():
        if sent["body"]:
            return {"type": "http.disconnect"}
        sent["body"] = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            response["headers"] = message.get("headers", [])
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    async with manager.run():  # per request: a crashed run never outlives its request
        await manager.handle_request(scope, receive, send)
    return response["status"], response["headers"], response["body"]


def _lean(request: HttpRequest, body: bytes) -> HttpResponse | None:
    """The common case without the SDK's per-request transport (``mcp_lean``); None: not one."""
    direct = mcp_loop.Direct()
    tokens = _request.set(request), _calls.set(direct)
    try:
        answered = mcp_lean.answer(server, request.META, body)
    finally:
        _request.reset(tokens[0])
        _calls.reset(tokens[1])
    if answered is None:
        return None
    if direct.outages:  # the SDK made it a JSON-RPC error; answer as REST does
        return _outage_problem(request, direct.outages[0])
    status, content = answered
    return HttpResponse(content, status=status, content_type=mcp_lean.JSON)


def _outage_problem(request: HttpRequest, error: BaseException) -> HttpResponse:
    outage = classify(error)
    log_outage(request, outage, error)
    return problem(503, outage.code, outage.detail,
                   headers={"Retry-After": str(outage.retry_after)})  # fmt: skip


@csrf_exempt
def mcp_view(request: HttpRequest) -> HttpResponse:
    """The REST API's answer to a dependency outage (503 problem+json, Retry-After), not a
    JSON-RPC error: a bot retries a 503 the same way whichever door it came through."""
    try:
        return _mcp(request)
    except Exception as error:
        if classify(error) is None:
            raise
        return _outage_problem(request, error)


def _mcp(request: HttpRequest) -> HttpResponse:
    refused = authenticate(request)
    if refused is not None:
        return refused
    if request.method != "POST":  # stateless: no GET stream, no session to DELETE
        return method_not_allowed(request, "POST")
    length = declared_length(request)
    if length is None:
        return bad_length()
    if length > MAX_BODY:
        return too_large(MAX_BODY)
    body = request.body
    answered = _lean(request, body)
    if answered is not None:
        return answered
    status, headers, body, outages = _run(request, _scope(request), body)
    if outages:  # the SDK made it a JSON-RPC error; answer as REST does
        return _outage_problem(request, outages[0])
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name.decode("latin-1")] = value.decode("latin-1")
    return response
