"""The lean path of ``/mcp``: one stateless JSON-response POST answered by the SDK's own kernel
on the request's thread, without the SDK's per-request transport machinery.

The SDK's stateless Streamable HTTP transport builds, per POST, a session manager with its task
group and lifespan, a transport with memory streams, a JSON-RPC dispatcher and a server task,
and routes the one message through them and back. For the common case — a handshake-era (or
header-less) POST with a JSON body that is one JSON-RPC request or notification — this module
does what that machinery amounts to, with the SDK's own parts:

- the same checks in the same order: ``check_accept_headers`` (JSON accepted), the Content-Type
  checks of the transport security middleware and of the transport, the body size limit,
  ``pydantic_core.from_json`` and ``jsonrpc_message_adapter`` (the SDK's JSON-RPC types);
- a notification (or a posted response) → 202 with no body, as the transport answers; in a
  stateless exchange there is nothing for it to act on (the SDK's 2026 single-exchange entry
  drops it too);
- a request → ``ServerRunner.on_request`` on a born-ready ``Connection.from_envelope`` for the
  request's protocol version (the stateless transport's own recipe): the SDK's params
  validation per method, its init gate, its ``initialize`` negotiation, the server's registered
  handler, its result serialisation per protocol version; exceptions → JSON-RPC errors with the
  dispatcher's own mapping (``handler_exception_to_error_data``, else code 0), the reply dumped
  as the transport dumps it.

Everything else (a 2026 protocol version header, a body that does not parse or validate, a
batch, a wrong Accept or Content-Type, an oversized body) returns None: the caller hands the
request to the full SDK transport, which answers it exactly as before.

The kernel's coroutine is driven on the request's thread without an event loop (``drive``):
with our handlers nothing in it suspends (the tools run in place, on the request's database
connection), so no loop, thread hop or task is needed. Should a future SDK await for real in
this chain, ``drive`` refuses loudly (tests/integrations/test_mcp_lean.py compares every kind of
answer with the full transport's) rather than resume it elsewhere."""

from __future__ import annotations

import logging
from collections.abc import Coroutine, Mapping
from typing import Any

import pydantic_core
from anyio import Event
from mcp.server.connection import Connection
from mcp.server.runner import ServerRunner
from mcp.server.streamable_http import check_accept_headers
from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE
from mcp.shared.dispatcher import CallOptions
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.jsonrpc_dispatcher import handler_exception_to_error_data
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext
from mcp_types import (
    DEFAULT_NEGOTIATED_VERSION,
    ErrorData,
    JSONRPCError,
    JSONRPCRequest,
    JSONRPCResponse,
    RequestId,
    jsonrpc_message_adapter,
)
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import ValidationError

logger = logging.getLogger("mcp.shared.jsonrpc_dispatcher")  # where the SDK logs a crash
JSON = "application/json"
# The stateless transport's per-message context: no back-channel (JSON-response mode, no session).
TRANSPORT = TransportContext(kind="streamable-http", can_send_request=False)
METADATA = ServerMessageMetadata(can_send_request=False)


class Suspended(RuntimeError):
    pass


def drive(coroutine: Coroutine) -> Any:
    """Run `coroutine` to its end on this thread; it must not suspend. (anyio objects created on
    the way, the connection's and the context's events, are anyio's loop-less ``EventAdapter``s:
    never awaited here.)"""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise Suspended("the MCP handler chain suspended on the lean path")


class Exchange:
    """The ``DispatchContext`` of one stateless JSON-response exchange: the reply is the whole
    response, so there is no back-channel and request-scoped notifications have no wire (the
    SDK's transport drops them in JSON-response mode too)."""

    transport = TRANSPORT
    message_metadata = METADATA
    can_send_request = False

    def __init__(self, request_id: RequestId):
        self.request_id = request_id
        self._cancel: Event | None = None

    @property
    def cancel_requested(self) -> Event:  # never set: no peer can cancel, the reply is all
        if self._cancel is None:
            self._cancel = Event()
        return self._cancel

    async def send_raw_request(self, method: str, params: Mapping[str, Any] | None,
                               opts: CallOptions | None = None) -> dict[str, Any]:  # fmt: skip
        raise NoBackChannelError(method)

    async def notify(self, method: str, params: Mapping[str, Any] | None,
                     opts: CallOptions | None = None) -> None:  # fmt: skip
        return None

    async def progress(self, progress: float, total: float | None = None,
                       message: str | None = None) -> None:  # fmt: skip
        return None


class _Accept:
    """What ``check_accept_headers`` reads of a request: its headers' ``accept``."""

    def __init__(self, accept: str):
        self.headers = {"accept": accept}


def _takes(meta) -> bool:
    """Whether the full transport would get past its HTTP checks (else it answers them)."""
    version = meta.get("HTTP_MCP_PROTOCOL_VERSION")
    if version is not None and version not in HANDSHAKE_PROTOCOL_VERSIONS:
        return False  # the SDK's 2026 single-exchange entry
    content_type = meta.get("CONTENT_TYPE")
    if content_type is None or not content_type.lower().startswith(JSON):  # security middleware
        return False
    if JSON not in (part.strip() for part in content_type.split(";")[0].split(",")):  # transport
        return False
    return check_accept_headers(_Accept(meta.get("HTTP_ACCEPT", "")))[0]


def answer(server, meta, body: bytes) -> tuple[int, bytes] | None:
    """(status, JSON body) for one POST as the SDK's stateless JSON transport would answer it,
    or None when the full transport must answer. `meta`: the WSGI environ (``request.META``)."""
    if len(body) > DEFAULT_MAX_REQUEST_BODY_SIZE or not _takes(meta):
        return None
    try:
        message = jsonrpc_message_adapter.validate_python(pydantic_core.from_json(body),
                                                          by_name=False)  # fmt: skip
    except (ValueError, ValidationError):  # parse and validation errors: the SDK's own words
        return None
    if not isinstance(message, JSONRPCRequest):
        return 202, b""
    version = meta.get("HTTP_MCP_PROTOCOL_VERSION") or DEFAULT_NEGOTIATED_VERSION
    return 200, drive(_reply(server, version, message))


def _lifespan_state(server):
    """The server's lifespan, entered once per process and server, as the SDK's session
    manager enters it once for its lifetime (ours: the default, which yields {})."""
    state = _lifespans.get(id(server), _lifespans)
    if state is _lifespans:
        state = _lifespans[id(server)] = drive(server.lifespan(server).__aenter__())
    return state


_lifespans: dict[int, Any] = {}


async def _reply(server, version: str, message: JSONRPCRequest) -> bytes:
    connection = Connection.from_envelope(version, None, None)
    runner = ServerRunner(server, connection, _lifespan_state(server))
    try:
        result = await runner.on_request(Exchange(message.id), message.method, message.params)
        reply = JSONRPCResponse(jsonrpc="2.0", id=message.id, result=result)
    except Exception as error:  # the dispatcher's exception-to-wire boundary
        data = handler_exception_to_error_data(error)
        if data is None:
            logger.exception("handler for %r raised", message.method)
            data = ErrorData(code=0, message=str(error))
        reply = JSONRPCError(jsonrpc="2.0", id=message.id, error=data)
    finally:
        await connection.exit_stack.aclose()
    # = reply.model_dump_json(by_alias=True, exclude_unset=True), as bytes
    return reply.__pydantic_serializer__.to_json(reply, by_alias=True, exclude_unset=True)
