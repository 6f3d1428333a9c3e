"""The copywriter's desk: an import from the admin (check, fix, import with progress) and a
livestream run-of-show with named segments, collapsed."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from playwright.sync_api import expect

from content.models import ImportJob, LivestreamScript
from tests.content.factories import LivestreamScriptFactory, segment
from tests.content.test_import_export import mixed_sheet

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desk(world, django_user_model, tmp_path):
    """Made before the browser starts (conftest): two sheets, a livestream, an import running."""
    bad = ["c-2", "chat", "dr-lin", "在吗", "convert", "在的", "评论区见"]
    good = ["c-2", "chat", "dr-lin", "在吗", "convert", "在的", "", "", "", "", "", "在吗，有人吗"]
    copywriter = django_user_model.objects.get(username="copywriter")
    live = LivestreamScriptFactory(
        persona=LivestreamScript.persona.field.related_model.objects.get(slug="xiaomei"),
        title="周五护肤直播",
        segments=[
            segment("opening", 5, "挥手打招呼", ["宝子们晚上好"]),
            segment("产品讲解：气垫", 15, "上脸演示", ["看这个服帖度"], "气垫", type="demo"),
            segment("产品讲解：粉底液", 15, "", ["油皮亲妈"], "粉底液", type="demo"),
            segment("抽奖互动", 10, "", ["扣1参与抽奖"], type="interaction"),
        ],
    )
    running = ImportJob.objects.create(
        user=copywriter, file_name="五千条话术.xlsx", data=b"", state="importing", rows=5000,
        done=5000,
    )  # fmt: skip
    caches["progress"].set(f"content:import-job:{running.pk}:written", 2000, 600)
    return {
        "bad": mixed_sheet(tmp_path / "话术-有错.xlsx", bad),
        "good": mixed_sheet(tmp_path / "话术.xlsx", good),
        "live_url": reverse("wagtailsnippets_content_livestreamscript:edit", args=[live.pk]),
        "running_url": reverse("content_import:job", args=[running.pk]),
    }


def test_import_with_a_bad_row_then_fixed_and_a_named_run_of_show(desk, login, page, shoot):
    login("copywriter")
    page.locator("#wagtail-sidebar").get_by_role("button", name="话术库", exact=True).click()
    page.locator(f"#wagtail-sidebar a[href='{reverse('content_import:index')}']").click()
    expect(page.locator("input[name=file]")).to_be_visible()
    shoot("import-upload")

    page.set_input_files("input[name=file]", str(desk["bad"]))
    page.locator("form.content-import-form button[type=submit]").click()
    errors = page.locator("table.content-import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(0)).to_have_text("6")
    expect(errors.locator("tbody tr td code")).to_have_text("first_comment")
    expect(page.locator("[data-import-start]")).to_have_count(0)
    shoot("import-check-errors")

    page.goto(reverse("content_import:index"))
    page.set_input_files("input[name=file]", str(desk["good"]))
    page.locator("form.content-import-form button[type=submit]").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("5")
    shoot("import-check-clean")
    page.locator("[data-import-start]").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("5")
    expect(page.locator("[data-import-start]")).to_have_count(0)
    shoot("import-done")

    page.goto(reverse("wagtailsnippets_content_chatscript:list"))
    expect(page.get_by_role("link", name="在吗", exact=True)).to_be_visible()

    # An import still writing (5,000 rows, 2,000 written): the bar and its polling.
    page.goto(desk["running_url"])
    bar = page.locator("[role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "70")
    page.wait_for_timeout(1200)  # one poll of the status view has answered (no reload)
    expect(bar).to_be_visible()
    shoot("import-progress")

    page.goto(desk["live_url"])
    expect(page.get_by_text("产品讲解：气垫 · 15").first).to_be_visible()
    expect(page.locator("input[name$='-value-minutes']").first).to_be_hidden()  # collapsed
    total = page.locator("[data-run-of-show-total]")
    expect(total).to_contain_text("45")
    shoot("livestream-run-of-show")
    page.get_by_text("产品讲解：气垫 · 15").first.click()
    minutes = page.locator("input[name='segments-1-value-minutes']")
    expect(minutes).to_be_visible()
    minutes.fill("20")
    expect(total).to_contain_text("50")
