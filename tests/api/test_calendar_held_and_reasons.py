"""GET /api/v1/calendar/: paused dates are held; a served entry without its script says why."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from editorial_calendar import pauses
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory, PersonaFactory

from .conftest import body

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 13)
PARAMS = {"from": "2026-12-12", "to": "2026-12-14"}


@pytest.fixture
def on_wechat(xiaomei):
    PersonaChannelFactory(persona=xiaomei, channel="wechat")


def items(api):
    return {item["title"]: item for item in body(api.get("calendar/", PARAMS))["items"]}


def test_entries_on_paused_dates_are_held_until_resumed(api, xiaomei, on_wechat, manager):
    CalendarEntryFactory(persona=xiaomei, date=DAY, status="approved", title="公祭日当天")
    CalendarEntryFactory(persona=xiaomei, date=DAY + timedelta(days=1), status="approved",
                         title="第二天")  # fmt: skip
    pause = pauses.pause(DAY, DAY, "国家公祭日", manager)
    assert set(items(api)) == {"第二天"}
    pauses.resume(pause, manager)
    assert set(items(api)) == {"公祭日当天", "第二天"}


def test_served_entries_say_why_their_script_is_missing(api, xiaomei, on_wechat):
    hour = timedelta(hours=1)
    now = timezone.now()
    other = PersonaFactory(slug="other")
    cases = {
        "ok": MomentScriptFactory(persona=xiaomei),
        "no_script": None,
        "not_published": MomentScriptFactory(persona=xiaomei, publish=False),
        "outside_validity": MomentScriptFactory(persona=xiaomei, valid_until=now - hour),
        "other_persona": MomentScriptFactory(persona=other),
    }
    for title, script in cases.items():
        CalendarEntryFactory(persona=xiaomei, date=DAY, status="approved", title=title,
                             script=script)  # fmt: skip
    served = items(api)
    assert served["ok"]["script"] is not None
    assert served["ok"]["script_unavailable_reason"] is None
    for title in ("no_script", "not_published", "outside_validity", "other_persona"):
        assert served[title]["script"] is None
        assert served[title]["script_unavailable_reason"] == title
    # The field is added after every existing one; those keep their order.
    assert list(served["ok"])[-2:] == ["updated_at", "script_unavailable_reason"]
