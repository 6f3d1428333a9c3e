"""The delivery API v1 (../shared/API.md): one NinjaAPI with one authentication, one error
format and one rate limiter; each app contributes its router from ``<app>/api.py``."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from bots.api import router as events_router
from bots.auth import AuthThrottled, BotTokenAuth, ClientRateThrottle
from compliance.api import router as compliance_router
from content.api import router as scripts_router
from core.api import (
    JSON,
    PROBLEM_JSON,
    ApiError,
    Problem,
    UnicodeJSONRenderer,
    invalid_all,
    json_response,
    problem,
    problem_from,
    strict_query,
)
from core.api.input_guard import GuardedParser
from editorial_calendar.api import calendar_router, hot_topics_router
from integrations.dify import router as dify_router
from integrations.fastgpt import router as fastgpt_router
from personas.api import router as personas_router
from search.api import router as search_router
from sequences.api import router as sequences_router

from .health import run_checks


class DeliveryAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Errors are documented as what they are, application/problem+json; an optional
        query parameter is simply absent, never "null"."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    options = parameter["schema"].get("anyOf") or []
                    if len(options) == 2 and {"type": "null"} in options:
                        title = parameter["schema"].get("title")
                        parameter["schema"] = next(o for o in options if o != {"type": "null"})
                        if title:
                            parameter["schema"]["title"] = title
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if int(status) >= 400 and JSON in content and _is_problem(content[JSON]):
                        content[PROBLEM_JSON] = content.pop(JSON)
        # Tool importers (Coze, Dify) need an absolute server to call.
        schema["servers"] = [{"url": settings.WAGTAILADMIN_BASE_URL}]
        return schema


def _is_problem(media: dict) -> bool:
    """Dify's and FastGPT's endpoints answer some errors in those tools' own JSON shapes."""
    return media.get("schema", {}).get("$ref", "").endswith("/Problem")


api = DeliveryAPI(
    title="私域内容中台 Delivery API",
    version="1",
    description=(
        "Personas, scripts, the hot-topic calendar and search for chat bots. "
        "Authenticate with `Authorization: Bearer <token>` (create one with "
        "`python manage.py bot_client create NAME`). Errors are RFC 9457 problem documents."
    ),
    urls_namespace="api_v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=UnicodeJSONRenderer(),
    parser=GuardedParser(),
    auth=BotTokenAuth(),
    throttle=[ClientRateThrottle()],
)


# Errors: every one a problem document ---------------------------------------------------------
def _loc(loc) -> list:
    """ninja's location, with the body parameter's own name dropped: ["events", 3, "type"]."""
    loc = list(loc)
    if loc[:1] == ["body"] and len(loc) >= 2:
        return loc[2:]
    return loc


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError):
    errors = [
        {"loc": _loc(error.get("loc", ())), "message": error.get("msg", "")} for error in exc.errors
    ]
    return problem_from(invalid_all(errors))


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError):
    return problem_from(exc)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError):
    header = request.headers.get("Authorization", "")
    detail = (
        _("The token is unknown, expired or revoked.")
        if header
        else _("Send “Authorization: Bearer <token>”.")
    )
    challenge = 'Bearer realm="api", error="invalid_token"' if header else 'Bearer realm="api"'
    return problem(401, "unauthorized", detail, headers={"WWW-Authenticate": challenge})


@api.exception_handler(AuthThrottled)
def _auth_throttled(request: HttpRequest, exc: AuthThrottled):
    wait = getattr(request, "rate_limit_wait", None) or 60
    return problem(
        429,
        "rate_limited",
        _("Too many failed authentications from your address; try again in %(s)d seconds.")
        % {"s": wait},
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled):
    wait = getattr(request, "rate_limit_wait", None) or 60
    return problem(
        429,
        "rate_limited",
        _("Too many requests; try again in %(s)d seconds.") % {"s": wait},
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    if isinstance(exc.__cause__, ApiError):  # raised by GuardedParser, wrapped by ninja
        return problem_from(exc.__cause__)
    if exc.status_code == 400:
        return problem(400, "malformed_json", _("The body is not valid JSON."))
    return problem(exc.status_code, "error", str(exc))


# Health ---------------------------------------------------------------------------------------
class Health(Schema):
    status: str
    checks: dict[str, str]


health_router = Router(tags=["health"])


@health_router.get(
    "/health",
    auth=None,
    throttle=[],
    response={200: Health, 422: Problem, 503: Problem},
    summary="Health",
    operation_id="health",
    url_name="health",
)
@strict_query
def health(request: HttpRequest):
    """Readiness for load balancers and bots: a table read, a write lock that can be taken,
    the cache, and every search index (complete, answering a query)."""
    checks = run_checks()
    failing = sorted(name for name, value in checks.items() if value != "ok")
    if failing:
        return problem(
            503,
            "unavailable",
            _("Not ready: %(checks)s.") % {"checks": ", ".join(failing)},
            headers={"Retry-After": "30"},
            checks=checks,
        )
    return json_response(request, {"status": "ok", "checks": checks})


api.add_router("", health_router)
api.add_router("/personas/", personas_router)
api.add_router("/scripts/", scripts_router)
api.add_router("/calendar/", calendar_router)
api.add_router("/hot-topics/", hot_topics_router)
api.add_router("/search/", search_router)
api.add_router("/sequences/", sequences_router)
api.add_router("/events/", events_router)
api.add_router("/compliance/", compliance_router)
api.add_router("/dify/", dify_router)
api.add_router("/fastgpt/", fastgpt_router)
