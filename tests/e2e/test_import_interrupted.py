"""An admin import whose worker was killed in the middle: the job page says it stopped and that
nothing was written, and 再试一次 (try again) imports the file."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from content.models import ImportJob
from tests.content.test_import_export import mixed_sheet

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def killed(world, django_user_model, tmp_path):
    """Made before the browser starts: a job a worker began importing, and nobody holds it."""
    copywriter = django_user_model.objects.get(username="copywriter")
    sheet = mixed_sheet(tmp_path / "话术.xlsx")
    job = ImportJob.objects.create(
        user=copywriter, file_name=sheet.name, data=sheet.read_bytes(), state="importing",
        rows=4, done=6, started_at=timezone.now(),
        result={"rows": 4, "created": 4, "updated": 0, "unchanged": 0, "error_count": 0},
    )  # fmt: skip
    return reverse("content_import:job", args=[job.pk])


def test_an_interrupted_import_says_so_and_is_tried_again(killed, login, page, shoot):
    login("copywriter")
    page.goto(killed)
    nothing_written = "没有写入任何内容"  # Nothing was written
    expect(page.locator("[data-import-interrupted]")).to_contain_text(nothing_written)
    expect(page.locator("[role=progressbar]")).to_have_count(0)  # no spinner for ever
    shoot("import-interrupted")
    page.locator("[data-import-retry]").click()
    expect(page.locator("[data-import-summary]")).to_contain_text("4")
    expect(page.locator("[data-import-interrupted]")).to_have_count(0)
    expect(page.locator("[data-import-start]")).to_have_count(0)  # imported, not only checked
    shoot("import-interrupted-retried")
