"""Which errors are outages (503) and which are bugs (500): core.outages.classify."""

from __future__ import annotations

import sqlite3

import pytest
from django import db
from redis import exceptions as redis_errors

from core.outages import Outage, classify, register
from search.backends.whoosh_state import IndexCorrupt, IndexLocked, IndexMissing
from tests.api.conftest import Api, assert_problem

from .conftest import make_content


def _sqlite_error(sql: str) -> db.Error:
    """A real sqlite3 error wrapped the way Django wraps it."""
    raw = sqlite3.connect(":memory:")
    try:
        raw.execute(sql)
    except sqlite3.Error as error:
        wrapped = getattr(db, type(error).__name__)(*error.args)
        wrapped.__cause__ = error
        return wrapped
    raise AssertionError("no error")


def test_dependency_failures_are_outages():
    locked = db.OperationalError("database is locked")
    locked.__cause__ = sqlite3.OperationalError("database is locked")
    locked.__cause__.sqlite_errorcode = 5
    assert classify(locked).dependency == "database"
    assert classify(db.InterfaceError("connection already closed")).dependency == "database"
    assert classify(redis_errors.ConnectionError("refused")).dependency == "cache"
    assert classify(redis_errors.TimeoutError()).dependency == "cache"
    assert classify(redis_errors.ResponseError("MISCONF no disk")).dependency == "cache"
    for error in (IndexMissing("x"), IndexCorrupt("x"), IndexLocked("x")):
        assert classify(error).dependency == "search"
    # Found through what an error was raised from.
    try:
        try:
            raise redis_errors.ConnectionError("refused")
        except redis_errors.ConnectionError as error:
            raise RuntimeError("while rendering") from error
    except RuntimeError as outer:
        assert classify(outer).dependency == "cache"


def test_bugs_are_not_outages():
    assert classify(_sqlite_error("SELEC 1")) is None  # a syntax error: OperationalError too
    assert classify(_sqlite_error("SELECT * FROM nowhere")) is None
    assert classify(db.IntegrityError("unique")) is None
    assert classify(db.ProgrammingError("column does not exist")) is None
    assert classify(redis_errors.ResponseError("WRONGTYPE")) is None
    assert classify(ValueError("ours")) is None
    assert classify(None) is None


def test_a_more_specific_classifier_comes_first():
    class Special(Exception):
        pass

    def special(exc):
        return Outage("database", "slow", 5, code="timeout") if isinstance(exc, Special) else None

    register(special, first=True)
    assert classify(Special()).code == "timeout"


@pytest.mark.django_db
def test_a_bug_in_a_view_is_still_a_500(client, monkeypatch):
    _persona, _script, _bot, token = make_content()

    def broken(*args, **kwargs):
        raise db.ProgrammingError("column personas_persona.nothing does not exist")

    monkeypatch.setattr("personas.api._queryset", broken)
    assert_problem(Api(client, token).get("personas/"), 500, "server_error")


@pytest.mark.django_db
def test_an_outage_in_a_view_is_a_503(client, monkeypatch):
    _persona, _script, _bot, token = make_content()

    def down(*args, **kwargs):
        raise db.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("personas.api._queryset", down)
    response = Api(client, token).get("personas/")
    assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/personas/", "application/problem+json"), ("/admin/", "text/html")],  # fmt: skip
)
def test_errors_raised_outside_views_are_503_too(rf, path, content_type):
    """handler500 (core.outages.server_error): what escapes every middleware."""
    from core.outages import server_error

    try:
        raise redis_errors.ConnectionError("Connection refused")
    except redis_errors.ConnectionError:
        response = server_error(rf.get(path))
    assert response.status_code == 503
    assert response["Content-Type"].startswith(content_type)
    assert int(response["Retry-After"]) > 0
    try:
        raise ValueError("ours")
    except ValueError:
        assert server_error(rf.get(path)).status_code == 500
