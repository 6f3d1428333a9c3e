"""Bounds on what one request may ask of the database: repeated parameters are capped, tag
filtering is one query however many tags, and API statements are time-limited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import Script
from site_config.api_support import MAX_VALUES_PER_PARAMETER
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
