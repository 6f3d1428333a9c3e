"""JSON bodies (Chinese as characters, times in the site's time zone), ETags, 304s and the
body cache of detail endpoints."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, datetime, time
from time import time as time_now
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.renderers import BaseRenderer

from core import generation, local
from core.outages import is_cache_failure

logger = logging.getLogger(__name__)

JSON = "application/json"


# JSON ----------------------------------------------------------------------------------------
def _default(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(data: Any) -> bytes:
    """UTF-8 JSON with Chinese as characters, datetimes in the site's time zone."""
    return json.dumps(data, ensure_ascii=False, default=_default, separators=(",", ":")).encode()


class UnicodeJSONRenderer(BaseRenderer):
    media_type = JSON

    def render(self, request, data, *, response_status):
        return dumps(data)


def iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


# ETags and responses -------------------------------------------------------------------------
def site_address(request: HttpRequest) -> str:
    """``request.build_absolute_uri("/")``, worked out once per request: answers name the site's
    address (absolute image URLs), so their ETags and kept bodies are keyed by it."""
    address = request.__dict__.get("_site_address")
    if address is None:
        address = request.__dict__["_site_address"] = request.build_absolute_uri("/")
    return address


def make_etag(*parts: Any) -> str:
    """A strong ETag: the hash of a body (one bytes part, hashed as it is) or of the parts
    that name it (a stamp)."""
    body = len(parts) == 1 and isinstance(parts[0], bytes)
    data = parts[0] if body else repr(parts).encode()
    return f'"{hashlib.blake2b(data, digest_size=16).hexdigest()}"'


def etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response


def etag_response(request: HttpRequest, body: bytes, etag: str) -> HttpResponse:
    """A 200 of JSON `body` with its ETag, or a 304 when the client has that ETag already."""
    if etag_matches(request, etag):
        return not_modified(etag)
    response = HttpResponse(body, content_type=JSON)
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response


def json_response(
    request: HttpRequest, data: Any, *, status: int = 200, etag: str | None = None
) -> HttpResponse:
    """JSON with an ETag (the body's hash unless given); 304 when the client has it already."""
    body = dumps(data)
    if request.method in {"GET", "HEAD"} and status == 200:
        etag = etag or make_etag(body)
        if etag_matches(request, etag):
            return not_modified(etag)
    response = HttpResponse(body, status=status, content_type=JSON)
    if etag and status == 200:
        response["ETag"] = etag
        response["Vary"] = "Authorization"
    return response


BODY_CACHE_SECONDS = 300


def conditional(request: HttpRequest, kind: str, stamp: tuple, build) -> HttpResponse:
    """A detail GET: the ETag comes from `stamp` (what the body depends on, read without
    loading the object) and the site's address; 304 when the client has it, else the body,
    built by `build()` only when it is not cached."""
    etag = make_etag(kind, *stamp, site_address(request))
    if etag_matches(request, etag):
        return not_modified(etag)
    return cached_json(request, etag, build)


def cached_json(request: HttpRequest, etag: str, build) -> HttpResponse:
    """A 200 whose body is cached under its ETag: the ETag already names everything the body
    depends on, so the same ETag means the same bytes (for BODY_CACHE_SECONDS at most, which
    bounds staleness from changes the ETag cannot see, e.g. a tag renamed in the tag admin).
    Bodies this process served are also kept in it (``core.local``) until that moment, under
    the delivery generation too: a change the ETag cannot see but the generation does (a
    restore, which makes new image renditions) reaches every process at once."""
    key = f"api:body:v2:{etag.strip(chr(34))}"
    now = time_now()
    current = generation.current(request)
    local_key = None if current is None else (key, current)
    entry = local.get(local_key) if local_key else None
    if entry is None:
        entry = cache_call(cache.get, key)
        if entry is not None and local_key:
            local.put(local_key, entry, len(entry[1]))
    if entry is None or entry[0] <= now:
        entry = (now + BODY_CACHE_SECONDS, dumps(build()))
        cache_call(cache.set, key, entry, BODY_CACHE_SECONDS)
        if local_key:
            local.put(local_key, entry, len(entry[1]))
    response = HttpResponse(entry[1], content_type=JSON)
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response


def cache_call(method, *args, **kwargs):
    """A cache operation that is only an optimisation: with the cache down it returns None
    (logged) and the request is served from the database."""
    try:
        return method(*args, **kwargs)
    except Exception as error:
        if not is_cache_failure(error):
            raise
        logger.warning("Cache unavailable, serving without it: %r", error)
        return None
