"""Failed sign-ins, counted in the shared cache: bad API tokens per client address, failed admin
logins per address and per account. Over the limit the caller waits for the window to end.

Counters are django-ratelimit's (atomic cache increments in fixed windows, shared by every
worker when REDIS_URL is set; per process otherwise). When the cache is down they fail open
with a logged warning: a cache outage must not lock every bot and editor out, the API's tokens
are 256 random bits (guessing is hopeless anyway), and /health reports the cache as down.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

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


@dataclass(frozen=True)
class FailureLimit:
    """At most `rate` (a setting's name, "N/period") failures per key and window."""

    group: str
    rate_setting: str

    def _usage(self, request: HttpRequest, value: str, increment: bool) -> dict | None:
        try:
            return get_usage(
                request,
                group=self.group,
                key=lambda _group, _request: value,
                rate=getattr(settings, self.rate_setting),
                increment=increment,
            )
        except Exception as error:
            if not is_cache_failure(error):
                raise
            warn_cache_down(self.group, error)
            return None

    def wait(self, request: HttpRequest, value: str) -> int | None:
        """Seconds until `value` may try again, or None when it is under the limit."""
        usage = self._usage(request, value, increment=False)
        if usage is None or usage["count"] < usage["limit"]:
            return None
        return max(1, int(usage["time_left"]))

    def failed(self, request: HttpRequest, value: str) -> None:
        self._usage(request, value, increment=True)


API_AUTH = FailureLimit("auth-fail:api:address", "API_AUTH_FAILURE_LIMIT")
LOGIN_BY_ADDRESS = FailureLimit("auth-fail:admin:address", "ADMIN_LOGIN_FAILURE_LIMIT")
LOGIN_BY_ACCOUNT = FailureLimit("auth-fail:admin:account", "ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT")
