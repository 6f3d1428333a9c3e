"""An entry becomes approved or scheduled only with a script deliverable on its date; pauses
hold entries and tell bots."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bots.models import BotClient, Webhook, WebhookDelivery
from editorial_calendar import pauses
from editorial_calendar.models import CalendarEntry, CalendarPause
from editorial_calendar.workflow import TransitionError, move
from tests.compliance.factories import add_word_rule
from tests.content.factories import MomentScriptFactory

from .factories import CalendarEntryFactory, persona_on

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 20)


@pytest.fixture
def xiaomei():
    return persona_on("wechat", name="小美", slug="xiaomei")


def waiting(persona, **kwargs):
    return CalendarEntryFactory(persona=persona, status="in_review", date=DAY, **kwargs)


def refusal(entry, manager, status="approved") -> str:
    with pytest.raises(TransitionError) as error:
        move(entry, status, manager)
    assert CalendarEntry.objects.get(pk=entry.pk).status == "in_review"  # nothing changed
    return str(error.value)


def test_no_script_is_refused_and_says_so(manager, xiaomei):
    assert "没有关联话术" in refusal(waiting(xiaomei), manager) or "no script" in refusal(
        waiting(xiaomei), manager
    )


def test_a_draft_script_not_in_review_is_refused(manager, xiaomei):
    entry = waiting(xiaomei, script=MomentScriptFactory(persona=xiaomei, publish=False))
    message = refusal(entry, manager)
    assert "既未发布也不在审核中" in message or "neither published nor in review" in message


def test_a_script_outside_its_validity_window_on_the_date_is_refused(manager, xiaomei):
    until = timezone.make_aware(timezone.datetime(2026, 12, 15))
    entry = waiting(xiaomei, script=MomentScriptFactory(persona=xiaomei, valid_until=until))
    message = refusal(entry, manager)
    assert "2026-12-15" in message


def test_an_unpublished_persona_is_refused(manager):
    persona = persona_on("wechat", name="草稿人设", live=False, publish=False)
    entry = waiting(persona, script=MomentScriptFactory(persona=persona))
    assert "草稿人设" in refusal(entry, manager)


def test_compliance_errors_refuse_with_the_findings(manager, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, messages=[("text", "宝子们，今天全场包邮")])
    entry = waiting(xiaomei, script=script)
    add_word_rule("包邮")  # added after the script was published: checked at approval
    message = refusal(entry, manager)
    assert "包邮" in message


def test_a_deliverable_script_is_approved_then_scheduled(manager, xiaomei):
    entry = waiting(xiaomei, script=MomentScriptFactory(persona=xiaomei))
    move(entry, "approved", manager)
    move(entry, "scheduled", manager)
    assert CalendarEntry.objects.get(pk=entry.pk).status == "scheduled"


def test_the_calendar_review_button_shows_the_refusal(manager_client, xiaomei):
    entry = waiting(xiaomei)
    url = reverse("editorial_calendar:review", args=[entry.pk])
    response = manager_client.post(url, {"action": "approve"}, follow=True)
    entry.refresh_from_db()
    assert entry.status == "in_review"
    assert any(entry.title in str(m) for m in response.context["messages"])


@pytest.fixture
def hook(xiaomei):
    client, _token = BotClient.create("bot", personas=[xiaomei])
    return Webhook.objects.create(client=client, url="https://bot.example.com/hook")


def test_pausing_and_resuming_tells_bots_and_holds_entries(hook, manager, xiaomei):
    entry = CalendarEntryFactory(persona=xiaomei, status="approved", date=DAY)
    pause = pauses.pause(DAY, DAY + timedelta(days=1), "全国哀悼日", manager)
    assert not CalendarEntry.objects.actionable().filter(pk=entry.pk).exists()
    assert not entry.is_actionable() and entry.is_held()
    pauses.resume(pause, manager)
    assert CalendarEntry.objects.actionable().filter(pk=entry.pk).exists()
    events = list(
        WebhookDelivery.objects.filter(event__startswith="calendar.")
        .order_by("pk")
        .values_list("event", "payload")
    )
    assert [e for e, _p in events] == ["calendar.paused", "calendar.resumed"]
    payload = events[0][1]
    assert payload["from"] == "2026-12-20" and payload["to"] == "2026-12-21"
    assert payload["persona"] == "xiaomei" and payload["entries"] == [entry.pk]
    assert payload["reason"] == "全国哀悼日"
    with pytest.raises(ValidationError):
        pauses.resume(pause, manager)  # only once


def test_a_pause_needs_a_reason_and_a_sane_range(manager):
    with pytest.raises(ValidationError):
        pauses.pause(DAY, DAY, "  ", manager)
    with pytest.raises(ValidationError):
        pauses.pause(DAY, DAY - timedelta(days=1), "x", manager)
    assert not CalendarPause.objects.exists()


def test_copywriters_cannot_pause(copywriter_client):
    data = {"start": "2026-12-13", "end": "2026-12-13", "reason": "国家公祭日"}
    response = copywriter_client.post(reverse("editorial_calendar:pause"), data)
    assert response.status_code in (302, 403) and not CalendarPause.objects.exists()


def test_managers_pause_and_resume_from_the_calendar(manager_client, xiaomei):
    pause_url = reverse("editorial_calendar:pause")
    data = {"start": "2026-12-13", "end": "2026-12-13", "reason": "国家公祭日"}
    manager_client.post(pause_url, data)
    pause = CalendarPause.objects.get()
    page = manager_client.get(reverse("editorial_calendar:index"), {"month": "2026-12"})
    assert "国家公祭日" in page.content.decode() and "⏸" in page.content.decode()
    bad = manager_client.post(pause_url, {**data, "start": "2026-13-01"}, follow=True)
    assert CalendarPause.objects.count() == 1 and bad.status_code == 200
    manager_client.post(reverse("editorial_calendar:resume", args=[pause.pk]))
    pause.refresh_from_db()
    assert pause.resumed_at is not None
