"""The delivery generation: one number that changes with every change to what bots can read.

Cached API answers (``core.api.answers``) are keyed by it, so a publish, an unpublish, an edit of
a persona, a calendar entry or a pause makes every cached answer unreachable at once, in every
process, without knowing which answers it touched. Each app names the models whose saves and
deletes change delivered content (``watch``); code that writes rows without signals (bulk
inserts, ``QuerySet.update``, restore) calls ``bump()`` itself.

Where the number lives:
- with a shared cache (Redis), in the cache: read with one GET; ``bump`` replaces it at once and
  again when the transaction commits (an answer built between the two from the old rows would
  otherwise be stored under the new number), as the token cache does (bots/credentials.py);
- without one (the embedded SQLite setup, LocMem per process), in the database row
  ``core.Generation``: updated inside the writer's transaction, so it commits with the change
  (on SQLite the writer holds the database's write lock anyway: no new contention).

Values are random, never incremented: a number rolled back with a transaction, restored from a
backup or lost with a Redis restart can never name another state's answers.

Besides changes, the clock changes answers (validity windows, scheduled go-live and expiry):
``next_boundary(now)`` is the earliest such moment after `now` over every app's ``clock``; an
answer's key includes it, so it is not reused once that moment has passed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.cache import cache_is_shared
from core.outages import is_cache_failure

logger = logging.getLogger(__name__)

NAME = "delivery"
CACHE_KEY = "core:generation:delivery"
CACHE_SECONDS = 7 * 24 * 3600

_watched: set[type] = set()
_connected: list[bool] = []
_clocks: list[Callable[[datetime], datetime | None]] = []
_boundary: dict[tuple, datetime | None] = {}  # (generation,) -> next boundary (per process)


def _new_value() -> int:
    return secrets.randbits(62)


_UNREAD = object()


class _CacheDown(Exception):
    pass


def shared_cache_call(method, *args):
    try:
        return method(*args)
    except Exception as error:
        if not is_cache_failure(error):
            raise
        logger.warning("Cache unavailable: answers are built without it: %r", error)
        raise _CacheDown from error


# Reading and changing ------------------------------------------------------------------------
def current(request=None) -> int | None:
    """The delivery generation now, or None when it cannot be read (the cache is down: then
    nothing may be answered from the cache). Given the request, it is read once per request
    (its stamps, bodies and answers then agree on one generation)."""
    if request is not None:
        known = request.__dict__.get("_delivery_generation", _UNREAD)
        if known is _UNREAD:
            known = request.__dict__["_delivery_generation"] = current()
        return known
    if cache_is_shared():
        from django.core.cache import cache

        try:
            value = shared_cache_call(cache.get, CACHE_KEY)
            if value is None:
                fresh = _new_value()
                added = shared_cache_call(cache.add, CACHE_KEY, fresh, CACHE_SECONDS)
                value = fresh if added else shared_cache_call(cache.get, CACHE_KEY)
        except _CacheDown:
            return None
        return value
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT value FROM core_generation WHERE name = %s", [NAME])
        row = cursor.fetchone()
    return row[0] if row else 0


def remember(request, value: int | None) -> None:
    """`value` was read where the generation lives (the shared cache under CACHE_KEY, or
    ``in_database()``) along with something else — the token check reads it in its own
    round trip or statement: this request's generation, unless None."""
    if value is not None:
        request.__dict__["_delivery_generation"] = value


def in_database():
    """The generation's database row as an expression, to select with another query (only
    meaningful without a shared cache)."""
    from django.db.models import Subquery

    from .models import Generation

    return Subquery(Generation.objects.filter(name=NAME).values("value")[:1])


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every cached answer unreachable: call after writing delivered content without
    model signals (``watch`` covers ordinary saves and deletes)."""
    if cache_is_shared():
        from django.core.cache import cache

        def replace():
            # Cache down: a known limit, as for the token cache (bots/credentials.py): answers
            # cached before the change last at most BODY_CACHE_SECONDS.
            with suppress(_CacheDown):
                shared_cache_call(cache.set, CACHE_KEY, _new_value(), CACHE_SECONDS)

        replace()
        if connections[using].in_atomic_block:
            transaction.on_commit(replace, using=using)
        return
    with connections[using].cursor() as cursor:
        cursor.execute(
            "UPDATE core_generation SET value = %s WHERE name = %s", [_new_value(), NAME]
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO core_generation (name, value) VALUES (%s, %s)", [NAME, _new_value()]
            )


# What changes it -----------------------------------------------------------------------------
def _changed(sender, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if not raw and issubclass(sender, tuple(_watched)):
        bump(using)


def watch(*models: Iterable[type]) -> None:
    """Bump the generation on every save and delete of `models` (and their subclasses and
    proxies) and on changes to their many-to-many relations."""
    _watched.update(models)
    if not _connected:
        _connected.append(True)
        post_save.connect(_changed, dispatch_uid="core.generation.save")
        post_delete.connect(_changed, dispatch_uid="core.generation.delete")
        m2m_changed.connect(_m2m_changed, dispatch_uid="core.generation.m2m")


def _m2m_changed(sender, instance=None, action="", using=DEFAULT_DB_ALIAS, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, tuple(_watched)) or issubclass(kwargs.get("model", object),
                                                           tuple(_watched)):  # fmt: skip
        bump(using)


# The clock -----------------------------------------------------------------------------------
def clock(function: Callable[[datetime], datetime | None]) -> Callable:
    """Register `function(now)`: the earliest moment after `now` at which some delivered
    content appears or disappears by the clock alone (a validity window, a scheduled go-live
    or expiry), or None."""
    _clocks.append(function)
    return function


def next_boundary(generation: int, now: datetime) -> datetime | None:
    """The earliest clock boundary after `now` (None: none known), computed once per process
    and generation until it has passed."""
    key = (generation,)
    if key in _boundary:
        known = _boundary[key]
        if known is None or known > now:
            return known
    if len(_boundary) > 64:
        _boundary.clear()
    moments = [moment for moment in (function(now) for function in _clocks) if moment]
    _boundary[key] = min(moments, default=None)
    return _boundary[key]


def clock_of(model, *fields: str) -> None:
    """Register the moments in `model`'s datetime `fields` as clock boundaries."""
    from django.db.models import Min, Q

    def earliest(now: datetime) -> datetime | None:
        found = model._base_manager.aggregate(**{
            field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in fields
        })  # fmt: skip
        return min(filter(None, found.values()), default=None)

    clock(earliest)
