"""A manager works on a 训练营 sequence: the timeline with a WeChat preview per step, a step
with a banned word flagged and refusing to publish, a duplicate as a new draft, and the camp's
band on the calendar."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from content.models import MomentScript
from sequences.enums import LOCAL_TZ
from tests.sequences.factories import SequenceFactory, day

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WELCOME = "欢迎加入训练营，明早七点打卡～"
BANNED = "这是全网最好用的减脂方法，今晚一起打卡"


@dataclass(frozen=True)
class Camp:
    pk: int
    name: str
    slug: str
    persona_id: int
    script_title: str


@pytest.fixture
def camp(world) -> Camp:
    """Published with clean steps; the latest draft adds a step with a banned word."""
    script = MomentScript.objects.get(pk=world.moment_id)
    start = datetime.combine(timezone.localdate(), time(8, 0), tzinfo=LOCAL_TZ)
    sequence = SequenceFactory(
        persona=script.persona, name="21天减脂训练营", slug="e2e-camp", start_at=start,
        trigger="camp_start", quiet_start=time(22, 0), quiet_end=time(8, 0),
        steps=[day(0, "09:00", title="开营欢迎", messages=[("text", WELCOME)]),
               day(2, "10:00", title="第三天分享", script=script)],
    )  # fmt: skip
    sequence.steps = [
        *sequence.steps.raw_data,
        day(1, "23:00", title="晚间提醒", messages=[("text", BANNED)]),
    ]
    sequence.save_revision()
    return Camp(sequence.pk, sequence.name, sequence.slug, script.persona_id, script.title)


def test_manager_reviews_duplicates_and_plans_a_camp(camp, login, page, shoot):
    login("manager")
    edit = reverse("wagtailsnippets_sequences_sequence:edit", args=[camp.pk])
    page.goto(edit)
    expect(page.locator(".w-panel__header, [data-panel]").first).to_be_visible()
    shoot("sequence-edit")

    page.locator("#tab-label-timeline").click()
    steps = page.locator(".sop-step")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("D0 09:00 · 开营欢迎")
    expect(steps.nth(0)).to_contain_text(WELCOME)
    expect(steps.nth(1)).to_contain_text("D1 23:00 · 晚间提醒")
    expect(steps.nth(1).locator(".sop-quiet")).to_be_visible()  # 23:00 is in quiet hours
    expect(steps.nth(1)).to_have_class(re.compile("sop-step-blocked"))
    expect(steps.nth(2)).to_contain_text(camp.script_title)
    shoot("sequence-timeline")

    page.locator("#tab-label-checks").click()
    flagged = page.locator(".sop-checks-step .lint-error").first
    expect(flagged).to_be_visible()
    expect(flagged).to_contain_text("最好")
    shoot("sequence-checks")

    page.get_by_role("button", name="更多动作").last.click()
    page.locator("button[name=action-publish]").click()
    refused = page.locator(".messages").first
    expect(refused).to_contain_text("D1 23:00 · 晚间提醒")
    expect(refused).to_contain_text("最好用")
    shoot("sequence-publish-refused")

    page.goto(reverse("wagtailsnippets_sequences_sequence:copy", args=[camp.pk]))
    expect(page.locator("input[name=slug]")).to_have_value(f"{camp.slug}-copy")
    shoot("sequence-duplicate")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/sequences/sequence/edit/\d+/"))
    assert not page.url.endswith(f"/edit/{camp.pk}/")  # a new sequence, as a draft
    page.locator("#tab-label-timeline").click()
    expect(page.locator(".sop-step")).to_have_count(3)  # the latest revision was copied
    shoot("sequence-duplicated")
    page.goto(reverse("wagtailsnippets_sequences_sequence:list"))
    expect(page.get_by_role("row", name=re.compile(camp.name))).to_have_count(2)

    page.goto(reverse("editorial_calendar:index") + f"?persona={camp.persona_id}")
    band = page.locator(f'.band.camp[data-sequence="{camp.slug}"]').first
    expect(band).to_be_visible()
    expect(band).to_contain_text(camp.name)
    shoot("sequence-calendar-band")


def test_manager_accepts_a_steps_finding_and_publishes(camp, login, page, shoot):
    login("manager")
    page.goto(reverse("wagtailsnippets_sequences_sequence:edit", args=[camp.pk]))
    page.locator("#tab-label-checks").click()
    flagged = page.locator(".sop-checks-step .lint-error").first
    expect(flagged).to_contain_text("最好")
    flagged.locator("summary").click()
    flagged.locator("textarea").fill("学员原话引用，已与法务确认")
    shoot("sequence-accept-reason")
    flagged.get_by_role("button", name="接受这条问题").click()
    page.wait_for_url(re.compile(r".*/sequences/sequence/edit/\d+/.*"))
    page.locator("#tab-label-checks").click()
    accepted = page.locator(".sop-checks-step .lint-accepted").first
    expect(accepted).to_be_visible()
    expect(accepted).to_contain_text("学员原话引用，已与法务确认")
    expect(page.locator(".sop-checks-step .lint-error")).to_have_count(0)
    shoot("sequence-finding-accepted")

    page.get_by_role("button", name="更多动作").last.click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(re.compile(r".*/sequences/sequence/(edit/\d+/)?$"))
    published = page.locator(".messages").first
    expect(published).to_contain_text(camp.name)  # “… 已发布。”, no refusal
    expect(published).not_to_contain_text("最好用")
    shoot("sequence-published-after-accept")


@pytest.fixture
def draft_camp(camp) -> str:
    """Next to the published camp, a camp in preparation (never published) starting in 2 days."""
    start = datetime.combine(timezone.localdate(), time(8, 0), tzinfo=LOCAL_TZ)
    SequenceFactory(
        persona_id=camp.persona_id, name="春季训练营（筹备中）", slug="e2e-draft-camp",
        start_at=start + timedelta(days=2), trigger="camp_start", publish=False,
        steps=[day(0, "09:00", title="开营"), day(3, "09:00", title="打卡")],
    )  # fmt: skip
    return "e2e-draft-camp"


def test_planner_sees_a_draft_camp_as_a_dashed_band(camp, draft_camp, login, page, shoot):
    login("manager")
    page.goto(reverse("editorial_calendar:index") + f"?persona={camp.persona_id}&view=week")
    draft = page.locator(f'.band.camp.draft[data-sequence="{draft_camp}"]').first
    expect(draft).to_be_visible()
    expect(draft).to_contain_text("草稿 · 春季训练营（筹备中）")
    expect(draft).to_have_css("border-top-style", "dashed")
    published = page.locator(f'.band.camp[data-sequence="{camp.slug}"]').first
    expect(published).to_be_visible()
    expect(published).not_to_have_class(re.compile("draft"))
    shoot("sequence-calendar-draft-camp")
    draft.click()
    page.wait_for_url(re.compile(r".*/sequences/sequence/edit/\d+/"))
    expect(page.locator("input[name=name]")).to_have_value("春季训练营（筹备中）")
