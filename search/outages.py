"""A search index that is missing, corrupt or stuck on its write lock is an outage (503 with
Retry-After), not a bug: registered with core.outages when the app is ready."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.outages import Outage

from .backends.whoosh_state import IndexLocked, IndexMissing

RETRY_SEARCH = 120  # a missing index needs a rebuild: minutes


def classify_search(exc: BaseException) -> Outage | None:
    if not isinstance(exc, IndexMissing | IndexLocked):
        return None
    return Outage(
        "search",
        _("The search index is unavailable; try again in %(s)d seconds.") % {"s": RETRY_SEARCH},
        RETRY_SEARCH,
    )
