"""The delivery API's authentication and rate limit for endpoints that answer in someone
else's error format (MCP's HTTP transport, Dify, FastGPT): the same ``BotTokenAuth`` (with its
failed-token throttle) and ``ClientRateThrottle``, called directly instead of through ninja."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from bots.auth import AuthThrottled, BotTokenAuth, ClientRateThrottle
from core.api import problem

_auth = BotTokenAuth()


@dataclass(frozen=True)
class Refusal:
    status: int  # 401 or 429
    code: str  # "unauthorized" | "rate_limited" (the REST API's codes)
    detail: str
    headers: dict[str, str]


def check(request: HttpRequest) -> Refusal | None:
    """Sets ``request.auth`` to the calling ``BotClient``, or says why not."""
    request.auth = None
    try:
        client = _auth(request)  # HttpBearer: parses the header, then authenticate()
    except AuthThrottled:
        wait = getattr(request, "rate_limit_wait", None) or 60
        detail = _("Too many failed authentications from your address; try again in %(s)d seconds.")
        return Refusal(429, "rate_limited", detail % {"s": wait}, {"Retry-After": str(wait)})
    if client is None:
        header = request.headers.get("Authorization", "")
        if header:
            detail = _("The token is unknown, expired or revoked.")
            challenge = 'Bearer realm="api", error="invalid_token"'
        else:
            detail = _("Send “Authorization: Bearer <token>”.")
            challenge = 'Bearer realm="api"'
        return Refusal(401, "unauthorized", detail, {"WWW-Authenticate": challenge})
    request.auth = client
    if not ClientRateThrottle().allow_request(request):
        wait = getattr(request, "rate_limit_wait", None) or 60
        detail = _("Too many requests; try again in %(s)d seconds.") % {"s": wait}
        return Refusal(429, "rate_limited", detail, {"Retry-After": str(wait)})
    return None


def authenticate(request: HttpRequest) -> HttpResponse | None:
    """None when the bot may go on, else the REST API's problem response (401/429)."""
    refusal = check(request)
    if refusal is None:
        return None
    return problem(refusal.status, refusal.code, refusal.detail, headers=refusal.headers)
