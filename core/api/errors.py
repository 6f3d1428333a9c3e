"""Problem documents (RFC 9457): every error of the API is one."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

from .responses import dumps

API_PREFIX = "/api/"  # everything under it speaks problem+json
PROBLEM_JSON = "application/problem+json"


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
# dependency is down, with Retry-After; core.outages).
ERRORS = {401: Problem, 422: Problem, 429: Problem, 503: Problem}


class ApiError(Exception):
    """Raise from a router to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


def invalid(loc: list, message: str, code: str = "validation_error", **extra) -> ApiError:
    """A 422 naming one offending parameter or field."""
    return ApiError(422, code, message, errors=[{"loc": list(loc), "message": message}], **extra)


def invalid_all(errors: list[dict]) -> ApiError:
    """A 422 naming every offending parameter or field (`errors`: [{"loc", "message"}])."""
    names = ", ".join(".".join(str(part) for part in error["loc"]) for error in errors)
    return ApiError(422, "validation_error", _("Invalid input: %(names)s.") % {"names": names},
                    errors=errors)  # fmt: skip


def problem_body(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The problem document as a dict (MCP tool errors carry it as structured content)."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "code": code,
        **extra,
    }


def problem(status: int, code: str, detail: str, headers=None, **extra: Any) -> HttpResponse:
    body = problem_body(status, code, detail, **extra)
    response = HttpResponse(dumps(body), status=status, content_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_from(error: ApiError) -> HttpResponse:
    headers = error.extra.pop("headers", None)
    return problem(error.status, error.code, error.detail, headers=headers, **error.extra)
