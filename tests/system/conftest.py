"""The system tests: the product as an operator runs it — gunicorn instances and a task worker
with the production settings — on PostgreSQL and Redis.

They run in the PostgreSQL + Redis pass of `.ci/run` (DATABASE_URL=postgres://…, REDIS_URL set)
and are skipped, with that reason, in the SQLite pass. When both are set but the servers do not
answer, every test fails (a CI whose services are down must not look green).

The instances share a database of their own: a copy of pytest-django's migrated test database
(CREATE DATABASE … TEMPLATE, well under a second, instead of a migration run), dropped at the end.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import cluster as c
from . import databases

HERE = Path(__file__).parent
#: The rate limit the shared instances run with, per client and hour (fixed windows: an hour
#: makes a window change in the middle of a test unlikely).
RATE_LIMIT = 40


def _why_skipped() -> str | None:
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        return (
            "system tests need PostgreSQL and Redis: set DATABASE_URL=postgres://… and "
            "REDIS_URL=redis://… (the second pass of .ci/run does)"
        )
    return None


def pytest_collection_modifyitems(config, items):
    reason = _why_skipped()
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            # django_db: pytest-django creates (migrates) the test database only for a session
            # with tests that use it; the system database is copied from it.
            item.add_marker(pytest.mark.skip(reason=reason) if reason else pytest.mark.django_db)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report ends with the last lines of its processes' logs."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for name in ("shared_cluster", "fault_cluster"):
            running = item.funcargs.get(name) if hasattr(item, "funcargs") else None
            if running is not None:
                report.sections.append((f"{name} logs", running.logs()))


@pytest.fixture(scope="session")
def services_reachable():
    """Fail (never skip) when the configured servers do not answer."""
    import redis

    database, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    try:
        databases.admin_connection(database).close()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"DATABASE_URL is set but PostgreSQL does not answer: {error}")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"REDIS_URL is set but Redis does not answer: {error}")
    return database, redis_url


@pytest.fixture(scope="session")
def system_database(services_reachable, django_db_setup, django_db_blocker):
    """A migrated database of the system tests' own (a copy of the test database)."""
    from django.db import connections

    database_url, _redis = services_reachable
    template = connections["default"].settings_dict["NAME"]
    name = f"{template}_system"
    with django_db_blocker.unblock():
        connections.close_all()  # a template must have no other connection
    url = databases.copy_database(database_url, template, name)
    yield url
    databases.drop_database(database_url, name)


@pytest.fixture(scope="session")
def shared_cluster(system_database, services_reachable):
    """Instances A and B (two gunicorn workers each) and a task worker on the shared PostgreSQL
    and Redis, with a persona, bot clients and a script published before they start."""
    _database, redis_url = services_reachable
    # The rate counters, token checks and response bodies of an earlier run must not be found.
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    cluster = c.Cluster.start(system_database, redis_url, API_RATE_LIMIT=f"{RATE_LIMIT}/h")
    try:
        cluster.data = cluster.shell_a(
            "setup",
            personas=[{"slug": "xiaomei", "name": "小美"}],
            clients=["reader", "searcher", "limited", "revoked", "publisher", "importer"],
            scripts=[{"persona": "xiaomei", "title": "双十一预热话术"}],
        )
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def token(shared_cluster):
    return shared_cluster.data["tokens"]
