"""Input nothing can handle — NUL characters, lone surrogates, JSON nested too deeply, dates
past the calendar's end, very long queries — gets a clear 4xx, never a 500 (on SQLite and on
PostgreSQL, which refuses NUL in text)."""

import pytest
from django.urls import reverse

from editorial_calendar.models import FeedToken
from tests.content.factories import GroupScriptFactory, variable
from tests.editorial_calendar.factories import HotTopicFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db

# 160 distinct CJK characters: 159 distinct bigrams (a 500 on PostgreSQL before).
MANY_TERMS = "".join(chr(0x4E00 + 37 * n) for n in range(160))
# As many words and bigrams as a query can have, in the most terms an admin search allows.
MIXED = (
    "".join(chr(0x4E00 + 37 * n) for n in range(80)) + " " + " ".join(f"w{n}" for n in range(90))
)


@pytest.fixture
def welcome(xiaomei):
    return GroupScriptFactory(
        persona=xiaomei, variables=[variable("nickname")], messages=[("text", "欢迎{{nickname}}")]
    )


@pytest.mark.parametrize("path", ["hot-topics/", "calendar/"])
@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"from": "9999-12-31", "to": "9999-12-31"}, ["query", "from"]),
        ({"to": "9999-12-31"}, ["query", "to"]),
        ({"from": "0001-01-01", "to": "0001-01-02"}, ["query", "from"]),
    ],
)
def test_dates_past_the_calendars_end_get_422(api, path, params, loc):
    HotTopicFactory(slug="member-day", name="会员日")
    doc = assert_problem(api.get(path, params), 422, "validation_error")
    assert doc["errors"][0]["loc"] == loc


def test_the_last_plausible_dates_are_fine(api):
    params = {"from": "2999-12-01", "to": "2999-12-31"}
    assert api.get("hot-topics/", params).status_code == 200
    assert api.get("hot-topics/", {"from": "2999-12-31"}).status_code == 200


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        ('{"variables": {"nickname": "\\ud800"}}', ["variables", "nickname"]),
        ('{"variables": {"nickname": "a\\udfffb"}}', ["variables", "nickname"]),
        ('{"variables": {"\\ud800": "x"}}', ["variables", "\\ud800"]),
        ('{"variables": {"nickname": "a\\u0000b"}}', ["variables", "nickname"]),
    ],
)
def test_render_refuses_lone_surrogates_and_nul_naming_the_field(api, welcome, raw, loc):
    doc = assert_problem(api.post(f"scripts/{welcome.pk}/render", raw=raw), 422)
    assert doc["errors"] == [{"loc": loc, "message": doc["errors"][0]["message"]}]


def test_a_surrogate_pair_is_one_character_and_fine(api, welcome):
    raw = '{"variables": {"nickname": "\\ud83c\\udf38小鹿"}}'
    response = api.post(f"scripts/{welcome.pk}/render", raw=raw)
    assert response.status_code == 200
    assert body(response)["values"] == {"nickname": "🌸小鹿"}


@pytest.mark.parametrize("depth", [2_000, 30_000])
def test_deeply_nested_json_is_a_4xx(api, welcome, depth):
    nested = "[" * depth + "]" * depth
    events = api.post("events/", raw='{"events": ' + nested + "}")
    assert 400 <= events.status_code < 500 and events["Content-Type"] == "application/problem+json"
    render = api.post(f"scripts/{welcome.pk}/render", raw='{"variables": ' + nested + "}")
    assert 400 <= render.status_code < 500


def test_deeply_nested_json_in_a_string_parameter_is_a_422_naming_it(api, welcome, xiaomei):
    """The JSON written inside a string (`variables_json` of render-flat, `variables` of due)
    is parsed too: nested deeper than the parser recurses, or holding a lone surrogate that
    the answer cannot encode, it was a 500."""
    from tests.sequences.factories import SequenceFactory, day

    SequenceFactory(persona=xiaomei, slug="camp", steps=[day(0, "10:00", messages=[
        ("text", "{{nickname}}早")])], variables=[variable("nickname")])  # fmt: skip
    for written in ("[" * 25_000 + "]" * 25_000, '{"nickname": "\\ud800"}'):
        flat = api.post(f"scripts/{welcome.pk}/render-flat", {"variables_json": written})
        doc = assert_problem(flat, 422, "validation_error")
        assert [error["loc"] for error in doc["errors"]] == [["variables_json"]]
        query = {"started_at": "2027-03-01T08:00:00+08:00", "variables": written}
        doc = assert_problem(api.get("sequences/camp/due", query), 422, "validation_error")
        assert [error["loc"] for error in doc["errors"]] == [["query", "variables"]]


def test_events_refuse_lone_surrogates_naming_the_field(api, welcome):
    raw = '{"events": [{"script": %s, "type": "sent", "channel": "\\udc00"}]}'
    raw = raw.replace("%s", str(welcome.pk))
    doc = assert_problem(api.post("events/", raw=raw), 422, "invalid_events")
    assert doc["errors"][0]["loc"] == ["events", 0, "channel"]


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("personas/a%00b/", ["path", "slug"]),
        ("personas/?updated_since=2026-01-01%00", ["query", "updated_since"]),
        ("scripts/?tag=a%00", ["query", "tag"]),
    ],
)
def test_nul_in_api_paths_and_parameters_gets_422_naming_it(api, xiaomei, path, loc):
    doc = assert_problem(
        api.client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Bearer {api.token}"), 422
    )
    assert doc["errors"][0]["loc"] == loc


def test_nul_in_the_calendar_feed_address_is_a_400(client, manager, xiaomei):
    feed = reverse("calendar_feed", args=[FeedToken.for_user(manager).token])
    assert client.get(feed).status_code == 200
    assert client.get(feed, {"persona": "xiaomei"}).status_code == 200
    assert client.get(feed.replace(".ics", "%00.ics")).status_code == 400
    assert client.get(feed, {"persona": "xiao\x00mei"}).status_code == 400
    assert client.get(feed, {"pers\x00ona": "xiaomei"}).status_code == 400


@pytest.mark.parametrize(
    "q", [MANY_TERMS, MANY_TERMS[:100] + " " + " ".join(f"w{n}" for n in range(40))]
)
@pytest.mark.usefixtures("search_backend")
def test_queries_with_very_many_distinct_terms_are_answered(api, welcome, q):
    response = api.get("search/", {"q": q[:200]})
    assert response.status_code == 200


@pytest.mark.parametrize("q", [MANY_TERMS, MIXED])
@pytest.mark.usefixtures("search_backend")
def test_admin_search_with_very_many_distinct_terms_is_answered(copywriter_client, welcome, q):
    response = copywriter_client.get("/admin/snippets/content/groupscript/", {"q": q})
    assert response.status_code == 200


def test_nul_written_raw_or_encoded_in_any_query_is_refused_and_surrogates_cannot_enter(api):
    """A query is decoded as UTF-8 with errors replaced: an encoded lone surrogate arrives as
    replacement characters (an ordinary, harmless value); a NUL, raw or as %00, is refused."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    for raw in ("persona=a%00b", "persona=a\x00b", "a%00=b", "limit=5&persona=%00"):
        response = api.client.get("/api/v1/scripts/", QUERY_STRING=raw, **auth)
        assert assert_problem(response, 422, "validation_error")["errors"][0]["loc"][0] == "query"
    response = api.client.get("/api/v1/scripts/", QUERY_STRING="persona=%ED%A0%80", **auth)
    assert response.status_code == 200 and body(response)["items"] == []
