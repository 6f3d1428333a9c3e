"""The timeline editor's panels: the steps in time order with their WeChat previews, and the
checks of every step (what blocks submitting and publishing, from `checks.findings`)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.panels import Panel

from . import checks
from .models import StepUsage
from .timeline import rows


def with_funnel(sequence, found: list) -> list:
    """Each row gains `funnel`: what bots reported for that step (sent → read → converted, with
    the rates), or None before any report. One query for the whole sequence."""
    totals = StepUsage.funnel(sequence)
    for row in found:
        counts = totals.get(row.id)
        if not counts or not any(counts.values()):
            row.funnel = None
            continue
        sent = counts.get("sent") or 0
        row.funnel = {
            **counts,
            "read_rate": round(100 * counts["read"] / sent) if sent else None,
            "conversion_rate": round(100 * counts["converted"] / sent) if sent else None,
        }
    return found


class TimelinePanel(Panel):
    """时间线: the saved steps as D0, D1, D3 …, each with its preview, quiet-hour moves and
    findings (save to refresh; the live preview panel follows the form as you type)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "sequences/panels/timeline.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            saved = bool(self.instance.pk) and bool(self.instance.persona_id)
            context["saved"] = saved
            context["rows"] = with_funnel(self.instance, rows(self.instance)) if saved else []
            return context


class ChecksPanel(Panel):
    """检查: the findings of every step, grouped by step, errors counted."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "sequences/panels/checks.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            saved = bool(self.instance.pk) and bool(self.instance.persona_id)
            found = checks.findings(self.instance) if saved else []
            steps = [row for row in rows(self.instance, found=found) if row.findings]
            defaults = [finding for finding in found if checks.step_index(finding) is None]
            if defaults:  # the variables' defaults: not in any step
                steps.append(
                    SimpleNamespace(id="variables", label=_("Variable defaults"), findings=defaults)
                )
            can_accept = (
                saved
                and self.request is not None
                and self.request.user.has_perm("compliance.add_override")
            )
            number = 0
            for row in steps:  # what the accept button posts (content.admin_views)
                row.items = []
                for finding in row.findings:
                    key = [number, finding.where, finding.text_hash, finding.code, finding.term]
                    row.items.append({
                        "number": number, "finding": finding,
                        "key": json.dumps(key, ensure_ascii=False),
                        # an override is keyed by the exact text: only compliance findings
                        "can_accept": can_accept and finding.blocks and bool(finding.text_hash),
                    })  # fmt: skip
                    number += 1
            if can_accept:
                context["accept_url"] = reverse(
                    self.instance.snippet_viewset.get_url_name("accept_finding"),
                    args=[quote(self.instance.pk)],
                )
            context["saved"] = saved
            context["steps"] = steps
            context["accepted_count"] = sum(
                1 for row in steps for finding in row.findings if finding.accepted is not None
            )
            context["error_count"] = sum(
                1 for row in steps for finding in row.findings if finding.blocks
            )
            context["warning_count"] = sum(
                1 for row in steps for finding in row.findings if not finding.is_error
            )
            return context
