"""The token check (which client holds this token, and its persona scope), cached in the SHARED
cache under a version that every change to a client or its scope replaces.

Only with a cache every process shares (Redis; not LocMem or the dummy cache, which are per
process): an entry remembers the version it was read under, and the version is read together
with the entry (one ``get_many``), so a revocation or a scope change is seen by every process on
its next request. The version is read before the database, and replaced when a change is made
and again after it commits: an entry read before a change carries the old version and is never
accepted after it.

Expiry (``expires_at``) is checked on every request from the cached row, as ``is_active`` does.
With the cache down, every request checks the database (as without a shared cache). Known limit:
a change made while the cache is down cannot replace the version; entries written before it stay
acceptable for at most ENTRY_SECONDS once the cache is back.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import generation, throttle
from core.cache import cache_is_shared
from core.outages import is_cache_failure

logger = logging.getLogger(__name__)

VERSION_KEY = "bots:credentials:version"
ENTRY_SECONDS = 300
FIELDS = ("id", "name", "token_prefix", "token_hash", "all_personas", "expires_at",
          "revoked_at", "created_at", "last_used_at")  # fmt: skip


def shared() -> bool:
    """Whether the default cache is shared by every process (and caching is not switched off
    with API_CREDENTIALS_CACHE = False)."""
    if not settings.API_CREDENTIALS_CACHE:
        return False
    return cache_is_shared()


def _key(token: str) -> str:
    # Keyed, so the cache never holds what the database stores (token_hash).
    secret = hashlib.sha256(settings.SECRET_KEY.encode()).digest()
    return "bots:credentials:" + hashlib.blake2b(token.encode(), key=secret).hexdigest()


def _safely(method, *args):
    try:
        return method(*args)
    except Exception as error:
        if not is_cache_failure(error):
            raise
        logger.warning("Cache unavailable, token checked in the database: %r", error)
        return None


def lookup(token: str, load, request=None):
    """``load(token)`` (the database check: a BotClient or None), through the shared cache.
    Given the request, the same round trip reads the delivery generation and counts the
    request against the token's rate limit (``rate_usage``): one round trip in all."""
    if not shared():
        return load(token, request)
    key = _key(token)
    if request is None:
        found = _safely(cache.get_many, [VERSION_KEY, key])
    else:
        found = _read_and_count(request, token, [VERSION_KEY, key, generation.CACHE_KEY])
    if found is None:  # the cache is down
        return load(token)
    version = found.get(VERSION_KEY)
    if version is None:
        _safely(cache.add, VERSION_KEY, uuid.uuid4().hex, None)
        version = _safely(cache.get, VERSION_KEY)
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return _client(entry[1], entry[2])
    client = load(token)
    if client is not None and version is not None:
        scope = None if client.all_personas else sorted(client.persona_ids())
        row = tuple(getattr(client, "pk" if name == "id" else name) for name in FIELDS)
        _safely(cache.set, key, (version, row, scope), ENTRY_SECONDS)
        if scope is not None:
            client._scope, client._checked_scope = set(scope), scope
    return client


def _read_and_count(request, token: str, keys: list[str]) -> dict | None:
    from .models import token_digest

    window = throttle.window(throttle.API_REQUESTS, token_digest(token), settings.API_RATE_LIMIT)
    both = getattr(cache, "get_many_and_count", None)
    if both is None:  # a shared cache without it (Django's own Redis backend): two trips
        found = _safely(cache.get_many, keys)
    else:
        answer = _safely(both, keys, window.key, 1, window.ttl)
        found = None if answer is None else answer[0]
        if answer is not None:
            request.rate_usage = window.usage(answer[1])
    if found is not None:
        generation.remember(request, found.get(generation.CACHE_KEY))
    return found


def _client(row: tuple, scope: list[int] | None):
    from .models import BotClient

    # As a queryset builds a row (FIELDS are the model's concrete fields, in order).
    client = BotClient.from_db("default", FIELDS, row)
    if scope is not None:
        client._scope, client._checked_scope = set(scope), scope
    return client if client.is_active else None


def _replace_version() -> None:
    _safely(cache.set, VERSION_KEY, uuid.uuid4().hex, None)


def changed(**kwargs) -> None:
    """A client or its scope changed: replace the version now (this connection's next check
    already sees the change) and again once the change is committed (another process may have
    cached the row as it was before the commit under the version of the first replacement)."""
    if shared():
        _replace_version()
        transaction.on_commit(_replace_version)


def connect() -> None:
    from personas.models import Persona

    from .models import BotClient

    post_save.connect(changed, sender=BotClient, dispatch_uid="bots_credentials_saved")
    post_delete.connect(changed, sender=BotClient, dispatch_uid="bots_credentials_deleted")
    m2m_changed.connect(changed, sender=BotClient.personas.through,
                        dispatch_uid="bots_credentials_scope")  # fmt: skip
    post_delete.connect(changed, sender=Persona, dispatch_uid="bots_credentials_persona")
