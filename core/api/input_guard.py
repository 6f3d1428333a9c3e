"""Text no part of the system can handle is refused where it enters, with a clear error.

* NUL characters: PostgreSQL text cannot hold them, so any lookup or write with one failed
  with a 500 there (a slug in a path, a query parameter, a feed token).
* Lone surrogates (a JSON ``"\\ud800"`` escape without its pair): not text at all; they cannot
  be encoded as UTF-8, so echoing one back in a response failed.
* JSON nested deeper than the parser can recurse.

One rule for every entrance: query parameters and path segments of every URL
(``InputGuardMiddleware``: a 422 problem naming the parameter under /api/, else 400), and
every JSON body of the API (``parse_json`` + ``text_errors``: ninja's parser for the routers'
bodies, the events endpoint, which parses its body itself, and MCP's arguments).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from .errors import API_PREFIX, ApiError, invalid_all, problem

_BAD = re.compile("[\x00\ud800-\udfff]")
MAX_TEXT_ERRORS = 20  # a body full of bad strings is named well enough by its first twenty


def bad_text(value: str) -> str | None:
    """Why `value` cannot be accepted, or None when it can."""
    found = _BAD.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Text cannot contain NUL characters.")
    return _("Text cannot contain unpaired surrogate characters.")


def _printable(key: str) -> str:
    """A key as it can be shown in an error (a lone surrogate as its escape)."""
    return key.encode("utf-8", "backslashreplace").decode()


def text_errors(data: Any) -> list[dict]:
    """``{"loc", "message"}`` for every string (key or value) in parsed JSON that bad_text
    refuses, at most MAX_TEXT_ERRORS. Iterative: nesting depth cannot exhaust the stack."""
    errors: list[dict] = []
    stack: list[tuple[Any, list]] = [(data, [])]
    while stack and len(errors) < MAX_TEXT_ERRORS:
        value, loc = stack.pop()
        if isinstance(value, str):
            message = bad_text(value)
            if message:
                errors.append({"loc": loc, "message": message})
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                message = bad_text(key)
                if message:
                    errors.append({"loc": [*loc, _printable(key)], "message": message})
                else:
                    stack.append((item, [*loc, key]))
        elif isinstance(value, list):
            stack.extend((item, [*loc, index]) for index, item in reversed(list(enumerate(value))))
    return errors


def parse_json(body: bytes) -> Any:
    """The parsed body; ApiError 400 ``malformed_json`` when it cannot be parsed."""
    try:
        return json.loads(body or b"null")
    except RecursionError:
        raise ApiError(400, "malformed_json", _("The body is nested too deeply.")) from None
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", _("The body is not valid JSON.")) from None


def string_map(raw: str) -> dict[str, str] | None:
    """`raw` read as a JSON object of strings (variable values sent as one string parameter:
    render-flat's `variables_json`, due's `variables`), or None when it is not one — also when
    it is nested deeper than the parser recurses or holds text bad_text refuses (a lone
    surrogate written as an escape could not be encoded in the answer)."""
    try:
        values = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return None
    return None if text_errors(values) else values


class GuardedParser(Parser):
    """ninja's JSON parser with parse_json's errors and text_errors' 422. ninja wraps what a
    parser raises in HttpError(400); the API's HttpError handler answers with the ApiError
    found as its cause."""

    def parse_body(self, request: HttpRequest):
        data = parse_json(request.body)
        refuse_bad_text(data)
        return data


def refuse_bad_text(data: Any) -> None:
    """ApiError 422 naming every string of parsed JSON that bad_text refuses: the routers'
    bodies (GuardedParser) and MCP's arguments, resource URIs and prompt arguments."""
    errors = text_errors(data)
    if errors:
        raise invalid_all(errors)


class InputGuardMiddleware:
    """NUL characters in a URL's path or query: a 422 problem naming the parameter under
    /api/ (path parameters by name, once the URL is resolved), a plain 400 elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = _bad_parameters(request)
        if request.path_info.startswith(API_PREFIX):
            if query:
                return _refused([["query", name] for name in query])
        elif query or bad_text(request.path_info):
            return HttpResponseBadRequest(
                _("Parameters cannot contain NUL characters."), content_type="text/plain"
            )
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        bad = [name for name, value in kwargs.items() if isinstance(value, str) and bad_text(value)]
        if bad or any(isinstance(value, str) and bad_text(value) for value in args):
            return _refused([["path", name] for name in bad] or [["path"]])
        return None


def _bad_parameters(request: HttpRequest) -> list[str]:
    """The query parameters bad_text refuses (by name). A query is decoded as UTF-8 with
    errors replaced, which never yields a surrogate, so only a NUL can be refused: a query
    string with neither a NUL nor ``%00`` is not parsed here at all."""
    raw = request.META.get("QUERY_STRING", "")
    if "\x00" not in raw and "%00" not in raw:
        return []
    return [
        name
        for name, values in request.GET.lists()
        if bad_text(name) or any(bad_text(value) for value in values)
    ]


def _refused(locs: list[list]) -> HttpResponse:
    message = _("Parameters cannot contain NUL characters.")
    return problem(
        422, "validation_error", message, errors=[{"loc": loc, "message": message} for loc in locs]
    )
