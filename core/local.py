"""Per-process copies of cache entries that never change under their key.

Cached API answers are keyed by the delivery generation (``core.generation``) and bodies by
their ETag: the same key always names the same bytes. Reading them from the shared cache costs
a network round trip and an unpickle per request, so each process keeps the ones it served in
a least-recently-used store bounded in bytes (``LOCAL_CACHE_BYTES``, 32 MiB by default). A
change never has to reach these copies: it changes the key (the generation is read from the
shared cache on every request), and entries carry their own expiry, which every reader checks.
"""

from __future__ import annotations

import threading
from typing import Any

from cachetools import LRUCache
from django.conf import settings

_MISSING = object()
_lock = threading.Lock()
_store: LRUCache | None = None


def _entries() -> LRUCache:
    global _store
    if _store is None:
        limit = int(getattr(settings, "LOCAL_CACHE_BYTES", 32 * 1024 * 1024))
        _store = LRUCache(maxsize=max(limit, 1), getsizeof=lambda entry: entry[0])
    return _store


def get(key: Any, default: Any = None) -> Any:
    """The value stored under `key` in this process, or `default`."""
    with _lock:
        entry = _entries().get(key, _MISSING)
    return default if entry is _MISSING else entry[1]


def put(key: Any, value: Any, size: int) -> None:
    """Keep `value` (about `size` bytes) under `key`, dropping the least recently used entries
    beyond the limit; a value larger than the whole store is not kept."""
    size = max(int(size), 1) + 200  # the key, the tuple and the dict slot
    with _lock:
        entries = _entries()
        if size <= entries.maxsize:
            entries[key] = (size, value)


def clear() -> None:
    """Forget everything (tests; settings changed)."""
    global _store
    with _lock:
        _store = None


def get_or_put(key: Any, build, size: int) -> Any:
    """The value under `key`, or `build()` kept under it (about `size` bytes)."""
    value = get(key, _MISSING)
    if value is _MISSING:
        value = build()
        put(key, value, size)
    return value
