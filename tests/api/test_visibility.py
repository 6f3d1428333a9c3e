"""What a bot may see, everywhere the API answers: calendar links, Wagtail's expiry and
go-live, and the scripts and entries /events/ accepts (BotClient.visible / sees)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from content.models import Script, ScriptUsage
from core import generation
from editorial_calendar.models import CalendarEntry
from personas.models import Persona
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory, PersonaFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)
CALENDAR = {"from": "2026-11-20", "to": "2026-11-20"}


@pytest.fixture
def on_wechat(xiaomei, outsider):
    for persona in (xiaomei, outsider):
        PersonaChannelFactory(persona=persona, channel="wechat")


def ids(response):
    assert response.status_code == 200, response.content
    return [item.get("id") or item.get("slug") for item in body(response)["items"]]


# Item 2: a calendar entry never shows a script the caller cannot read ---------------------------
def test_calendar_shows_no_script_of_another_persona(api, xiaomei, outsider, on_wechat):
    script = MomentScriptFactory(persona=xiaomei, title="小美的话术")
    CalendarEntryFactory(persona=xiaomei, script=script, date=DAY, status="approved")
    assert body(api.get("calendar/", CALENDAR))["items"][0]["script"]["id"] == script.pk
    # However the link came to point across personas (older data, a direct database change),
    # the entry must not hand out the id, kind and title of a script /scripts/{id}/ hides.
    Script.objects.filter(pk=script.pk).update(persona=outsider)
    generation.bump()  # a write without model signals says so (core/generation.py)
    assert_problem(api.get(f"scripts/{script.pk}/"), 404)
    # Its script cannot be delivered on its date: the entry is not served (API.md "Calendar").
    assert body(api.get("calendar/", CALENDAR))["items"] == []


def test_calendar_shows_no_script_the_bot_cannot_see(api, xiaomei, on_wechat):
    expired = MomentScriptFactory(persona=xiaomei, expire_at=timezone.now() - timedelta(minutes=1))
    CalendarEntryFactory(persona=xiaomei, script=expired, date=DAY, status="scheduled")
    assert [item["script"] for item in body(api.get("calendar/", CALENDAR))["items"]] == [None]


# Item 3: Wagtail's expiry and go-live apply at once, without publish_scheduled ------------------
@pytest.mark.usefixtures("search_backend")
def test_an_expired_script_is_gone_from_detail_list_and_search(api, xiaomei, monkeypatch):
    kept = MomentScriptFactory(persona=xiaomei, title="会员日福利")
    script = MomentScriptFactory(
        persona=xiaomei, title="会员日限时", expire_at=timezone.now() + timedelta(hours=1)
    )
    assert script.live and api.get(f"scripts/{script.pk}/").status_code == 200
    assert set(ids(api.get("search/", {"q": "会员日", "persona": "xiaomei"}))) == {
        kept.pk,
        script.pk,
    }
    # The expiry passes (the clock moves, nothing is written); publish_scheduled has not run,
    # so the row is still live.
    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Script.objects.get(pk=script.pk).live is True
    assert_problem(api.get(f"scripts/{script.pk}/"), 404, "not_found")
    assert_problem(api.post(f"scripts/{script.pk}/render", {"variables": {}}), 404)
    assert ids(api.get("scripts/")) == [kept.pk]
    assert ids(api.get("search/", {"q": "会员日", "persona": "xiaomei"})) == [kept.pk]


def test_a_script_before_its_go_live_is_hidden(api, xiaomei):
    script = MomentScriptFactory(persona=xiaomei)
    Script.objects.filter(pk=script.pk).update(go_live_at=timezone.now() + timedelta(hours=1))
    assert_problem(api.get(f"scripts/{script.pk}/"), 404)
    assert ids(api.get("scripts/")) == []


@pytest.mark.usefixtures("search_backend")
def test_an_expired_persona_and_everything_of_it_are_gone(api, xiaomei, dr_lin, on_wechat):
    script = MomentScriptFactory(persona=xiaomei, title="会员日")
    CalendarEntryFactory(persona=xiaomei, script=script, date=DAY, status="approved")
    Persona.objects.filter(pk=xiaomei.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    assert_problem(api.get("personas/xiaomei/"), 404)
    assert ids(api.get("personas/")) == ["dr-lin"]
    assert_problem(api.get(f"scripts/{script.pk}/"), 404)
    assert ids(api.get("scripts/")) == []
    assert ids(api.get("calendar/", CALENDAR)) == []
    assert ids(api.get("search/", {"q": "会员日"})) == []
    assert ids(api.get("search/", {"q": xiaomei.name})) == []


# Item 16: /events/ accepts only what the caller sees --------------------------------------------
def _events(api, **event):
    return api.post("events/", {"events": [{"type": "sent", **event}]})


def test_events_for_scripts_the_bot_cannot_see_are_refused(api, bot, xiaomei):
    draft = MomentScriptFactory(persona=xiaomei, publish=False)
    unpublished = MomentScriptFactory(persona=xiaomei)
    unpublished.unpublish()
    expired = MomentScriptFactory(persona=xiaomei, expire_at=timezone.now() - timedelta(hours=1))
    hidden = PersonaFactory(slug="hidden", live=False, publish=False)
    bot.personas.add(hidden)  # in scope, but not published
    of_hidden = MomentScriptFactory(persona=hidden)
    for script in (draft, unpublished, expired, of_hidden):
        doc = assert_problem(_events(api, script=script.pk), 422, "invalid_events")
        assert [error["loc"] for error in doc["errors"]] == [["events", 0, "script"]]
        # The same answer as for an id that does not exist: nothing confirms it does.
        assert doc["errors"] == body(_events(api, script=10**9))["errors"]
    assert not ScriptUsage.objects.exists()


def test_events_for_entries_the_bot_cannot_act_on_are_refused(api, xiaomei, on_wechat):
    script = MomentScriptFactory(persona=xiaomei)
    idea = CalendarEntryFactory(persona=xiaomei, script=script, date=DAY, status="idea")
    doc = assert_problem(_events(api, script=script.pk, calendar_entry=idea.pk), 422)
    assert [error["loc"] for error in doc["errors"]] == [["events", 0, "calendar_entry"]]
    idea.status = "drafting"
    idea.save()
    approved = CalendarEntryFactory(persona=xiaomei, script=script, date=DAY, status="approved")
    assert _events(api, script=script.pk, calendar_entry=approved.pk).status_code == 202
    approved.refresh_from_db()
    assert approved.outcome == {"sent": 1}
    assert CalendarEntry.objects.get(pk=idea.pk).outcome == {}


def test_usage_inside_a_past_validity_window_is_still_accepted(api, xiaomei):
    """A report arriving after the script's window ended counts if the bot could see the script
    when the event occurred."""
    now = timezone.now()
    script = MomentScriptFactory(persona=xiaomei, valid_until=now - timedelta(hours=1))
    assert_problem(api.get(f"scripts/{script.pk}/"), 404)
    inside = (now - timedelta(hours=2)).isoformat()
    after = (now - timedelta(minutes=30)).isoformat()
    assert _events(api, script=script.pk, occurred_at=inside).status_code == 202
    assert_problem(_events(api, script=script.pk, occurred_at=after), 422)
