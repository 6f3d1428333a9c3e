"""On a phone (390 px wide): the home search box ends inside the screen, the compliance records
table scrolls sideways instead of squeezing each title to one character a line, and the
calendar's week puts one day under the other, each named."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def test_home_search_and_records_table_fit_a_phone(world, login, page):
    login("manager")
    page.set_viewport_size(PHONE)
    page.goto("/admin/")
    box = page.locator("#home-search-q")
    expect(box).to_be_visible()
    right = box.evaluate("e => e.getBoundingClientRect().right")
    assert right <= PHONE["width"], f"the search box runs {right - PHONE['width']:.0f} px off"
    page.screenshot(path=str(_artifact("phone-home")))

    page.goto("/admin/compliance-records/")
    title = page.locator("table.listing tbody tr td").nth(1)  # 话术: the script's title
    expect(title).to_be_visible()
    width = title.evaluate("e => e.getBoundingClientRect().width")
    assert width >= 80, f"the title column is {width:.0f} px wide"
    scroller = page.locator(".compliance-records-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls, the page not
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(_artifact("phone-compliance-records")))


def test_the_calendar_week_stacks_its_days_on_a_phone(world, login, page):
    login("copywriter")
    page.set_viewport_size(PHONE)
    page.goto("/admin/calendar/?view=week")
    days = page.locator(".week-list .cal-day")
    expect(days).to_have_count(7)
    widths = days.evaluate_all("cells => cells.map(c => c.getBoundingClientRect().width)")
    assert min(widths) >= 300, widths  # was 7 columns of 40 px
    expect(days.first.locator(".wd")).to_have_text("周一")
    entry = page.locator(".week-list .entry", has_text=world.entry_title)
    expect(entry).to_be_visible()
    assert entry.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # the title is not cut
    page.screenshot(path=str(_artifact("phone-calendar-week")), full_page=True)


def _artifact(name: str):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
