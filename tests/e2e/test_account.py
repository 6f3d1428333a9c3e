"""The account page (账号): its time-zone list is complete and its script runs to the end (Debian's
zone database holds "localtime", which the browser refuses: the list stayed unlocalised)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_account_page_localises_its_time_zones_without_a_script_error(
    world, login, page, shoot
):
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    login("copywriter")
    page.goto("/admin/account/")
    zone = page.locator("select[name='locale-current_time_zone']")
    expect(zone).to_be_attached()
    values = zone.evaluate("s => [...s.options].map(o => o.value)")
    assert "Asia/Shanghai" in values and "localtime" not in values
    shoot("account")
    assert [e for e in console_errors if "time zone" in e.lower()] == []
