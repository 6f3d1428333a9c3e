"""A lean path for the hottest delivery GET: the script detail, without django-ninja's operation.

Bots poll `GET /api/v1/scripts/{id}/` more than anything else, and with its answer kept in the
process (core/local.py) ninja's operation (signature resolution, its checks, the temporal
response) is a good part of what is left. This route, listed before ninja's, answers a plain
GET (no query string) with the very same functions ninja's route calls: the token check and
the rate limit (``integrations.auth``, which answers the REST API's own 401/429 problems), then
``content.api.get_script``'s body, and ``ApiError`` as the API's problem document. Anything
else (HEAD, other methods, any query parameter) is handed to ninja's own view for the route, so
errors such as unknown parameters keep their one implementation. ``API_LEAN_PATHS = False``
sends everything to ninja; a test holds the two paths to identical answers.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.views.decorators.csrf import csrf_exempt

from content import api as content_api
from core.api import ApiError, problem_from
from integrations.auth import authenticate

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


@csrf_exempt
def script_detail(request: HttpRequest, script_id: int) -> HttpResponse:
    if (
        request.method != "GET"
        or request.META.get("QUERY_STRING")
        or not getattr(settings, "API_LEAN_PATHS", True)
    ):
        return _ninja_view("script")(request, script_id=script_id)
    refused = authenticate(request)
    if refused is not None:
        return refused
    try:
        return content_api.script_detail_response(request, script_id)
    except ApiError as error:
        return problem_from(error)
