"""/due joins kept pieces of its answer (sequences/window.py): byte for byte the answer built
whole (``dumps(due_body(...))``), with the same ETag, for every window of the camp."""

from datetime import timedelta

import pytest
from django.test import RequestFactory

from core.api import dumps, make_etag
from sequences import window as pieces
from sequences.api import due_answer, due_body
from tests.content.factories import ChatScriptFactory
from tests.sequences.camp import CAMP, CAMP_START
from tests.sequences.factories import SequenceFactory, day

from .conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp(xiaomei):
    """The camp of the bench: the weekly lives and the graduation send a script."""
    script = ChatScriptFactory(persona=xiaomei, messages=[("text", "今晚直播"), ("text", "别迟到")])
    steps = CAMP["steps"]()
    for index in (21, 22, 23, 24):
        steps[index] = day(steps[index]["value"]["day"] or 20, "20:00", script=script,
                           title=steps[index]["value"]["title"])  # fmt: skip
    fields = {k: v for k, v in CAMP.items() if k != "steps"}
    return SequenceFactory(persona=xiaomei, slug="camp", steps=steps, **fields)


def windows():
    """(since, now) for every hour of the camp and a day past it: the hour itself, the hour
    with a later now (the same steps: the kept pieces answer), and from the start."""
    for hour in range(22 * 24):
        since = CAMP_START + timedelta(hours=hour)
        yield since, since + timedelta(hours=1)
        yield since, since + timedelta(hours=1, minutes=17, seconds=3)
        if hour % 5 == 0:
            yield None, since


def test_every_window_of_the_camp_is_the_answer_built_whole(camp, bot):
    request = RequestFactory().get("/api/v1/sequences/camp/due")
    request.auth = bot
    pieces.clear()
    for since, now in windows():
        whole = dumps(due_body(request, "camp", CAMP_START, now, since))
        assert due_answer(request, "camp", CAMP_START, now, since)[1] == whole, (since, now)
    assert len(pieces._pieces) > 40  # one per window of in-place steps: the rest were joined
    values = {"nickname": "阿珍"}  # with variables every answer is built whole
    now = CAMP_START + timedelta(days=21)
    whole = dumps(due_body(request, "camp", CAMP_START, now, None, values))
    assert due_answer(request, "camp", CAMP_START, now, None, values)[1] == whole


def test_the_answer_over_http_has_the_etag_of_its_body(api, camp, bot):
    request = RequestFactory().get("/api/v1/sequences/camp/due")
    request.auth = bot
    for hours in (9, 9, 30, 24 * 21):  # nothing kept, kept, a script step, the whole camp
        now = CAMP_START + timedelta(hours=hours)
        params = {"started_at": CAMP_START.isoformat(), "now": now.isoformat()}
        response = api.get("sequences/camp/due", params)
        whole = dumps(due_body(request, "camp", CAMP_START, now))
        assert response.content == whole and body(response)["now"] == now.isoformat()
        assert response["ETag"] == make_etag(whole) and response["Vary"] == "Authorization"
        again = api.get("sequences/camp/due", params, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again["ETag"] == response["ETag"]


def test_a_repeated_window_with_a_script_reads_nothing_but_the_token_check(api, camp):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = CAMP_START + timedelta(days=20, hours=21)  # the lives and the graduation: one script
    params = {"started_at": CAMP_START.isoformat(), "now": now.isoformat(),
              "since": (now - timedelta(hours=2)).isoformat()}  # fmt: skip
    first = api.get("sequences/camp/due", params)
    assert [step["available"] for step in body(first)["steps"]] == [True] * 4
    with CaptureQueriesContext(connection) as queries:
        assert api.get("sequences/camp/due", params).content == first.content
    # the two stamps (sequence, script) are kept while the delivery generation stands
    assert all("token_prefix" in query["sql"] for query in queries), queries.captured_queries
