"""The manager's day on the home page: one approval of a slot and its script, a send-back with a
comment the copywriter then sees (home and editor), a persona's week approved at once, a gap and
a fatigue day, and the performance charts drawn from our own static files."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from bots.models import BotClient, ReportedEvent
from editorial_calendar.models import CalendarEntry, HotTopic
from personas.models import Persona, PersonaChannel
from tests.content.factories import MomentScriptFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@dataclass(frozen=True)
class Plan:
    approve_key: str
    send_back_key: str
    send_back_title: str
    week_label: str
    fatigue_day: str
    copywriter_script_id: int


@pytest.fixture
def plan(world) -> Plan:
    """Made before the browser starts (see conftest.py): plain values only."""
    copywriter = get_user_model().objects.get(username="copywriter")
    persona = Persona.objects.get(name=world.persona_name)
    other = Persona.objects.exclude(pk=persona.pk).filter(channels__isnull=False).first()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)

    def waiting(owner_persona, title, text, day, submit=True):
        script = MomentScriptFactory(persona=owner_persona, title=title,
                                     messages=[("text", text)], publish=not submit)  # fmt: skip
        if submit:
            script.save_revision(user=copywriter)
            script.get_workflow().start(script, copywriter)
        channel = owner_persona.channels.first().channel
        entry = CalendarEntry.objects.create(date=day, persona=owner_persona, channel=channel,
                                             title=title, script=script, status="in_review",
                                             owner=copywriter)  # fmt: skip
        return script, entry

    _s, approve = waiting(
        persona, "腊八粥福利预告", "宝子们，腊八节喝粥领券啦～", today + timedelta(days=3)
    )
    returned, back = waiting(
        persona, "年终盘点朋友圈", "宝子们，今年陪伴大家的点点滴滴", today + timedelta(days=4)
    )
    waiting(other, "周一早安问候", "早上好，今天也要好好吃饭", monday, submit=False)
    waiting(other, "周三食谱分享", "这周的减脂餐食谱来啦", monday + timedelta(days=2), submit=False)

    HotTopic.objects.create(name="腊八节", slug="e2e-laba", category="festival",
                            start=today + timedelta(days=12), end=today + timedelta(days=12),
                            lead_days=10)  # fmt: skip
    account = persona.channels.first()
    PersonaChannel.objects.filter(pk=account.pk).update(daily_post_limit=1)
    busy = today + timedelta(days=5)
    for n in range(2):
        CalendarEntry.objects.create(date=busy, persona=persona, channel=account.channel,
                                     title=f"新品推送{n + 1}", status="drafting")  # fmt: skip

    client, _token = BotClient.create("e2e-bot", all_personas=True)
    now = timezone.now()
    for day in range(7):
        for event_type, count in (("sent", 60), ("read", 40), ("clicked", 15), ("converted", 4)):
            ReportedEvent.objects.create(client=client, script_id=world.moment_id, type=event_type,
                                         count=count + day, channel="wechat",
                                         occurred_at=now - timedelta(days=day))  # fmt: skip
    return Plan(
        approve_key=f"entry:{approve.pk}",
        send_back_key=f"entry:{back.pk}",
        send_back_title=back.title,
        week_label=f"{other.name} {monday.isoformat()}",
        fatigue_day=busy.isoformat(),
        copywriter_script_id=returned.pk,
    )


def test_the_managers_day_and_the_copywriters_comment(plan, world, login, page, shoot, monkeypatch):
    from cockpit import queue as review_queue

    login("manager")
    queue = page.locator("#cockpit-review-section")
    # Two items a page (four wait): the queue pages through all of them.
    monkeypatch.setattr(review_queue, "SHOWN", 2)
    page.reload()
    expect(queue.locator("[data-cockpit-page]")).to_have_text("第 1 / 2 页")
    expect(queue.locator(f'[data-cockpit-item="{plan.approve_key}"]')).to_be_visible()
    queue.locator("a[rel=next]").click()
    expect(queue.locator("[data-cockpit-page]")).to_have_text("第 2 / 2 页")
    expect(queue.locator(f'[data-cockpit-item="{plan.approve_key}"]')).to_have_count(0)
    expect(queue.locator("[data-cockpit-item]")).to_have_count(2)
    shoot("cockpit-queue-page-2")
    queue.locator("a[rel=prev]").click()
    expect(queue.locator(f'[data-cockpit-item="{plan.approve_key}"]')).to_be_visible()
    monkeypatch.setattr(review_queue, "SHOWN", 40)
    page.goto("/admin/")
    expect(queue.locator("[data-cockpit-page]")).to_have_count(0)
    expect(queue.locator(f'[data-cockpit-item="{plan.approve_key}"]')).to_be_visible()
    expect(page.locator('[data-cockpit-gap="腊八节"]')).to_be_visible()
    expect(page.locator(f'[data-cockpit-fatigue="{plan.fatigue_day}"]')).to_be_visible()
    expect(page.locator('[data-cockpit-chart="personas"] .main-svg').first).to_be_visible()
    shoot("cockpit-manager-home")

    item = queue.locator(f'[data-cockpit-item="{plan.approve_key}"]')
    item.locator("button", has_text="批准排期和话术").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(queue.locator(f'[data-cockpit-item="{plan.approve_key}"]')).to_have_count(0)

    item = queue.locator(f'[data-cockpit-item="{plan.send_back_key}"]')
    item.locator("input[name=comment]").fill("结尾加一句新年祝福，语气再温暖一些")
    item.locator(".cockpit-sendback button").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(queue.locator(f'[data-cockpit-item="{plan.send_back_key}"]')).to_have_count(0)

    page.locator(f'[data-cockpit-week="{plan.week_label}"]').click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.locator(f'[data-cockpit-week="{plan.week_label}"]')).to_have_count(0)
    shoot("cockpit-manager-after")

    page.context.clear_cookies()
    login("copywriter")
    sent_back = page.locator(f'[data-cockpit-sent-back="{plan.send_back_title}"]').first
    expect(sent_back).to_contain_text("结尾加一句新年祝福")
    shoot("cockpit-copywriter-home")
    page.goto(f"/admin/snippets/content/momentscript/edit/{plan.copywriter_script_id}/")
    expect(page.locator(".messages")).to_contain_text("结尾加一句新年祝福")
    shoot("cockpit-copywriter-editor")
