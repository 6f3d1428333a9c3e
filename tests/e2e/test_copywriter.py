"""What a copywriter sees: the dashboard, the personas, and a moments post with its preview."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_dashboard_persona_list_and_editor(world, login, page, shoot):
    login("copywriter")
    menu = page.locator("#wagtail-sidebar")
    for item in ("人设", "话术库", "热点日历"):
        expect(menu.get_by_role("button", name=item, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="私域内容中台")).to_be_visible()
    shoot("dashboard-copywriter")

    page.goto(reverse("wagtailsnippets_personas_persona:list"))
    listing = page.locator("main")
    for name in ("小美", "林营养师"):
        expect(listing.get_by_role("link", name=name, exact=True)).to_be_visible()
    shoot("persona-list")

    listing.get_by_role("link", name="小美", exact=True).click()
    expect(page.get_by_role("heading", name="小美")).to_be_visible()
    for tab in ("基本资料", "说话方式", "渠道", "简报"):
        expect(page.get_by_role("tab", name=tab)).to_be_visible()
    expect(page.locator("input[name=positioning]")).to_have_value(
        "敏感肌护肤与平价彩妆，帮姐妹们少踩雷"
    )
    shoot("persona-editor")


def test_moments_list_editor_and_wechat_preview(world, login, page, shoot):
    login("copywriter")
    page.goto(reverse("wagtailsnippets_content_momentscript:list"))
    expect(page.get_by_role("link", name=world.moment_title, exact=True)).to_be_visible()
    expect(page.locator("main").get_by_text("朋友圈文案").first).to_be_visible()
    shoot("script-list")

    page.get_by_role("link", name=world.moment_title, exact=True).click()
    expect(page.get_by_role("heading", name=world.moment_title)).to_be_visible()
    for tab in ("话术", "变量", "投放", "合规检查", "使用数据"):
        expect(page.get_by_role("tab", name=tab)).to_be_visible()
    # What the copywriter typed, placeholder and all.
    expect(page.locator("textarea[name='messages-0-value']")).to_have_value(world.moment_text)
    shoot("script-editor")

    page.get_by_role("button", name="预览").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_text(world.persona_name, exact=True).first).to_be_visible()
    # The variable is filled in with its sample value, as a bot would send it.
    expect(preview.get_by_text("上新尝鲜价129元").first).to_be_visible()
    expect(preview.get_by_text(world.first_comment[:10]).first).to_be_visible()
    pictures = preview.locator("img")
    expect(pictures).to_have_count(4)  # the persona's avatar and the post's three pictures
    frame = page.locator("#w-preview-iframe").element_handle().content_frame()
    frame.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert frame.evaluate("() => [...document.images].filter(i => !i.naturalWidth).length") == 0
    shoot("script-preview")
