"""Bounds on what one request may ask of the database: repeated parameters are capped, tag
filtering is one query however many tags, and API statements are time-limited."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from content import api as content_api
from content.models import Script
from core.api import MAX_VALUES_PER_PARAMETER
from core.api.statement_timeout import StatementTimeoutMiddleware
from tests.content.factories import MomentScriptFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db

TAGS = [f"t{n}" for n in range(MAX_VALUES_PER_PARAMETER)]


def test_all_tags_must_match_up_to_the_limit(api, xiaomei):
    MomentScriptFactory(persona=xiaomei, title="all", tags=TAGS)
    MomentScriptFactory(persona=xiaomei, title="all but one", tags=TAGS[1:])
    found = body(api.get("scripts/", {"tag": TAGS}))
    assert [item["title"] for item in found["items"]] == ["all"]
    twice = body(api.get("scripts/", {"tag": ["t1", "t1", "t2"]}))
    assert sorted(item["title"] for item in twice["items"]) == ["all", "all but one"]


def test_more_values_than_the_limit_get_422_naming_the_parameter(api, xiaomei):
    response = api.get("scripts/", {"tag": [*TAGS, "one-more"]})
    doc = assert_problem(response, 422, "validation_error")
    assert doc["errors"][0]["loc"] == ["query", "tag"]
    # The rule is general, not about tags: any parameter repeated too often is refused.
    too_many = ["xiaomei"] * (MAX_VALUES_PER_PARAMETER + 1)
    doc = assert_problem(api.get("scripts/", {"persona": too_many}), 422, "validation_error")
    assert doc["errors"][0]["loc"] == ["query", "persona"]
    doc = assert_problem(api.get("calendar/", {"persona": too_many}), 422, "validation_error")
    assert doc["errors"][0]["loc"] == ["query", "persona"]


def test_tag_filtering_is_one_subquery_whatever_the_number_of_tags():
    def sql(tags):
        with CaptureQueriesContext(connection) as queries:
            list(Script.objects.narrow(tags=tags).values_list("pk", flat=True))
        return queries.captured_queries[-1]["sql"].lower()

    two, twenty = sql(TAGS[:2]), sql(TAGS)
    assert two.count("select") == twenty.count("select") == 2
    assert two.count("join") == twenty.count("join")


# Statement timeout (PostgreSQL) ---------------------------------------------------------------
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no statement timeout"
)


def _show_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@postgres_only
def test_the_limit_applies_to_api_requests_only_and_is_reset_afterwards(settings):
    settings.API_STATEMENT_TIMEOUT_MS = 1234
    seen = {}

    def view(request):
        seen[request.path] = _show_timeout()
        return HttpResponse()

    default = _show_timeout()
    middleware = StatementTimeoutMiddleware(view)
    middleware(RequestFactory().get("/api/v1/scripts/"))
    assert seen["/api/v1/scripts/"] == "1234ms"
    assert _show_timeout() == default  # the next user of the connection is not limited
    middleware(RequestFactory().get("/admin/"))
    assert seen["/admin/"] == default
    settings.API_STATEMENT_TIMEOUT_MS = 0
    middleware(RequestFactory().get("/api/v1/personas/"))
    assert seen["/api/v1/personas/"] == default


@postgres_only
# transactional: the cancelled statement must not abort a surrounding test transaction
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_over_the_limit_is_cancelled_with_503(api, xiaomei, settings, monkeypatch):
    settings.API_STATEMENT_TIMEOUT_MS = 500
    original = content_api.visible_scripts

    def slow(request, moment=None):
        return original(request, moment).extra(where=["(SELECT 1 FROM pg_sleep(5)) = 1"])

    monkeypatch.setattr(content_api, "visible_scripts", slow)
    default = _show_timeout()
    response = api.get("scripts/")
    doc = assert_problem(response, 503, "statement_timeout")
    assert int(response["Retry-After"]) > 0 and doc["detail"]
    assert _show_timeout() == default
    monkeypatch.undo()
    assert api.get("scripts/").status_code == 200  # the connection is fine afterwards
