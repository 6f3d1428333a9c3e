"""Whoosh is unmaintained and pinned (requirements.lock): the backend relies on internals of
that one version (this patch; whoosh_topk reads posting lists and length columns directly).
`apply()` runs when a Whoosh backend is created, not at import, and refuses any other version
with a clear error instead of silently misbehaving."""

from __future__ import annotations

import threading

from django.core.exceptions import ImproperlyConfigured

PINNED = (2, 7, 4)
_lock = threading.Lock()
_applied = False


def check_version() -> None:
    import whoosh

    if tuple(whoosh.__version__[:3]) != PINNED:
        pinned = ".".join(map(str, PINNED))
        raise ImproperlyConfigured(
            f"The Whoosh search backend is written for Whoosh {pinned} (it uses its internals: "
            "search/backends/whoosh_patches.py and whoosh_topk.py), but Whoosh "
            f"{whoosh.versionstring()} is installed. Install the pinned version from "
            "requirements.lock, or review those modules for the new version and update PINNED."
        )


def _cached_reader(self, fieldname, column):
    """Whoosh 2.7.4's W3PerDocReader caches the length reader of a field that has lengths but
    not the absence of one, so every posting of an ID or numeric field cost a file-exists
    check (a stat) while a segment was written or merged — a quarter of a rebuild's time.
    A segment's files never change once written, so the absence can be cached too."""
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


def apply() -> None:
    """Check the Whoosh version and patch it, once per process."""
    global _applied
    if _applied:
        return
    with _lock:
        if _applied:
            return
        check_version()
        from whoosh.codec.whoosh3 import W3PerDocReader

        W3PerDocReader._cached_reader = _cached_reader
        _applied = True
