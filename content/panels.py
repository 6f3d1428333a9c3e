import json

from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.admin.panels import ObjectList, Panel

from compliance.models import ComplianceRecord

from .gates import findings as gated_findings
from .lint import where_label


class NamedTab(ObjectList):
    """A tab whose id does not depend on the language (links such as #tab-lint work in
    Chinese too): `name` is the id's suffix."""

    def __init__(self, *args, name="", **kwargs):
        self.name = name
        super().__init__(*args, **kwargs)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "name": self.name}

    @property
    def clean_name(self):
        return self.name or super().clean_name


class LintPanel(Panel):
    """The voice and compliance findings for the revision being edited; a manager can accept
    an error finding with a reason (content.gates.accept)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/panels/lint.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            saved = bool(self.instance.pk) and bool(self.instance.persona_id)
            findings = gated_findings(self.instance) if saved else []
            can_accept = (
                saved
                and self.request is not None
                and self.request.user.has_perm("compliance.add_override")
            )
            items = []
            for number, finding in enumerate(findings):
                key = [number, finding.where, finding.text_hash, finding.code, finding.term]
                items.append(
                    {
                        "number": number,
                        "finding": finding,
                        "where": where_label(finding.where),
                        "key": json.dumps(key, ensure_ascii=False),
                        "can_accept": can_accept and finding.blocks,
                    }
                )
            context["saved"] = saved
            context["findings"] = items
            context["error_count"] = sum(1 for f in findings if f.blocks)
            context["accepted_count"] = sum(1 for f in findings if f.accepted is not None)
            context["warning_count"] = sum(1 for f in findings if not f.is_error)
            if can_accept:
                context["accept_url"] = reverse(
                    self.instance.snippet_viewset.get_url_name("accept_finding"),
                    args=[quote(self.instance.pk)],
                )
            return context


class ComplianceRecordsPanel(Panel):
    """合规记录: what was checked each time this script went live."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/panels/records.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            records = (
                list(ComplianceRecord.objects.for_object(self.instance)[:50])
                if self.instance.pk
                else []
            )
            context["records"] = records
            return context


class RunOfShowTotalPanel(Panel):
    """The livestream's running total of minutes under its segments, kept up to date while
    typing (run_of_show.js)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/panels/run_of_show.html"

        class Media:
            js = ["content/run_of_show.js"]

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            segments = getattr(self.instance, "segments", None) or []
            context["total"] = sum(block.value.get("minutes") or 0 for block in segments)
            return context
