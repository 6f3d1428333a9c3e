"""The checks behind /api/v1/health: what requests actually use, asked the way they ask it.

* ``database``: a row read from a product table (``SELECT 1`` answers even when the tables
  cannot be read, e.g. a SQLite file locked exclusively by another process);
* ``database_write``: could a write go through now? On SQLite a write transaction is begun
  (waiting at most PROBE_WAIT_MS for another writer), a header field set to its own value and
  the transaction rolled back; on PostgreSQL the server is asked whether it is read-only.
  Nothing is ever committed.
* ``cache``: a value stored, read back and deleted (the rate limits and throttles live there);
* ``search`` and ``search_<index>``: each index answers a query and is complete
  (search.health).
"""

from __future__ import annotations

import logging
import secrets

from django.apps import apps
from django.core.cache import cache
from django.db import Error as DatabaseError  # InterfaceError too (a lost connection)
from django.db import connection

from search.health import check_indexes

logger = logging.getLogger(__name__)

PROBE_WAIT_MS = 2000  # how long the write probe waits for another writer (SQLite)
SEARCH_SEVERITY = ["ok", "incomplete", "missing", "corrupt", "error"]


def database_read() -> str:
    Persona = apps.get_model("personas", "Persona")
    try:
        list(Persona.objects.values_list("pk", flat=True)[:1])
    except DatabaseError:
        logger.warning("Health: the database cannot be read", exc_info=True)
        return "error"
    return "ok"


def database_write() -> str:
    """ "ok", "locked" (another writer holds the lock), "read_only" or "error"."""
    try:
        if connection.vendor == "sqlite":
            return _sqlite_write_probe()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"
                )
                return "read_only" if cursor.fetchone()[0] else "ok"
    except DatabaseError as error:
        code = getattr(error.__cause__, "sqlite_errorcode", 0) & 0xFF
        if code in {5, 6}:  # SQLITE_BUSY, SQLITE_LOCKED
            return "locked"
        if code == 8:  # SQLITE_READONLY
            return "read_only"
        logger.warning("Health: the database cannot be written", exc_info=True)
        return "error"
    return "ok"


def _sqlite_write_probe() -> str:
    if connection.in_atomic_block:
        return "ok"  # transactions begin IMMEDIATE (settings): this one holds the write lock
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {min(previous, PROBE_WAIT_MS):d}")
        try:
            cursor.execute("BEGIN IMMEDIATE")  # waits for another writer (the lock)
            try:
                # A read-only file still lets BEGIN IMMEDIATE through; rewriting a header
                # field with its own value does not (SQLITE_READONLY). Rolled back: nothing
                # is ever committed.
                cursor.execute("PRAGMA user_version")
                version = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA user_version = {int(version):d}")
            finally:
                cursor.execute("ROLLBACK")
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {previous:d}")
    return "ok"


def cache_round_trip() -> str:
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, 10)
        found = cache.get(key)
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any cache failure means "down"; the log has it
        logger.warning("Health: the cache does not answer", exc_info=True)
        return "error"
    return "ok" if found == value else "error"


def run_checks() -> dict[str, str]:
    checks = {"database": database_read()}
    checks["database_write"] = database_write() if checks["database"] == "ok" else "error"
    checks["cache"] = cache_round_trip()
    indexes = check_indexes()
    checks["search"] = max(indexes.values(), key=SEARCH_SEVERITY.index)
    checks.update({f"search_{name}": state for name, state in indexes.items()})
    return checks
