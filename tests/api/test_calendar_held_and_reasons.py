"""GET /api/v1/calendar/: paused dates are held; a served entry without its script says why."""

from datetime import date, datetime, timedelta

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


def test_an_entry_is_served_only_when_its_script_can_be_delivered_on_its_date(
    api, xiaomei, on_wechat
):
    """API.md "Calendar". Approving such an entry is refused; these scripts changed since."""
    day = timezone.localdate() + timedelta(days=3)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    other = PersonaFactory(slug="other")
    cases = {
        "ok": MomentScriptFactory(persona=xiaomei),
        "no_script": None,
        # valid from its entry's date: served now, its script named from that day on
        "valid_on_its_date": MomentScriptFactory(persona=xiaomei, valid_from=start),
        "not_published": MomentScriptFactory(persona=xiaomei, publish=False),
        "over_before_its_date": MomentScriptFactory(persona=xiaomei, valid_until=start),
        "starts_after_its_date": MomentScriptFactory(
            persona=xiaomei, valid_from=start + timedelta(days=1)
        ),
        "other_persona": MomentScriptFactory(persona=other),
    }
    for title, script in cases.items():
        CalendarEntryFactory(persona=xiaomei, date=day, status="approved", title=title,
                             script=script)  # fmt: skip
    params = {"from": day.isoformat(), "to": day.isoformat()}
    served = {item["title"]: item for item in body(api.get("calendar/", params))["items"]}
    assert set(served) == {"ok", "no_script", "valid_on_its_date"}
    assert served["ok"]["script"] is not None
    assert served["ok"]["script_unavailable_reason"] is None
    assert (served["no_script"]["script"], served["no_script"]["script_unavailable_reason"]) == (
        None, "no_script"
    )  # fmt: skip
    ahead = served["valid_on_its_date"]
    assert (ahead["script"], ahead["script_unavailable_reason"]) == (None, "outside_validity")
    # The field is added after every existing one; those keep their order.
    assert list(served["ok"])[-2:] == ["updated_at", "script_unavailable_reason"]
