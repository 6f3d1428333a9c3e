"""On a phone (390 px wide): the home search box ends inside the screen, and the compliance
records table scrolls sideways instead of squeezing each title to one character a line."""

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


def _artifact(name: str):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
