"""A time limit on every SQL statement of a delivery-API request (PostgreSQL).

No bot request should be able to hold the database: whatever a filter, a search or a future
endpoint gets wrong, PostgreSQL cancels a statement of an API request after
``API_STATEMENT_TIMEOUT_MS`` milliseconds (0 turns the limit off), and the bot gets a 503
problem document with ``Retry-After`` instead of a hung worker and a busy database.

The limit is a session setting, set on the request's connection just before its first
statement and reset when the response is ready, so the admin, management commands and the
background worker (which share persistent connections) are never limited. Both are sent on
the raw cursor: they are bookkeeping, not the request's queries (query-count tests and debug
logs stay about the request). SQLite has no statement timeout: its requests are unchanged.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .errors import API_PREFIX, problem

logger = logging.getLogger(__name__)

#: PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (query_canceled).
QUERY_CANCELED = "57014"
RETRY_AFTER_SECONDS = 10


def statement_cancelled(exception: BaseException) -> bool:
    """Whether `exception` (Django's wrapper or the driver's own) is PostgreSQL cancelling a
    statement, e.g. because it ran longer than the statement timeout."""
    for error in (exception, exception.__cause__):
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if state == QUERY_CANCELED:
            return True
    return False


class StatementTimeoutMiddleware:
    """Under /api/: PostgreSQL statements are limited to API_STATEMENT_TIMEOUT_MS, and a
    statement cancelled for it answers 503 with Retry-After. Sits right after ApiMiddleware,
    so its process_exception sees the cancellation first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = int(getattr(settings, "API_STATEMENT_TIMEOUT_MS", 0) or 0)
        if timeout <= 0 or connection.vendor != "postgresql":
            return self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limited = []

        def limit(execute, sql, params, many, context):
            if not limited:
                # Before the first statement, not at the start of the request: a request that
                # never reaches the database does not open a connection for this, and an
                # unreachable database fails inside the view, where outages are handled.
                limited.append(True)
                # Wrapped as Django wraps its own statements: a database that is down fails
                # here first, and must read as Django's OperationalError (an outage, 503).
                with connection.wrap_database_errors:
                    context["cursor"].cursor.execute(f"SET statement_timeout = {timeout}")
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(limit):
                return self.get_response(request)
        finally:
            if limited:
                _reset()

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path.startswith(API_PREFIX) or not statement_cancelled(exception):
            return None
        logger.warning(
            "Statement cancelled after %s ms in %s %s",
            getattr(settings, "API_STATEMENT_TIMEOUT_MS", "?"),
            request.method,
            request.get_full_path(),
        )
        return problem(
            503,
            "statement_timeout",
            _("The database took too long to answer this request; try again later."),
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


def _reset() -> None:
    """Back to the server's default timeout, for whoever uses the connection next."""
    raw = connection.connection
    if raw is None or getattr(raw, "closed", False):
        return
    try:
        with raw.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except Exception:  # noqa: BLE001 - the driver's own errors: Django does not wrap them here
        # A connection that cannot be reset must not serve the admin with the API's limit.
        connection.close()
