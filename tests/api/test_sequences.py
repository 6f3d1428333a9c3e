"""GET /api/v1/sequences/, /{slug}/ and /{slug}/due."""

from datetime import datetime, timedelta

import pytest

from sequences.enums import LOCAL_TZ
from tests.content.factories import ChatScriptFactory
from tests.sequences.camp import CAMP, CAMP_START, in_quiet
from tests.sequences.factories import SequenceFactory, day

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db


def camp(persona, **kwargs):
    fields = {k: v for k, v in CAMP.items() if k != "steps"}
    return SequenceFactory(persona=persona, slug="camp", trigger="camp_start",
                           steps=CAMP["steps"](), **fields | kwargs)  # fmt: skip


def due(api, slug, started_at, now, since=None, **params):
    query = {"started_at": started_at.isoformat(), "now": now.isoformat()} | params
    if since is not None:
        query["since"] = since.isoformat()
    return api.get(f"sequences/{slug}/due", query)


def test_list_filters_and_scope(api, xiaomei, dr_lin, outsider):
    camp(xiaomei)
    SequenceFactory(persona=dr_lin, slug="nurture", channel="wecom")
    SequenceFactory(persona=outsider, slug="hidden")
    SequenceFactory(persona=xiaomei, slug="draft", publish=False)
    response = api.get("sequences/")
    assert response.status_code == 200 and response["ETag"]
    assert {item["slug"] for item in body(response)["items"]} == {"camp", "nurture"}
    assert [i["slug"] for i in body(api.get("sequences/", {"channel": "wecom"}))["items"]] == [
        "nurture"
    ]
    assert [i["slug"] for i in body(api.get("sequences/", {"trigger": "camp_start"}))["items"]] == [
        "camp"
    ]
    assert body(api.get("sequences/", {"persona": "outsider"}))["count"] == 0
    assert api.get("sequences/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert_problem(api.get("sequences/", {"persna": "x"}), 422)


def test_detail_has_steps_with_messages_in_the_script_shape(api, xiaomei):
    script = ChatScriptFactory(persona=xiaomei, messages=[("text", "欢迎加入～")])
    sequence = SequenceFactory(persona=xiaomei, slug="welcome",
                               steps=[day(0, "10:00", script=script), day(1, "09:00")])  # fmt: skip
    data = body(api.get("sequences/welcome/"))
    assert [step["id"] for step in data["steps"]] == sequence.step_ids()
    first, second = data["steps"]
    assert first["script"]["id"] == script.pk and first["available"]
    assert first["messages"] == body(api.get(f"scripts/{script.pk}/"))["messages"]
    assert second["messages"] == [{"type": "text", "text": "早上好～"}]
    assert_problem(api.get("sequences/nope/"), 404, "not_found")


def test_invisible_sequences_are_not_found(api, outsider, xiaomei):
    SequenceFactory(persona=outsider, slug="hidden")
    SequenceFactory(persona=xiaomei, slug="draft", publish=False)
    for slug in ("hidden", "draft"):
        assert_problem(api.get(f"sequences/{slug}/"), 404, "not_found")
        assert_problem(due(api, slug, CAMP_START, CAMP_START), 404, "not_found")


def test_due_over_the_camp_at_coarse_steps(api, xiaomei):
    sequence = camp(xiaomei)
    seen, since = [], CAMP_START
    for hours in range(0, 21 * 24 + 1, 7):
        now = CAMP_START + timedelta(hours=hours)
        data = body(due(api, "camp", CAMP_START, now, since))
        for step in data["steps"]:
            assert not in_quiet(datetime.fromisoformat(step["due_at"]))
            assert step["messages"]
        seen += [step["id"] for step in data["steps"]]
        since = now
    data = body(due(api, "camp", CAMP_START, CAMP_START + timedelta(days=22), since))
    seen += [step["id"] for step in data["steps"]]
    assert sorted(seen) == sorted(sequence.step_ids())
    assert data["next_due_at"] is None


def test_due_reports_next_and_times_in_beijing(api, xiaomei):
    camp(xiaomei)
    data = body(due(api, "camp", CAMP_START, CAMP_START + timedelta(hours=1)))
    assert data["steps"] == []
    assert data["next_due_at"] == "2027-03-01T08:00:00+08:00"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"started_at": "2027-03-01T00:00:00", "now": "2027-03-02T00:00:00+08:00"}, None),
        ({"started_at": "2027-03-02T00:00:00+08:00", "now": "2027-03-01T00:00:00+08:00"},
         "now_before_start"),
        ({"started_at": "2027-03-01T00:00:00+08:00", "now": "2027-03-02T00:00:00+08:00",
          "since": "2027-03-03T00:00:00+08:00"}, "since_after_now"),
        ({"now": "2027-03-02T00:00:00+08:00"}, None),
        ({"started_at": "2027-03-01T00:00:00+08:00", "variables": "[1]"}, None),
    ],
)  # fmt: skip
def test_bad_due_input_is_a_422(api, xiaomei, params, code):
    camp(xiaomei)
    assert_problem(api.get("sequences/camp/due", params), 422, code)


def test_a_step_whose_script_left_its_window_is_reported(api, xiaomei):
    script = ChatScriptFactory(persona=xiaomei, valid_until=datetime(2027, 3, 2, tzinfo=LOCAL_TZ))
    SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, script=script), day(3, script=script)])
    start = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
    first = body(due(api, "s", start, start + timedelta(hours=20)))["steps"]
    assert first[0]["available"] and first[0]["messages"]
    late = body(due(api, "s", start, start + timedelta(days=4)))["steps"]
    assert late[1]["available"] is False and late[1]["reason"] == "script_out_of_window"
    assert late[1]["messages"] == []


def test_due_renders_variables(api, xiaomei):
    from tests.content.factories import variable

    steps = [day(0, "10:00", messages=[("text", "{{nickname}}你好")])]
    sequence = SequenceFactory(
        persona=xiaomei, slug="v", variables=[variable("nickname")], steps=steps
    )
    start = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
    now = start + timedelta(days=1)
    data = body(due(api, "v", start, now, variables='{"nickname": "阿珍"}'))
    assert data["steps"][0]["messages"] == [{"type": "text", "text": "阿珍你好"}]
    assert_problem(due(api, "v", start, now, variables="{}"), 422, "missing_variables")
    assert sequence.step_ids()[0] == data["steps"][0]["id"]


def test_due_sees_a_script_unpublished_after_it_was_cached(api, xiaomei):
    script = ChatScriptFactory(persona=xiaomei, messages=[("text", "今晚直播")])
    SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, script=script), day(1, script=script)])
    start = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
    first = body(due(api, "s", start, start + timedelta(hours=20)))["steps"]
    assert first[0]["available"] and first[0]["messages"] == [{"type": "text", "text": "今晚直播"}]
    script.unpublish()
    later = body(due(api, "s", start, start + timedelta(days=2)))["steps"]
    assert [(s["available"], s["reason"], s["messages"]) for s in later] == [
        (False, "script_unpublished", []),
        (False, "script_unpublished", []),
    ]


def test_due_sees_an_edited_script_and_a_republished_sequence(api, xiaomei):
    script = ChatScriptFactory(persona=xiaomei, messages=[("text", "旧文案")])
    sequence = SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, script=script)])
    start = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
    now = start + timedelta(hours=20)
    assert body(due(api, "s", start, now))["steps"][0]["messages"][0]["text"] == "旧文案"
    script.messages = [("text", "新文案")]
    script.save_revision().publish()
    assert body(due(api, "s", start, now))["steps"][0]["messages"][0]["text"] == "新文案"
    sequence.steps = [day(0, messages=[("text", "改成在此撰写")]), day(0, "12:00")]
    sequence.save_revision().publish()
    steps = body(due(api, "s", start, now))["steps"]
    assert [s["messages"][0]["text"] for s in steps] == ["改成在此撰写", "早上好～"]
    sequence.unpublish()
    assert_problem(due(api, "s", start, now), 404, "not_found")


def test_a_repeated_due_reads_nothing_but_the_token_check(api, xiaomei):
    """The sequence's stamp is kept while the delivery generation stands (an edit, publish or
    unpublish is seen at once: the tests above)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    camp(xiaomei)
    params = (CAMP_START, CAMP_START + timedelta(days=1, hours=9), CAMP_START + timedelta(days=1))
    assert body(due(api, "camp", *params))["steps"]  # parses the sequence and fills the caches
    with CaptureQueriesContext(connection) as queries:
        assert body(due(api, "camp", *params))["steps"]
    sqls = [query["sql"] for query in queries]
    # at most the token check, unless the shared token cache answered it
    assert all("token_prefix" in sql for sql in sqls), sqls
    assert len(sqls) <= 1


def test_members_with_their_own_starts_each_get_their_own_timeline(api, xiaomei):
    """A nurture: every member starts at another moment (more of them than the per-sequence
    bound of cached timelines)."""
    from sequences import parsed

    SequenceFactory(persona=xiaomei, slug="nurture", steps=[day(0, "10:00"), day(1, "09:00")])
    first = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
    for minutes in range(0, (parsed.MAX_TIMELINES + 6) * 37, 37):
        start = first + timedelta(minutes=minutes)
        data = body(due(api, "nurture", start, start + timedelta(days=2)))
        expected = [datetime.combine(start.date() + timedelta(days=n), at, tzinfo=LOCAL_TZ)
                    for n, at in ((0, datetime.min.time().replace(hour=10)),
                                  (1, datetime.min.time().replace(hour=9)))]  # fmt: skip
        expected = [max(when, start) for when in expected]
        assert [datetime.fromisoformat(s["due_at"]) for s in data["steps"]] == expected


def test_list_items_carry_the_contracts_steps_count(api, xiaomei):
    """API.md names the list's count of steps `steps_count`; `step_count` stays (never removed)."""
    SequenceFactory(persona=xiaomei, slug="three", steps=[day(0), day(1), day(2)])
    item = body(api.get("sequences/"))["items"][0]
    assert item["steps_count"] == item["step_count"] == 3
    assert body(api.get("sequences/three/"))["steps_count"] == 3


def test_the_shapes_api_md_names(api, xiaomei):
    """API.md "SOP sequences": list items, the detail's steps with `when`, and `due` as
    `{"items": [step…], "next_due_at"}` (our `steps` and the flat time fields stay)."""
    from sequences.enums import Timing
    from tests.sequences.factories import step

    SequenceFactory(persona=xiaomei, slug="s", quiet_start=None, quiet_end=None, steps=[
        day(1, "09:00", title="问候"),
        step(Timing.AFTER, offset=2, unit="hours"),
        step(Timing.WEEKDAY, week=1, weekday=4, time_="20:00"),
        step(Timing.FIXED, at=datetime(2027, 3, 5, 10, 0, tzinfo=LOCAL_TZ)),
    ])  # fmt: skip
    item = body(api.get("sequences/"))["items"][0]
    assert {"slug", "name", "persona", "channel", "trigger", "audiences", "quiet_hours",
            "steps_count", "updated_at"} <= set(item)  # fmt: skip
    detail = body(api.get("sequences/s/"))
    assert "exit_conditions" in detail
    first = detail["steps"][0]
    assert {"id", "position", "when", "condition", "script", "messages"} <= set(first)
    assert [s["when"] for s in detail["steps"]] == [
        {"timing": "day", "day": 1, "time": "09:00", "label": "D1 09:00"},
        {"timing": "after", "offset": 2, "unit": "hours", "label": "开始后 2 小时"},
        {"timing": "weekday", "week": 1, "weekday": 4, "time": "20:00",
         "label": "第 1 周星期四 20:00"},
        {"timing": "fixed", "at": "2027-03-05T10:00:00+08:00", "label": "2027-03-05 10:00"},
    ]  # fmt: skip
    start = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
    answer = body(due(api, "s", start, start + timedelta(days=1, hours=10)))
    assert [s["title"] for s in answer["items"]] == ["", "问候"]  # +2 h, then D1 09:00
    assert answer["items"] == answer["steps"]
    assert answer["items"][1]["when"]["label"] == "D1 09:00"
    assert answer["next_due_at"] == "2027-03-04T20:00:00+08:00"
