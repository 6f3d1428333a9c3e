"""Counting in fixed windows: the API's rate limit per bot client, and failed sign-ins (bad API
tokens per client address, failed admin logins per address and per account). Over the limit
the caller waits for the window to end.

Counters are atomic increments in the cache, shared by every worker when REDIS_URL is set
(one round trip: ``core.cache.RedisCache.count``), per process otherwise. Each key's windows
end at a moment of its own (a fixed offset from its hash), so not every counter restarts in
the same second. When the cache is down they fail open with a logged warning: a cache outage
must not lock every bot and editor out, the API's tokens are 256 random bits (guessing is
hopeless anyway), and /health reports the cache as down.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .outages import is_cache_failure

logger = logging.getLogger(__name__)

WARN_EVERY = 60.0  # seconds between two "cache down" warnings of one process
_last_warning = {"at": 0.0}


def warn_cache_down(what: str, error: BaseException) -> None:
    """Log that `what` runs without the cache, at most once a minute (not once per request)."""
    now = time.monotonic()
    if now - _last_warning["at"] >= WARN_EVERY:
        _last_warning["at"] = now
        logger.warning("Cache unavailable: %s fails open (%r)", what, error)


def client_address(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or with TRUSTED_PROXY_HOPS = n behind n proxies the
    n-th address from the right of X-Forwarded-For (the left part is whatever the client
    sent, so it is never trusted)."""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "N/period" (period: s, m, h or d, optionally several, e.g. "10/15m") → (N, seconds)."""
    count, _, period = rate.partition("/")
    multiple = period[:-1]
    return int(count), PERIODS[period[-1].lower()] * (int(multiple) if multiple else 1)


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    time_left: int  # seconds until the window ends

    @property
    def over(self) -> bool:
        return self.count > self.limit


@dataclass(frozen=True)
class Window:
    """The current window of one counter: its cache key, how long the key must live, the
    limit and the seconds left."""

    key: str
    ttl: int
    limit: int
    time_left: int

    def usage(self, count: int) -> Usage:
        return Usage(count, self.limit, self.time_left)


def window(group: str, value: str, rate: str) -> Window:
    """`value`'s counter in `group` for the current window of `rate` ("N/period")."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    end = now - now % period + zlib.crc32(value.encode()) % period
    if end <= now:
        end += period
    name = hashlib.blake2b(f"{group}\0{value}\0{period}".encode(), digest_size=12).hexdigest()
    return Window(f"rl:{name}:{end}", end - now + 1, limit, end - now)


def usage(group: str, value: str, rate: str, amount: int = 1) -> Usage:
    """Add `amount` (0: only look) to `value`'s counter in `group` for the current window of
    `rate` and return the usage. Raises the cache's error when the cache is down."""
    found = window(group, value, rate)
    count_method = getattr(cache, "count", None)
    if count_method is not None:
        count = count_method(found.key, amount, found.ttl)
    else:
        cache.add(found.key, 0, found.ttl)
        count = cache.incr(found.key, amount) if amount else int(cache.get(found.key) or 0)
    return found.usage(count)


#: The delivery API's requests per bot client (API_RATE_LIMIT), keyed by the client's token hash.
API_REQUESTS = "api_v1"


@dataclass(frozen=True)
class FailureLimit:
    """At most `rate` (a setting's name, "N/period") failures per key and window."""

    group: str
    rate_setting: str

    def _usage(self, value: str, amount: int) -> Usage | None:
        try:
            return usage(self.group, value, getattr(settings, self.rate_setting), amount)
        except Exception as error:
            if not is_cache_failure(error):
                raise
            warn_cache_down(self.group, error)
            return None

    def wait(self, request: HttpRequest, value: str) -> int | None:
        """Seconds until `value` may try again, or None when it is under the limit."""
        found = self._usage(value, 0)
        if found is None or found.count < found.limit:
            return None
        return max(1, found.time_left)

    def failed(self, request: HttpRequest, value: str) -> None:
        self._usage(value, 1)


API_AUTH = FailureLimit("auth-fail:api:address", "API_AUTH_FAILURE_LIMIT")
LOGIN_BY_ADDRESS = FailureLimit("auth-fail:admin:address", "ADMIN_LOGIN_FAILURE_LIMIT")
LOGIN_BY_ACCOUNT = FailureLimit("auth-fail:admin:account", "ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT")
