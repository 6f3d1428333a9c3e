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

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core import generation

from .responses import (
    BODY_CACHE_SECONDS,
    JSON,
    cache_call,
    dumps,
    etag_matches,
    make_etag,
    not_modified,
)


def answer_key(request: HttpRequest, parts: tuple) -> str | None:
    """The cache key of this request's answer now, or None when answers cannot be cached."""
    current = generation.current()
    if current is None:
        return None
    boundary = generation.next_boundary(current, timezone.now())
    client = getattr(request, "auth", None)
    query = sorted(request.GET.lists())
    ingredients = (current, boundary, getattr(client, "pk", None), request.get_host(),
                   request.is_secure(), request.path, query, parts)  # fmt: skip
    return "api:answer:" + hashlib.blake2b(repr(ingredients).encode(), digest_size=16).hexdigest()


def cached_answer(request: HttpRequest, build, parts: tuple = ()) -> HttpResponse:
    """The 200 JSON answer of `build()` (or 304), from the cache when this request's answer is
    there. `parts`: whatever else the answer depends on that the path and query do not say."""
    key = answer_key(request, parts)
    entry = cache_call(cache.get, key) if key else None
    now = timezone.now()
    if entry is None or entry[0] <= now:
        body = dumps(build())
        entry = (now + timedelta(seconds=BODY_CACHE_SECONDS), make_etag(body), body)
        if key:
            cache_call(cache.set, key, entry, BODY_CACHE_SECONDS)
    _expires, etag, body = entry
    if etag_matches(request, etag):
        return not_modified(etag)
    response = HttpResponse(body, content_type=JSON)
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response
