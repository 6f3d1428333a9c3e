"""合规记录 for audits: the list of compliance records with a date range and persona filter,
downloadable as CSV or XLSX. Managers only (compliance.view_compliancerecord)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.models import ComplianceRecord
from core.widgets import TypedDateInput
from personas.models import Persona

VIEW_PERMISSION = "compliance.view_compliancerecord"
MAX_ROWS = 50_000


class RecordFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=TypedDateInput)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=TypedDateInput)
    persona = forms.ModelChoiceField(
        label=gettext_lazy("Persona"), queryset=Persona.objects.order_by("name"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value and not 1900 <= value.year <= 2999:
                self.add_error(name, _("Choose a date between 1900 and 2999."))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def records(self):
        records = ComplianceRecord.objects.select_related("content_type").order_by(
            "published_at", "pk"
        )
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz)
            records = records.filter(published_at__gte=start)
        if data.get("date_to"):
            end = dt.datetime.combine(
                data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
            records = records.filter(published_at__lt=end)
        if data.get("persona"):
            records = records.filter(persona=data["persona"])
        return records


def header() -> list[str]:
    return [
        _("Published at"),
        _("Script"),
        _("Script id"),
        _("Persona"),
        _("Approved by"),
        _("Published by"),
        _("Rule-set version"),
        _("Errors"),
        _("Findings"),
        _("Accepted findings"),
        _("Texts served"),
    ]


def row(record: ComplianceRecord) -> list:
    local = timezone.localtime(record.published_at)
    findings = "\n".join(
        f"[{f.get('level')}{'/' + _('accepted') if f.get('accepted') else ''}] "
        f"{f.get('where')} {f.get('match')}: {f.get('message')}"
        for f in record.findings
    )
    overrides = "\n".join(
        f"{o.get('where')} {o.get('rule')} {o.get('match')}: {o.get('reason')} "
        f"({o.get('by')} {o.get('at')}, {o.get('rule_version')})"
        for o in record.overrides
    )
    texts = "\n".join(f"{t.get('where')}: {t.get('text')}" for t in record.texts)
    return [
        local.strftime("%Y-%m-%d %H:%M:%S"),
        record.object_title,
        record.object_id,
        record.persona_name,
        record.approved_by_name,
        record.published_by_name,
        record.rule_version,
        record.error_count,
        findings,
        overrides,
        texts,
    ]


def _safe(value):
    """Spreadsheet formula injection: a text starting with = + - @ is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(records) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow(header())
    for record in records.iterator():
        writer.writerow([_safe(value) for value in row(record)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="compliance-records.csv"'
    return response


def as_xlsx(records) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="compliance")
    sheet.append(header())
    for record in records.iterator():
        sheet.append([_safe(value) for value in row(record)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="compliance-records.xlsx"'
    return response


def records_view(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    form = RecordFilterForm(request.GET)
    valid = form.is_valid()
    records = form.records() if valid else ComplianceRecord.objects.none()
    export = request.GET.get("export")
    if valid and export in ("csv", "xlsx"):
        chosen = records[:MAX_ROWS]
        return as_csv(chosen) if export == "csv" else as_xlsx(chosen)
    query = request.GET.copy()
    query.pop("export", None)
    return TemplateResponse(
        request,
        "content/records.html",
        {
            "page_title": _("Compliance records"),
            "header_title": _("Compliance records"),  # the window title
            "header_icon": "doc-full",
            "form": form,
            "records": records.order_by("-published_at", "-pk")[:100],
            "total": records.count(),
            "query": query.urlencode(),
        },
    )
