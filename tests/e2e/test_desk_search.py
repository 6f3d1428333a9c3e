"""A copywriter's desk: the home search (會員日 finds the 会员日 draft) and findings while
typing (a banned word shows before saving, and on save as the banner)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DRAFT_TITLE = "会员日早鸟预告"
DRAFT_TEXT = "宝子们，会员日当天早鸟福利提前看～"


@pytest.fixture
def member_day_draft(world):
    """A draft (never published) moment of the world's persona, made before the browser."""
    from personas.models import Persona
    from tests.content.factories import MomentScriptFactory

    persona = Persona.objects.get(name=world.persona_name)
    return MomentScriptFactory(
        persona=persona, title=DRAFT_TITLE, messages=[("text", DRAFT_TEXT)], publish=False
    ).pk


def test_search_from_home_then_findings_while_typing(world, member_day_draft, login, page, shoot):
    login("copywriter")
    box = page.locator("#home-search-q")
    box.fill("會員日")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/find/\?q=.*"))
    results = page.locator(".siyu-search-results")
    draft_link = results.get_by_role("link", name=DRAFT_TITLE, exact=True)
    expect(draft_link).to_be_visible()
    hit = results.locator(".siyu-search-hit").filter(
        has=page.get_by_role("link", name=DRAFT_TITLE, exact=True)
    )
    expect(hit.locator(".siyu-search-status")).to_have_attribute("data-status", "draft")
    expect(results.get_by_role("link", name=world.entry_title, exact=True)).to_be_visible()
    expect(results.locator("mark").first).to_be_visible()
    shoot("desk-search-results")

    draft_link.click()
    expect(page.get_by_role("heading", name=DRAFT_TITLE)).to_be_visible()
    live = page.locator("[data-live-findings]")
    expect(live).to_have_attribute("data-errors", "0")  # the saved text is clean

    text = page.locator("textarea[name='messages-0-value']")
    text.fill(DRAFT_TEXT + "这款是全网最好的")
    expect(live.locator("mark", has_text="最好").first).to_be_visible()
    expect(live).not_to_have_attribute("data-errors", "0")
    shoot("desk-search-findings-while-typing")

    page.get_by_role("button", name="保存草稿").first.click()  # not submit
    expect(page.locator(".messages .warning, .messages [class*=warning]").first).to_be_visible()
    shoot("desk-search-saved-with-findings")
