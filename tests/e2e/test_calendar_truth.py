"""A manager's calendar tells the truth: a topic planned just outside the weeks on screen is no
gap, a date range pauses and resumes, and the entry form's channels follow the persona."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from editorial_calendar.models import CalendarEntry, HotTopic
from editorial_calendar.planning import month_range
from personas.models import Persona

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@dataclass(frozen=True)
class Plan:
    persona_id: int
    other_id: int
    channels: tuple[str, ...]
    other_channels: tuple[str, ...]
    pause_day: str


@pytest.fixture
def plan(world) -> Plan:
    """Made before the browser starts (see conftest.py): plain values only."""
    persona = Persona.objects.get(name=world.persona_name)
    other = Persona.objects.exclude(pk=persona.pk).filter(channels__isnull=False).first()
    today = timezone.localdate()
    _first, last, _month = month_range(today.replace(day=1))
    # 小寒 is prepared in the last week on screen; its only entry is the day after that week.
    planned = HotTopic.objects.create(name="小寒", slug="e2e-xiaohan", category="solar_term",
                                      start=last + timedelta(days=3), end=last + timedelta(days=3),
                                      lead_days=20)  # fmt: skip
    HotTopic.objects.create(name="年货节", slug="e2e-nianhuo", category="ecommerce",
                            start=last + timedelta(days=4), end=last + timedelta(days=4),
                            lead_days=20)  # fmt: skip
    CalendarEntry.objects.create(date=last + timedelta(days=1), persona=persona,
                                 channel=persona.channels.first().channel, title="小寒暖身提醒",
                                 hot_topic=planned, status="drafting")  # fmt: skip

    def channels(p):
        return tuple(dict.fromkeys(p.channels.values_list("channel", flat=True)))

    return Plan(persona.pk, other.pk, channels(persona), channels(other),
                (today + timedelta(days=1)).isoformat())  # fmt: skip


def test_gaps_pauses_and_the_entry_forms_channels(plan, world, login, page, shoot):
    login("manager")
    page.goto(reverse("editorial_calendar:index") + f"?persona={plan.persona_id}")
    expect(page.locator(".band", has_text="小寒").first).to_be_visible()
    expect(page.locator(".band", has_text="小寒 ⚠")).to_have_count(0)  # planned next month
    expect(page.locator(".band", has_text="年货节 ⚠").first).to_be_visible()  # truly a gap
    expect(page.locator(".gap-item", has_text="年货节")).to_be_visible()
    expect(page.locator(".gap-item", has_text="小寒")).to_have_count(0)
    shoot("calendar-gaps")

    page.fill("#pause-start", plan.pause_day)
    page.fill("#pause-end", plan.pause_day)
    page.fill("#pause-reason", "全国哀悼日")
    page.locator(".pause-form button[type=submit]").click()
    cell = page.locator(f'.cal-day[aria-label="{plan.pause_day}"]')
    expect(cell.locator(".paused-day")).to_be_visible()
    expect(page.locator(".pause-item", has_text="全国哀悼日")).to_be_visible()
    shoot("calendar-paused")
    page.locator(".pause-item button").click()
    expect(page.locator(".pause-item")).to_have_count(0)
    expect(cell.locator(".paused-day")).to_have_count(0)
    shoot("calendar-resumed")

    add = reverse("wagtailsnippets_editorial_calendar_calendarentry:add")
    page.goto(f"{add}?persona={plan.persona_id}&date={plan.pause_day}")
    channel = page.locator("select[data-persona-channels]")

    def offered():
        return [
            v for v in channel.locator("option").evaluate_all("os => os.map(o => o.value)") if v
        ]

    assert offered() == list(plan.channels)
    shoot("entry-form-persona")
    page.locator("select[data-entry-persona]").select_option(str(plan.other_id))
    expect(channel.locator("option")).to_have_count(len(plan.other_channels) + 1)
    assert offered() == list(plan.other_channels)
    shoot("entry-form-other-persona")
