"""Compliance records: one per publish, shown on the script, exported for audits."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from compliance.models import ComplianceRecord
from content.models import MomentScript
from tests.personas.factories import PersonaFactory

from .factories import MomentScriptFactory
from .test_admin import form, url

pytestmark = pytest.mark.django_db
EXPORT = "/admin/compliance-records/"


@pytest.fixture
def persona():
    return PersonaFactory(slug="xiaomei", name="小美", address_terms=["宝子们"], catchphrases=[])


def test_publishing_in_the_editor_keeps_a_record_of_what_was_served(
    manager_client, manager, persona
):
    data = form(persona, messages=[("text", "宝子们，新品到啦，最近很火")], variables=[])
    assert (
        manager_client.post(url(MomentScript, "add"), {**data, "action-publish": "1"}).status_code
        == 302
    )
    script = MomentScript.objects.get()
    record = ComplianceRecord.objects.get()
    assert record.object_title == "新品上市" and record.revision_id == script.live_revision_id
    assert record.published_by == manager and record.approved_by == manager
    assert record.texts == [{"where": "messages.0", "text": "宝子们，新品到啦，最近很火"}]
    # Publishing again keeps another record; the old one stays as it was.
    data = form(persona, messages=[("text", "宝子们，第二版")], variables=[])
    manager_client.post(url(MomentScript, "edit", script.pk), {**data, "action-publish": "1"})
    assert ComplianceRecord.objects.count() == 2
    assert ComplianceRecord.objects.order_by("pk").first().texts[0]["text"].endswith("最近很火")
    page = manager_client.get(url(MomentScript, "edit", script.pk)).content.decode()
    assert page.count("<tr>") >= 3  # header + two records in the 合规记录 tab


def test_scheduled_go_live_keeps_a_record_naming_who_scheduled_it(manager, persona):
    script = MomentScriptFactory(persona=persona, publish=False)
    script.go_live_at = timezone.now() + dt.timedelta(hours=1)
    revision = script.save_revision(user=manager)
    revision.publish(user=manager)
    assert not ComplianceRecord.objects.exists()  # scheduled, not live yet
    MomentScript.objects.filter(pk=script.pk).update(go_live_at=timezone.now())
    revision.refresh_from_db()
    revision.content["go_live_at"] = None
    revision.publish()  # what publish_scheduled does when the time comes
    record = ComplianceRecord.objects.get()
    assert record.published_by is None and record.approved_by == manager


def make_record(persona, when, title="话术"):
    script = MomentScriptFactory(persona=persona, title=title)
    record = ComplianceRecord.objects.get(object_id=str(script.pk))
    record.published_at = when
    record.save()
    return record


def test_export_filters_by_date_range_and_persona(manager_client, persona):
    other = PersonaFactory(slug="dr-lin", name="林医生")
    tz = timezone.get_current_timezone()
    make_record(persona, dt.datetime(2026, 11, 1, 10, tzinfo=tz), "十一月")
    make_record(persona, dt.datetime(2026, 12, 1, 10, tzinfo=tz), "十二月")
    make_record(other, dt.datetime(2026, 11, 2, 10, tzinfo=tz), "林医生的")
    response = manager_client.get(
        EXPORT,
        {
            "date_from": "2026-11-01",
            "date_to": "2026-11-30",
            "persona": persona.pk,
            "export": "csv",
        },
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "十一月" and rows[1][3] == "小美"

    response = manager_client.get(EXPORT, {"date_from": "2026-11-01", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["十一月", "林医生的", "十二月"]

    page = manager_client.get(EXPORT).content.decode()
    assert "十二月" in page and "export=xlsx" in page


def test_export_refuses_bad_dates_with_a_message_and_no_file(manager_client):
    response = manager_client.get(
        EXPORT, {"date_from": "2026-12-01", "date_to": "2026-11-01", "export": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["date_to"]
    response = manager_client.get(EXPORT, {"date_from": "20261301", "export": "csv"})
    assert response["Content-Type"].startswith("text/html")


def test_export_is_for_managers_only(copywriter_client):
    assert copywriter_client.get(EXPORT).status_code in (302, 403)
    assert copywriter_client.get(EXPORT, {"export": "csv"}).status_code in (302, 403)


def test_texts_that_look_like_formulas_are_exported_as_text(manager_client, persona):
    script = MomentScriptFactory(persona=persona, title="=HYPERLINK(1)")
    assert ComplianceRecord.objects.filter(object_id=str(script.pk)).exists()
    rows = list(
        csv.reader(
            io.StringIO(manager_client.get(EXPORT, {"export": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert rows[1][1] == "'=HYPERLINK(1)"
