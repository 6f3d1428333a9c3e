"""What every delivery-API router shares: problem documents, JSON with ETags, pagination, and
the middleware that keeps everything under /api/v1/ speaking JSON.

Routers (``<app>/api.py``) build plain dicts and return them through ``json_response``; the
ninja schemas in ``<app>/schemas.py`` document the same shapes in the OpenAPI document, and
tests check each response against them.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
from datetime import UTC, date, datetime, time
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.renderers import BaseRenderer

from .outages import classify, is_cache_failure, log_outage

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"  # everything under it speaks problem+json
PROBLEM_JSON = "application/problem+json"
JSON = "application/json"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A repeated query parameter (``tag=a&tag=b``) takes at most this many values: each one costs
# the database work, and no bot needs more (422 beyond it, naming the parameter).
MAX_VALUES_PER_PARAMETER = 20


# JSON ----------------------------------------------------------------------------------------
def _default(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(data: Any) -> bytes:
    """UTF-8 JSON with Chinese as characters, datetimes in the site's time zone."""
    return json.dumps(data, ensure_ascii=False, default=_default, separators=(",", ":")).encode()


class UnicodeJSONRenderer(BaseRenderer):
    media_type = JSON

    def render(self, request, data, *, response_status):
        return dumps(data)


def iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


MAX_ID = 2**63 - 1  # the largest primary key a database column holds


def to_utc(value: datetime, earliest: int = 1900) -> datetime:
    """An incoming datetime in UTC; without an offset it means Asia/Shanghai time. UTC because
    databases refuse unusual offsets such as +17:01 that ISO 8601 allows. ValueError when the
    year is outside [earliest, 2999] or the value cannot be converted."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("out of range") from None
    if not earliest <= value.year <= 2999:
        raise ValueError("out of range")
    return value


def aware(value: datetime | None, name: str = "updated_since") -> datetime | None:
    """A datetime query parameter in UTC, or a 422 naming it."""
    if value is None:
        return None
    try:
        return to_utc(value)
    except ValueError:
        raise invalid(["query", name], _("This date is out of range.")) from None


# Problems ------------------------------------------------------------------------------------
class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, Any]] | None = None


# The errors every authenticated operation can answer, for the OpenAPI document (503: a
# dependency is down, with Retry-After; site_config.outages).
ERRORS = {401: Problem, 422: Problem, 429: Problem, 503: Problem}


class ApiError(Exception):
    """Raise from a router to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


def invalid(loc: list, message: str, code: str = "validation_error", **extra) -> ApiError:
    """A 422 naming one offending parameter or field."""
    return ApiError(422, code, message, errors=[{"loc": list(loc), "message": message}], **extra)


def problem(status: int, code: str, detail: str, headers=None, **extra: Any) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "code": code,
        **extra,
    }
    response = HttpResponse(dumps(body), status=status, content_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_from(error: ApiError) -> HttpResponse:
    headers = error.extra.pop("headers", None)
    return problem(error.status, error.code, error.detail, headers=headers, **error.extra)


# Query parameters -----------------------------------------------------------------------------
def strict_query(view):
    """Refuse query parameters the view does not declare (422), so that a typo such as
    ``?persna=xiaomei`` is reported instead of silently returning everything, and parameters
    repeated more than MAX_VALUES_PER_PARAMETER times. A parameter named ``from_`` is spelt
    ``from`` in the query."""
    signature = inspect.signature(view, eval_str=True)  # ninja reads the wrapper's signature
    names = set(signature.parameters) - {"request"}
    allowed = {name.removesuffix("_") for name in names}

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        unknown = [name for name in request.GET if name not in allowed]
        if unknown:
            message = _("Unknown parameter.")
            raise ApiError(
                422,
                "validation_error",
                _("Unknown query parameters: %(names)s.") % {"names": ", ".join(unknown)},
                errors=[{"loc": ["query", name], "message": message} for name in unknown],
            )
        repeated = [
            n for n, values in request.GET.lists() if len(values) > MAX_VALUES_PER_PARAMETER
        ]
        if repeated:
            message = _("At most %(n)d values per parameter.") % {"n": MAX_VALUES_PER_PARAMETER}
            raise ApiError(
                422,
                "validation_error",
                message,
                errors=[{"loc": ["query", name], "message": message} for name in repeated],
            )
        return view(request, *args, **kwargs)

    wrapper.__signature__ = signature
    return wrapper


# ETags and responses -------------------------------------------------------------------------
def make_etag(*parts: Any) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response


def json_response(
    request: HttpRequest, data: Any, *, status: int = 200, etag: str | None = None
) -> HttpResponse:
    """JSON with an ETag (the body's hash unless given); 304 when the client has it already."""
    body = dumps(data)
    if request.method in {"GET", "HEAD"} and status == 200:
        etag = etag or make_etag(body)
        if etag_matches(request, etag):
            return not_modified(etag)
    response = HttpResponse(body, status=status, content_type=JSON)
    if etag and status == 200:
        response["ETag"] = etag
        response["Vary"] = "Authorization"
    return response


BODY_CACHE_SECONDS = 300


def conditional(request: HttpRequest, kind: str, stamp: tuple, build) -> HttpResponse:
    """A detail GET: the ETag comes from `stamp` (what the body depends on, read without
    loading the object) and the site's address; 304 when the client has it, else the body,
    built by `build()` only when it is not cached."""
    etag = make_etag(kind, *stamp, request.build_absolute_uri("/"))
    if etag_matches(request, etag):
        return not_modified(etag)
    return cached_json(request, etag, build)


def cached_json(request: HttpRequest, etag: str, build) -> HttpResponse:
    """A 200 whose body is cached under its ETag: the ETag already names everything the body
    depends on, so the same ETag means the same bytes (for BODY_CACHE_SECONDS at most, which
    bounds staleness from changes the ETag cannot see, e.g. a tag renamed in the tag admin)."""
    key = f"api:body:{etag.strip(chr(34))}"
    body = cache_call(cache.get, key)
    if body is None:
        body = dumps(build())
        cache_call(cache.set, key, body, BODY_CACHE_SECONDS)
    response = HttpResponse(body, content_type=JSON)
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response


def cache_call(method, *args, **kwargs):
    """A cache operation that is only an optimisation: with the cache down it returns None
    (logged) and the request is served from the database."""
    try:
        return method(*args, **kwargs)
    except Exception as error:
        if not is_cache_failure(error):
            raise
        logger.warning("Cache unavailable, serving without it: %r", error)
        return None


# Pagination ----------------------------------------------------------------------------------
def page(request: HttpRequest, queryset, limit: int, offset: int, serialize) -> dict[str, Any]:
    """``{"count", "next", "items"}`` for one page; `serialize` turns the page's objects into
    dicts (given the whole list, so it can batch its lookups)."""
    count = queryset.count()
    objects = []
    if offset < count:
        # The page's ids first (a sort over narrow rows), then just those rows with their
        # relations: sorting whole rows to keep twenty is what made big lists slow.
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        rows = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=ids)}
        objects = [rows[pk] for pk in ids if pk in rows]
    following = None
    if offset + limit < count:
        params = request.GET.copy()
        params["offset"] = str(offset + limit)
        params["limit"] = str(limit)
        following = (
            request.build_absolute_uri(request.path)
            + "?"
            + urlencode(list(params.lists()), doseq=True)
        )
    return {"count": count, "next": following, "items": serialize(objects)}


# Middleware ----------------------------------------------------------------------------------
class ApiMiddleware:
    """Under /api/v1/: JSON bodies only, body-size limits before anything reads the body, and
    a problem document for every error — including those raised outside the API's own views
    (unknown paths, wrong methods, oversized bodies, crashes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        refused = self._check_body(request)
        response = refused or self.get_response(request)
        return self._as_problem(request, response)

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in {"POST", "PUT", "PATCH"}:
            return None
        limit = body_limit(request.path)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "bad_request", _("The Content-Length header is not a number."))
        if length > limit:
            return too_large(limit)
        content_type = request.content_type or ""
        if length and content_type != JSON:
            return problem(
                400,
                "unsupported_content_type",
                _("Send the body as JSON with “Content-Type: application/json”, not “%(type)s”.")
                % {"type": content_type or "-"},
            )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return too_large(body_limit(request.path))
        if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation):
            return None  # Django answers 404/403/400, turned into problems on the way out
        outage = classify(exception)  # a database, cache or index down: 503, not a 500
        if outage is not None:
            log_outage(request, outage, exception)
            return problem(503, outage.code, outage.detail,
                           headers={"Retry-After": str(outage.retry_after)})  # fmt: skip
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return problem(500, "server_error", _("Something went wrong on our side."))

    def _as_problem(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code < 400 or response.get("Content-Type", "").startswith(PROBLEM_JSON):
            return response
        status = response.status_code
        if status == 404:
            return problem(404, "not_found", _("There is nothing at %(path)s.") % {
                "path": request.path})  # fmt: skip
        if status == 405:
            allowed = response.get("Allow", "")
            return problem(
                405,
                "method_not_allowed",
                _("%(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
                headers={"Allow": allowed},
            )
        if status == 400:
            return problem(400, "bad_request", _("The request could not be understood."))
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        return problem(status, "error", phrase or _("Error"))


BODY_LIMITS = {"render": 64 * 1024}
DEFAULT_BODY_LIMIT = 1024 * 1024


def body_limit(path: str) -> int:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return getattr(settings, "API_BODY_LIMITS", BODY_LIMITS).get(last, DEFAULT_BODY_LIMIT)


def too_large(limit: int) -> HttpResponse:
    return problem(
        413,
        "payload_too_large",
        _("The body is larger than %(kib)d KiB.") % {"kib": limit // 1024},
    )
