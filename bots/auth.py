"""How the delivery API knows which bot is calling, what it may see, and how often it may ask."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from .models import BotClient

LAST_USED_INTERVAL = timedelta(seconds=60)  # write last_used_at at most once a minute


class BotTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` of an active bot client."""

    def authenticate(self, request: HttpRequest, token: str) -> BotClient | None:
        client = BotClient.authenticate(token.strip())
        if client is None:
            return None
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_INTERVAL:
            BotClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        return client


def _client_key(group: str, request: HttpRequest) -> str:
    return str(request.auth.pk)


class ClientRateThrottle(BaseThrottle):
    """Per bot client, counted in the cache (Redis when configured, so every worker process
    shares the counters); over the limit → 429 with Retry-After."""

    def __init__(self):
        self._wait: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        if getattr(request, "auth", None) is None:
            return True
        usage = get_usage(
            request,
            group="api_v1",
            key=_client_key,
            rate=settings.API_RATE_LIMIT,
            increment=True,
        )
        if usage is None or not usage["should_limit"]:
            return True
        request.rate_limit_wait = max(1, int(usage["time_left"]))
        return False

    def wait(self) -> float | None:  # ninja asks after allow_request; the request holds it
        return None
