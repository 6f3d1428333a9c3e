"""Whole API answers cached under the delivery generation: the list and calendar pages that
cost a dozen milliseconds to build are answered, until something they show changes, for about
the cost of the token check.

An answer is keyed by what it depends on: the delivery generation (``core.generation``: it
changes with every publish, unpublish, edit or scope change), the next clock boundary (a
validity window opening or closing), the calling client, the site's address, the path and
query, and what the caller adds (e.g. the calendar's dates resolved from "today"). Its ETag is
cached with it, so a client that has the answer gets a 304 without the body being built or
hashed. Answers live BODY_CACHE_SECONDS at most, which bounds staleness from changes the
generation cannot see (an image file replaced on disk). With the cache down, or the generation
unreadable, every answer is built as before.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from time import time as time_now

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core import generation, local

from .responses import (
    BODY_CACHE_SECONDS,
    cache_call,
    dumps,
    etag_response,
    make_etag,
)


def _now_key(request: HttpRequest) -> tuple | None:
    """(generation, next clock boundary) now, or None when nothing may be cached."""
    current = generation.current(request)
    if current is None:
        return None
    return current, generation.next_boundary(current, timezone.now())


def answer_key(request: HttpRequest, parts: tuple) -> str | None:
    """The cache key of this request's answer now, or None when answers cannot be cached."""
    now_key = _now_key(request)
    if now_key is None:
        return None
    client = getattr(request, "auth", None)
    query = sorted(request.GET.lists())
    ingredients = (*now_key, getattr(client, "pk", None), request.get_host(),
                   request.is_secure(), request.path, query, parts)  # fmt: skip
    return "api:answer:" + hashlib.blake2b(repr(ingredients).encode(), digest_size=16).hexdigest()


def cached_answer(request: HttpRequest, build, parts: tuple = ()) -> HttpResponse:
    """The 200 JSON answer of `build()` (or 304), from the cache when this request's answer is
    there. `parts`: whatever else the answer depends on that the path and query do not say.
    The answers this process served are also kept in it (``core.local``): same key, same
    bytes, no round trip."""
    key = answer_key(request, parts)
    now = timezone.now()
    entry = local.get(key) if key else None
    if entry is None and key:
        entry = cache_call(cache.get, key)
        if entry is not None:
            local.put(key, entry, len(entry[2]))
    if entry is None or entry[0] <= now:
        body = dumps(build())
        entry = (now + timedelta(seconds=BODY_CACHE_SECONDS), make_etag(body), body)
        if key:
            cache_call(cache.set, key, entry, BODY_CACHE_SECONDS)
            local.put(key, entry, len(body))
    _expires, etag, body = entry
    return etag_response(request, body, etag)


def memo(request: HttpRequest, parts: tuple, build, size=None):
    """`build()` (any value, None included) computed once per process while the
    delivery generation and the clock boundary stay what they are now: for what depends only
    on delivered content, e.g. a script's stamp for a client's scope. Without a readable
    generation, `build()` every time. `size(value)`: about how many bytes it holds, when that
    is more than a small tuple's (a body)."""
    now_key = _now_key(request)
    if now_key is None:
        return build()
    key = ("memo", *now_key, *parts)
    now = time_now()
    entry = local.get(key)
    if entry is None or entry[0] <= now:
        # Kept BODY_CACHE_SECONDS at most, as answers are: rows changed by hand in SQL
        # (no signal, no bump) show within that time.
        entry = (now + BODY_CACHE_SECONDS, build())
        local.put(key, entry, 100 if size is None else size(entry[1]))
    return entry[1]
