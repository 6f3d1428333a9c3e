"""What a manager and an admin see: the calendar month, and a bot client's token."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_calendar_month_shows_the_entry_and_the_hot_topic(world, login, page, shoot):
    login("manager")
    shoot("dashboard-manager")
    page.goto(reverse("editorial_calendar:index"))
    today = timezone.localdate()
    expect(page.get_by_text(f"{today.year} 年 {today.month} 月").first).to_be_visible()
    expect(page.get_by_text(world.entry_title).first).to_be_visible()
    expect(page.get_by_text("会员日").first).to_be_visible()
    shoot("calendar-month")


def test_bot_client_token_is_shown_once(world, login, page, shoot):
    login("admin")
    page.goto("/admin/bot-clients/new/")
    page.fill("input[name=name]", "企微机器人")
    page.get_by_label("小美").check()
    shoot("bot-client-new")
    page.get_by_role("button", name="创建").click()
    token_box = page.locator("input[value^=siyu_]")
    expect(token_box).to_be_visible()
    token = token_box.input_value()
    assert re.fullmatch(r"siyu_\S+", token)
    shoot("bot-client-token")

    page.get_by_role("link", name="完成").click()
    expect(page.get_by_role("link", name="企微机器人")).to_be_visible()
    expect(page.get_by_text("有效", exact=True)).to_be_visible()
    assert token not in page.content()
    shoot("bot-client-list")

    page.get_by_role("link", name="企微机器人").click()
    expect(page.locator("input[name=name]")).to_have_value("企微机器人")
    assert token not in page.content()  # shown once: never again, not even to an admin
    shoot("bot-client-edit")
