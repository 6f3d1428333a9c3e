"""How the delivery API knows which bot is calling, what it may see, and how often it may ask."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import Error as DatabaseError  # InterfaceError too (a lost connection)
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from core.outages import classify, is_cache_failure, without_waiting
from core.throttle import API_AUTH, API_REQUESTS, client_address, usage, warn_cache_down

from .models import BotClient

logger = logging.getLogger(__name__)

LAST_USED_INTERVAL = timedelta(seconds=60)  # write last_used_at at most once a minute
LAST_USED_BACKOFF = 60.0  # after a failed write, seconds before this process tries again
_last_used_blocked: dict[int, float] = {}  # client pk -> monotonic time to try again
_last_used_written: dict[str, datetime] = {}  # token hash -> last_used_at this process wrote


class AuthThrottled(Throttled):
    """Too many bad tokens from this address: 429 until the window ends."""


class BotTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` of an active bot client.

    Bad tokens are counted per client address (API_AUTH_FAILURE_LIMIT); over the limit a bad
    token is answered 429 with Retry-After instead of 401. A valid token is always accepted,
    even from an address over the limit: bots of several teams often share one egress
    address, and one misconfigured bot must not lock the others out."""

    def authenticate(self, request: HttpRequest, token: str) -> BotClient | None:
        client = BotClient.authenticate(token.strip(), request)
        if client is None:
            address = client_address(request)
            wait = API_AUTH.wait(request, address)
            if wait:
                request.rate_limit_wait = wait
                raise AuthThrottled(wait)
            API_AUTH.failed(request, address)
            return None
        record_use(client)
        return client


def record_use(client: BotClient) -> None:
    """Set last_used_at (at most once a minute) without ever blocking or failing the request:
    the write gives up at once when the database is locked, read-only or busy, and this
    process then leaves it alone for a minute. A read stays a read in an outage."""
    now = timezone.now()
    # A client from the token cache carries last_used_at as it was cached: this process's
    # own last write counts too.
    last = max(
        filter(None, (client.last_used_at, _last_used_written.get(client.token_hash))), default=None
    )
    if last is not None and now - last <= LAST_USED_INTERVAL:
        return
    if time.monotonic() < _last_used_blocked.get(client.pk, 0.0):
        return
    try:
        with without_waiting():
            BotClient.objects.filter(pk=client.pk).update(last_used_at=now)
    except DatabaseError as error:
        if classify(error) is None:
            raise  # not an outage: a bug, and it should be seen
        _last_used_blocked[client.pk] = time.monotonic() + LAST_USED_BACKOFF
        logger.warning("last_used_at of bot client %s not recorded: %r", client.pk, error)
        return
    _last_used_blocked.pop(client.pk, None)
    _last_used_written[client.token_hash] = client.last_used_at = now


class ClientRateThrottle(BaseThrottle):
    """Per bot client, counted in the cache (Redis when configured, so every worker process
    shares the counters); over the limit → 429 with Retry-After. With the cache down the
    limit is not enforced (logged, and /health reports the cache): a rate limit protects
    capacity, and refusing every bot because Redis is away would be the bigger outage."""

    def __init__(self):
        self._wait: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        if getattr(request, "auth", None) is None:
            return True
        try:
            # Counted already in the token check's round trip when the cache is shared
            # (bots.credentials); the same counter otherwise.
            found = getattr(request, "rate_usage", None) or usage(
                API_REQUESTS, request.auth.token_hash, settings.API_RATE_LIMIT
            )
        except Exception as error:
            if not is_cache_failure(error):
                raise
            warn_cache_down("the API rate limit", error)
            return True
        if not found.over:
            return True
        request.rate_limit_wait = max(1, found.time_left)
        return False

    def wait(self) -> float | None:  # ninja asks after allow_request; the request holds it
        return None
