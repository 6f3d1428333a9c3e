"""POST /api/v1/events/: usage feedback (数据反哺)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bots.models import ReportedEvent
from bots.schemas import MAX_BATCH_COUNT, MAX_EVENT_COUNT
from content.models import ScriptUsage
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def script(xiaomei):
    return MomentScriptFactory(persona=xiaomei)


@pytest.fixture
def slot(xiaomei, script):
    PersonaChannelFactory(persona=xiaomei, channel="wechat")
    return CalendarEntryFactory(persona=xiaomei, script=script, date=date(2026, 11, 20),
                                status="scheduled")  # fmt: skip


def event(script, type_="sent", **kwargs):
    return {"script": script.pk, "type": type_, **kwargs}


def test_events_add_up_on_the_script_and_the_calendar_entry(api, script, slot):
    now = timezone.now().isoformat()
    events = [
        event(
            script,
            calendar_entry=slot.pk,
            count=120,
            occurred_at=now,
            channel="wechat",
            idempotency_key="k1",
        ),  # fmt: skip
        event(script, "clicked", calendar_entry=slot.pk, count=7, idempotency_key="k2"),
        event(script, "converted"),
    ]
    response = api.post("events/", {"events": events})
    assert response.status_code == 202
    assert body(response) == {"accepted": 3, "duplicates": 0}
    usage = ScriptUsage.objects.get(script=script)
    assert (usage.sent, usage.clicked, usage.converted) == (120, 7, 1)
    slot.refresh_from_db()
    assert slot.outcome == {"sent": 120, "clicked": 7}


def test_an_idempotency_key_is_counted_once(api, script):
    first = [event(script, idempotency_key="same"), event(script, idempotency_key="same")]
    assert body(api.post("events/", {"events": first})) == {"accepted": 1, "duplicates": 1}
    again = [event(script, idempotency_key="same"), event(script, idempotency_key="new")]
    assert body(api.post("events/", {"events": again})) == {"accepted": 1, "duplicates": 1}
    assert ScriptUsage.objects.get(script=script).sent == 2
    assert ReportedEvent.objects.count() == 2


def test_one_invalid_event_stores_nothing_and_every_problem_is_named(api, script, outsider):
    others = MomentScriptFactory(persona=outsider)
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    events = [
        event(script),
        event(script, "opened"),
        {"type": "sent"},
        event(others),
        event(script, calendar_entry=999999),
        event(script, count=0),
        event(script, occurred_at=future),
        {**event(script), "colour": "red"},
        event(script, occurred_at="last tuesday"),
    ]
    doc = assert_problem(api.post("events/", {"events": events}), 422, "invalid_events")
    locs = [error["loc"] for error in doc["errors"]]
    assert locs == [
        ["events", 1, "type"],
        ["events", 2, "script"],
        ["events", 3, "script"],
        ["events", 4, "calendar_entry"],
        ["events", 5, "count"],
        ["events", 6, "occurred_at"],
        ["events", 7, "colour"],
        ["events", 8, "occurred_at"],
    ]
    assert not ReportedEvent.objects.exists() and not ScriptUsage.objects.exists()


def test_batch_limits_and_bad_bodies(api, script):
    too_many = {"events": [event(script)] * 501}
    assert_problem(api.post("events/", too_many), 413, "too_many_events")
    assert body(api.post("events/", {"events": [event(script)] * 500}))["accepted"] == 500
    assert_problem(api.post("events/", {"events": []}), 422)
    assert_problem(api.post("events/", {"evts": []}), 422)
    assert_problem(api.post("events/", [event(script)]), 422)
    assert_problem(api.post("events/", raw="{not json"), 400, "malformed_json")
    assert_problem(api.post("events/", raw="x", content_type="text/csv"), 400)
    assert_problem(api.post("events/", raw="[" + "1," * 600_000 + "1]"), 413)
    assert_problem(api.get("events/"), 405)


def test_a_bot_cannot_report_on_scripts_outside_its_scope(api, outsider):
    others = MomentScriptFactory(persona=outsider)
    doc = assert_problem(api.post("events/", {"events": [event(others)]}), 422)
    assert doc["errors"][0]["loc"] == ["events", 0, "script"]


def test_totals_appear_in_the_admin(api, script, slot, client, make_user):
    events = [
        event(script, calendar_entry=slot.pk, count=120),
        event(script, "clicked", calendar_entry=slot.pk, count=7),
    ]
    api.post("events/", {"events": events})
    client.force_login(make_user("admin", superuser=True))
    editor = client.get(f"/admin/snippets/content/momentscript/edit/{script.pk}/")
    assert "<strong>发送</strong> 120" in editor.content.decode()
    listing = client.get("/admin/snippets/editorial_calendar/calendarentry/").content.decode()
    assert "发送 120 · 点击 7" in listing
    entry = client.get(f"/admin/snippets/editorial_calendar/calendarentry/edit/{slot.pk}/")
    assert "<strong>点击</strong> 7" in entry.content.decode()


def test_totals_go_past_the_32_bit_limit(api, script):
    # 43 full batches used to reach 2**31 on PostgreSQL; every later event was then a 500.
    ScriptUsage.objects.create(script=script, sent=2**31 - 1)
    response = api.post("events/", {"events": [event(script, count=MAX_EVENT_COUNT)]})
    assert response.status_code == 202
    assert ScriptUsage.objects.get(script=script).sent == 2**31 - 1 + MAX_EVENT_COUNT


def test_counts_are_capped_per_event_and_per_request(api, script):
    doc = assert_problem(
        api.post("events/", {"events": [event(script, count=MAX_EVENT_COUNT + 1)]}), 422
    )
    assert doc["errors"][0]["loc"] == ["events", 0, "count"]
    batch = [event(script, count=MAX_EVENT_COUNT)] * (MAX_BATCH_COUNT // MAX_EVENT_COUNT)
    assert api.post("events/", {"events": batch}).status_code == 202
    doc = assert_problem(api.post("events/", {"events": [*batch, event(script)]}), 422)
    assert doc["errors"] == [{"loc": ["events"], "message": doc["errors"][0]["message"]}]
    assert ScriptUsage.objects.get(script=script).sent == MAX_BATCH_COUNT  # the first batch only
