"""ApiMiddleware: under /api/, JSON-only bodies with size limits checked before anything reads
them, and a problem document for every error, including those raised outside the API's views."""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.outages import classify, log_outage

from .errors import API_PREFIX, PROBLEM_JSON, problem
from .responses import JSON, etag_matches, make_etag, not_modified

logger = logging.getLogger(__name__)


def _with_etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """API.md: every GET returns an ETag. The views set their own (from a stamp, or kept with
    their answer); any other GET 200 under /api/ (the OpenAPI document, the docs page, FastGPT's
    file reads) gets its body's hash, and a 304 when the client has it."""
    if (
        request.method not in {"GET", "HEAD"}
        or response.status_code != 200
        or response.has_header("ETag")
        or response.streaming
    ):
        return response
    etag = make_etag(response.content)
    if etag_matches(request, etag):
        return not_modified(etag)
    response["ETag"] = etag
    return response


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
        return _with_etag(request, self._as_problem(request, response))

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in {"POST", "PUT", "PATCH"}:
            return None
        limit = body_limit(request.path)
        length = declared_length(request)
        if length is None:
            return bad_length()
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
        if getattr(response, "foreign_error_format", False):  # Dify's, FastGPT's: theirs to keep
            return response
        status = response.status_code
        if status == 404:
            return problem(404, "not_found", _("There is nothing at %(path)s.") % {
                "path": request.path})  # fmt: skip
        if status == 405:
            return method_not_allowed(request, response.get("Allow", ""))
        if status == 400:
            return problem(400, "bad_request", _("The request could not be understood."))
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        return problem(status, "error", phrase or _("Error"))


BODY_LIMITS = {"render": 64 * 1024}
DEFAULT_BODY_LIMIT = 1024 * 1024


def body_limit(path: str) -> int:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return getattr(settings, "API_BODY_LIMITS", BODY_LIMITS).get(last, DEFAULT_BODY_LIMIT)


def declared_length(request: HttpRequest) -> int | None:
    """The body length the request declares (0 without Content-Length); None when the header
    is not a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def bad_length() -> HttpResponse:
    return problem(400, "bad_request", _("The Content-Length header is not a number."))


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    return problem(
        405,
        "method_not_allowed",
        _("%(method)s is not allowed here; use %(allowed)s.")
        % {"method": request.method, "allowed": allowed},
        headers={"Allow": allowed},
    )


def too_large(limit: int) -> HttpResponse:
    return problem(
        413,
        "payload_too_large",
        _("The body is larger than %(kib)d KiB.") % {"kib": limit // 1024},
    )
