"""Chinese throughout, as a browser shows it: every main screen for each role, screenshots in
test-artifacts/e2e/zh-<role>-<screen>.png, and no English in the text the page shows (what
JavaScript renders included). The same detector as tests/i18n (see tests/i18n/english.py)."""

import pytest
from playwright.sync_api import expect

from tests.i18n.english import english_fragments
from tests.i18n.screens import screens, user_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLES = ("copywriter", "manager", "admin")
# The text a person sees: text nodes of rendered elements (not inside screen-reader-only or
# hidden parts, not code or user input), visible inputs' placeholders and buttons' values, and
# the window title. (Screen-reader-only English is Wagtail's hard-coded "Search" button: notes.)
VISIBLE_TEXT_JS = """() => {
    const unseen = [".w-sr-only", ".visuallyhidden", ".sr-only", "[hidden]", "code", "pre", "kbd",
                    "textarea", "script", "style", "template"].join(", ");
    const seen = e => e && e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
        && !e.closest(unseen);
    const texts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.textContent.trim() && seen(node.parentElement)) texts.push(node.textContent);
    }
    for (const e of document.querySelectorAll("input, textarea")) {
        if (!seen(e)) continue;
        texts.push(e.placeholder, ["submit", "button"].includes(e.type) ? e.value : "");
    }
    return texts.map(t => (t || "").replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""


@pytest.fixture
def walk(world):
    """More than the shared world: a script of every kind, a draft in moderation, a bot client
    with a webhook. Made (and the screens' URLs read) before the browser starts (conftest)."""
    from bots.models import BotClient, Webhook
    from content.models import MomentScript
    from personas.models import Persona
    from tests.content.factories import (
        ChatScriptFactory,
        GroupScriptFactory,
        LivestreamScriptFactory,
        MomentScriptFactory,
    )

    persona = Persona.objects.get(slug="xiaomei")
    GroupScriptFactory(
        persona=persona,
        title="进群欢迎",
        messages=[("text", "欢迎～"), ("delay", {"seconds": 180}), ("text", "福利在这里")],
    )
    LivestreamScriptFactory(persona=persona, title="周三会员日专场")
    chat = ChatScriptFactory(persona=persona, title="新好友打招呼")
    draft = MomentScriptFactory(persona=persona, title="会员日预热草稿", publish=False)
    from django.contrib.auth import get_user_model

    draft.get_workflow().start(draft, get_user_model().objects.get(username="copywriter"))
    client, _token = BotClient.create("wecom-bot", personas=[persona])
    Webhook.objects.create(client=client, url="https://bot.example.com/hook")
    moment = MomentScript.objects.get(pk=world.moment_id)
    return {
        "screens": {role: screens(role) for role in ROLES},
        "data": user_data(),
        "moment_edit": f"/admin/snippets/content/momentscript/edit/{moment.pk}/",
        "chat_edit": f"/admin/snippets/content/chatscript/edit/{chat.pk}/",
    }


def english_here(page, data) -> list[str]:
    return english_fragments(page.evaluate(VISIBLE_TEXT_JS), data)


def test_every_main_screen_is_chinese_for_every_role(walk, login, page, shoot):
    found = {}
    for role in ROLES:
        page.context.clear_cookies()
        login(role)
        for name, url in walk["screens"][role].items():
            page.goto(url)
            shoot(f"zh-{role}-{name.replace(' ', '-')}")
            if english := english_here(page, walk["data"]):
                found[f"{role}: {name}"] = english
    assert found == {}


def test_submit_and_publish_banners_are_chinese(walk, login, page, shoot):
    found = {}
    login("copywriter")
    page.goto(walk["moment_edit"])
    page.locator("footer .w-dropdown__toggle, [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-submit]").click()
    expect(page.locator(".messages")).to_contain_text("已提交审核")
    shoot("zh-copywriter-submitted")
    if english := english_here(page, walk["data"]):
        found["copywriter: submitted"] = english

    page.context.clear_cookies()
    login("manager")
    page.goto(walk["chat_edit"])
    page.locator("footer .w-dropdown__toggle, [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text("已更新并发布")
    shoot("zh-manager-published")
    if english := english_here(page, walk["data"]):
        found["manager: published"] = english
    assert found == {}
