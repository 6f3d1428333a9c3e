"""A manager accepts a compliance finding with a reason, then publishes; the record is kept."""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from content.models import MomentScript
from tests.content.factories import MomentScriptFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEXT = "宝子们，这是我用过最温和的洁面，冲鸭"
REASON = "第三方检测报告支持“最温和”的说法，报告编号 2026-118"


@dataclass(frozen=True)
class Draft:
    pk: int
    title: str


@pytest.fixture
def blocked_draft(world) -> Draft:
    persona = MomentScript.objects.get(pk=world.moment_id).persona
    script = MomentScriptFactory(
        persona=persona, title="洁面新品种草", messages=[("text", TEXT)], publish=False
    )
    return Draft(script.pk, script.title)


def test_manager_accepts_a_finding_with_a_reason_then_publishes(
    world, blocked_draft, login, page, shoot
):
    login("manager")
    edit = reverse("wagtailsnippets_content_momentscript:edit", args=[blocked_draft.pk])
    page.goto(edit)
    page.get_by_role("tab", name="合规检查").click()
    finding = page.locator(".lint-finding.lint-error").first
    expect(finding).to_be_visible()
    expect(finding.locator("mark")).to_have_text("最")
    shoot("compliance-finding")

    finding.locator("details.lint-accept summary").click()
    finding.locator("textarea").fill(REASON)
    shoot("compliance-accept-form")
    finding.locator("button[name=accept_finding]").click()
    page.wait_for_url(f"**{edit}#tab-lint")
    accepted = page.locator(".lint-finding.lint-accepted").first
    expect(accepted).to_be_visible()
    expect(accepted).to_contain_text(REASON)
    expect(accepted).to_contain_text("manager")
    expect(page.locator(".lint-finding.lint-error")).to_have_count(0)
    shoot("compliance-accepted")

    page.get_by_role("button", name="更多动作").last.click()
    page.locator("button[name=action-publish]").click()
    # Back on the list, the script is live (在用).
    expect(page.get_by_role("row", name=re.compile(f"{blocked_draft.title}.*在用"))).to_be_visible()
    shoot("compliance-published")

    page.goto(edit)
    page.locator("#tab-label-compliance_records").click()  # 合规记录
    records = page.locator("table.compliance-records")
    expect(records).to_be_visible()
    expect(records).to_contain_text(REASON)
    expect(records).to_contain_text("manager")
    shoot("compliance-records-tab")

    page.goto("/admin/compliance-records/")
    expect(page.get_by_text(blocked_draft.title).first).to_be_visible()
    shoot("compliance-records-export")
