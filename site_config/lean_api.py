"""Lean paths for the hottest delivery GETs, without django-ninja's operation: the script detail
and a sequence's due.

Bots poll `GET /api/v1/scripts/{id}/` and `.../sequences/{slug}/due` more than anything else,
and with their answers kept in the process (core/local.py, sequences/window.py) ninja's
operation (signature resolution, parameter models, its checks, the temporal response) is a
good part of what is left. These routes, listed before ninja's, answer the plain case with the
very same functions ninja's routes call: the token check and the rate limit
(``integrations.auth``, which answers the REST API's own 401/429 problems), then the view's
body, and ``ApiError`` as the API's problem document. Anything else (HEAD, other methods, any
other parameter, a repeated one, a time not written plainly as ISO 8601 with an offset) is
handed to ninja's own view for the route, so every error keeps its one implementation.
``API_LEAN_PATHS = False`` sends everything to ninja; tests hold both paths to identical
answers.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.views.decorators.csrf import csrf_exempt

from content import api as content_api
from core.api import ApiError, etag_response, problem_from
from integrations.auth import authenticate
from sequences import api as sequences_api

API_NAMESPACE = "api_v1"


@cache
def _ninja_view(name: str):
    """ninja's own view for the route `name` (its url_name), from the URL configuration."""
    resolver = next(
        pattern
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == API_NAMESPACE
    )
    return next(pattern.callback for pattern in resolver.url_patterns if pattern.name == name)


def _lean(request: HttpRequest) -> bool:
    return request.method == "GET" and settings.API_LEAN_PATHS


@csrf_exempt
def script_detail(request: HttpRequest, script_id: int) -> HttpResponse:
    if not _lean(request) or request.META.get("QUERY_STRING"):
        return _ninja_view("script")(request, script_id=script_id)
    refused = authenticate(request)
    if refused is not None:
        return refused
    try:
        return content_api.script_detail_response(request, script_id)
    except ApiError as error:
        return problem_from(error)


#: A time as bots send it: what both this route and ninja's parameter model read the same way
#: (ASCII digits only: other scripts' digits are ninja's to refuse).
PLAIN_TIME = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:\d\d)", re.ASCII
)
DUE_TIMES = frozenset({"started_at", "now", "since"})


MAX_QUERIES = 1024  # query strings whose reading is kept (a cohort asks the same one)
_queries: dict[str, dict[str, datetime] | None] = {}


def _plain_times(request: HttpRequest) -> dict[str, datetime] | None:
    """The due call's times when each is given once, plainly; else None (ninja decides).
    What a query string says never changes, so its reading is kept per raw string."""
    raw = request.META.get("QUERY_STRING", "")
    try:
        return _queries[raw]
    except KeyError:
        pass
    times = read_times(raw)
    if len(_queries) >= MAX_QUERIES:
        _queries.clear()
    _queries[raw] = times
    return times


def read_times(raw: str) -> dict[str, datetime] | None:
    """The times of the raw query string `raw` when it holds started_at and at most now and
    since, each once and written plainly; else None. Read as ``QueryDict`` reads a query
    (``&``-separated, ``+`` a space, percent-decoded as UTF-8, a part without ``=`` an empty
    value), without building one: a bot's new `now` is a new string on every call."""
    times: dict[str, datetime] = {}
    for part in raw.split("&"):
        if not part:
            continue
        name, _sep, value = part.partition("=")
        name = unquote(name.replace("+", " "))
        value = unquote(value.replace("+", " "))
        if name not in DUE_TIMES or name in times or not PLAIN_TIME.fullmatch(value):
            return None
        try:
            times[name] = datetime.fromisoformat(value)
        except ValueError:  # e.g. the 31st of February: ninja says so
            return None
    return times if "started_at" in times else None


@csrf_exempt
def sequence_due(request: HttpRequest, slug: str) -> HttpResponse:
    times = _plain_times(request) if _lean(request) else None
    if times is None:
        return _ninja_view("sequence_due")(request, slug=slug)
    refused = authenticate(request)
    if refused is not None:
        return refused
    try:
        etag, body = sequences_api.due_answer(
            request, slug, times["started_at"], times.get("now"), times.get("since")
        )
    except ApiError as error:
        return problem_from(error)
    return etag_response(request, body, etag)
