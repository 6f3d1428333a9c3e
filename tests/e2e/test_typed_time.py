"""A time typed in the entry form that is not a time ("晚上8点") is kept and refused with a field
error; Wagtail's picker used to swap it for the current time on leaving the field, and that
time was saved without a word. Picking from the list still works."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_wrong_time_is_kept_and_refused_then_a_picked_one_saves(world, login, page, shoot):
    login("copywriter")
    page.goto("/admin/snippets/editorial_calendar/calendarentry/add/?date=2026-12-18")
    page.select_option("select[name=persona]", label=world.persona_name)
    page.select_option("select[name=channel]", index=1)
    page.fill("input[name=title]", "晚间上新提醒")
    time = page.locator("input[name=time]")
    time.click()
    page.keyboard.type("晚上8点")
    page.keyboard.press("Tab")
    expect(time).to_have_value("晚上8点")  # not replaced on leaving the field
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".error-message", has_text="输入一个有效的时间")).to_be_visible()
    expect(page.locator("input[name=time]")).to_have_value("晚上8点")
    expect(page.locator("input[name=title]")).to_have_value("晚间上新提醒")
    shoot("typed-time-refused")

    page.locator("input[name=time]").click()
    # The list scrolls to the hour of now: 14:00 may be out of its view, so it is clicked as such.
    picker = page.locator(".xdsoft_datetimepicker:visible")
    picker.locator(".xdsoft_time[data-hour='14'][data-minute='0']").dispatch_event("click")
    expect(page.locator("input[name=time]")).to_have_value("14:00")
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".messages")).to_contain_text("晚间上新提醒")
