"""Dependency failures: a database, the cache or a search index that cannot answer right now.

They are not bugs in our code, and the caller can do nothing but wait, so they are answered
with `503` and `Retry-After` — a problem document under /api/ (``ApiMiddleware``), a short
page elsewhere (``OutageMiddleware``, and ``server_error`` for anything raised outside a view).
Everything else stays a 500: ``classify`` recognises failures by type and error code and never
by "any exception".

``classify(exc)`` asks each registered classifier in turn; a more specific one (say, a
statement timeout with its own code) is added with ``register(fn, first=True)``.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django import db
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Seconds a client is told to wait. Apps register classifiers of their own dependencies
# (search: search/outages.py).
RETRY_DATABASE = 30
RETRY_CACHE = 30


@dataclass(frozen=True)
class Outage:
    dependency: str  # "database" | "cache" | "search"
    detail: str
    retry_after: int
    code: str = "unavailable"


Classifier = Callable[[BaseException], "Outage | None"]
_classifiers: list[Classifier] = []


def register(classifier: Classifier, *, first: bool = False) -> Classifier:
    """Add a classifier; `first` puts it before the general ones (a more specific answer)."""
    if classifier not in _classifiers:
        _classifiers.insert(0, classifier) if first else _classifiers.append(classifier)
    return classifier


def classify(exc: BaseException | None) -> Outage | None:
    """The outage `exc` reports — looking through what it was raised from — or None (a bug)."""
    seen = 0
    while exc is not None and seen < 5:
        for classifier in _classifiers:
            outage = classifier(exc)
            if outage is not None:
                return outage
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


# Databases ------------------------------------------------------------------------------------
# SQLite primary result codes of a database that is busy, read-only or broken — not of a bad
# statement (SQLITE_ERROR, 1, is also what a syntax error gives: that one is ours).
SQLITE_OUTAGE_CODES = {
    5,  # SQLITE_BUSY: locked by another connection
    6,  # SQLITE_LOCKED
    7,  # SQLITE_NOMEM
    8,  # SQLITE_READONLY
    10,  # SQLITE_IOERR
    11,  # SQLITE_CORRUPT
    13,  # SQLITE_FULL
    14,  # SQLITE_CANTOPEN
    15,  # SQLITE_PROTOCOL
}
# PostgreSQL SQLSTATE classes of an unavailable server (connection, resources, operator
# intervention, system errors) and a read-only server (a replica, or read-only by setting).
PG_OUTAGE_CLASSES = {"08", "53", "57", "58"}
PG_OUTAGE_STATES = {"25006"}


def _database(exc: BaseException) -> Outage | None:
    if not isinstance(exc, db.Error) or isinstance(
        exc, db.IntegrityError | db.ProgrammingError | db.DataError | db.NotSupportedError
    ):
        return None
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        if code is None or code & 0xFF not in SQLITE_OUTAGE_CODES:
            return None
    elif cause is not None and hasattr(cause, "sqlstate"):  # psycopg
        state = cause.sqlstate or ""
        # psycopg's OperationalError is the server's side: connection lost, shut down,
        # cancelled, out of resources, serialisation failures and deadlocks (retryable).
        down = isinstance(exc, db.OperationalError | db.InterfaceError)
        if not (down or state in PG_OUTAGE_STATES or state[:2] in PG_OUTAGE_CLASSES):
            return None
    elif not isinstance(exc, db.OperationalError | db.InterfaceError):
        return None  # Django's own "connection already closed" is an InterfaceError: kept
    return Outage(
        "database",
        _("The database is unavailable; try again in %(s)d seconds.") % {"s": RETRY_DATABASE},
        RETRY_DATABASE,
    )


# The shared cache (Redis) ---------------------------------------------------------------------
REDIS_DOWN_REPLIES = ("MISCONF", "OOM", "LOADING", "MASTERDOWN", "READONLY")


def is_cache_failure(exc: BaseException) -> bool:
    """Redis unreachable, timing out, loading, read-only or unable to write."""
    try:
        from redis import exceptions as redis_errors
    except ImportError:  # pragma: no cover - redis is a declared dependency
        return False
    if isinstance(exc, redis_errors.ConnectionError | redis_errors.TimeoutError):
        return True
    return isinstance(exc, redis_errors.ResponseError) and str(exc).startswith(REDIS_DOWN_REPLIES)


def _cache(exc: BaseException) -> Outage | None:
    if not is_cache_failure(exc):
        return None
    return Outage(
        "cache",
        _("The cache is unavailable; try again in %(s)d seconds.") % {"s": RETRY_CACHE},
        RETRY_CACHE,
    )


register(_database)
register(_cache)


# Writes that must not wait ---------------------------------------------------------------------
@contextmanager
def without_waiting() -> Iterator[None]:
    """A small write in its own transaction (a savepoint inside one) that fails at once
    instead of queueing behind another writer: SQLite's busy timeout is 0 meanwhile,
    PostgreSQL's lock_timeout 100 ms. For bookkeeping a read must never wait for."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            previous = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout = 0")
        try:
            with transaction.atomic():
                yield
        finally:
            with suppress(db.DatabaseError), connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous):d}")
        return
    with transaction.atomic():
        previous = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('lock_timeout')")
                previous = cursor.fetchone()[0]
                cursor.execute("SET LOCAL lock_timeout = '100ms'")
        yield
        if previous is not None:  # inside a caller's transaction the setting would outlive us
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


# Responses -------------------------------------------------------------------------------------
def log_outage(request: HttpRequest, outage: Outage, exc: BaseException) -> None:
    """A warning with the cause (no traceback: the failing dependency is the news)."""
    logger.warning(
        "%s unavailable in %s %s: %r", outage.dependency, request.method, request.path, exc
    )


def outage_page(outage: Outage) -> HttpResponse:
    """A plain page (no admin chrome: the admin's menus need the database)."""
    html = format_html(
        '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{title}</title></head>"
        '<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em">'
        "<h1>{title}</h1><p>{detail}</p><p>{hint}</p></body></html>",
        title=_("Temporarily unavailable"),
        detail=outage.detail,
        hint=_(
            "Reload the page in a moment. If you were saving something, check that it was saved."
        ),
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(outage.retry_after)
    return response


class OutageMiddleware:
    """Outside /api/ (the admin, feeds): a dependency failure in a view is a 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if request.path.startswith(API_PREFIX):
            return None  # ApiMiddleware answers with a problem document
        outage = classify(exception)
        if outage is None:
            return None
        log_outage(request, outage, exception)
        return outage_page(outage)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: what escaped every view and middleware (a session read in a middleware,
    say) is still a 503 when a dependency failed, and a problem document under /api/."""
    from django.views.defaults import server_error as django_server_error

    from core.api.errors import problem

    exc = sys.exc_info()[1]
    outage = classify(exc)
    if outage is not None:
        log_outage(request, outage, exc)
    if request.path.startswith(API_PREFIX):
        if outage is not None:
            return problem(503, outage.code, outage.detail,
                           headers={"Retry-After": str(outage.retry_after)})  # fmt: skip
        return problem(500, "server_error", _("Something went wrong on our side."))
    if outage is not None:
        return outage_page(outage)
    return django_server_error(request)
