"""Script editor views that carry the compliance gate: the save banner, the workflow actions
(dashboard approve), a manager's "accept with reason" and the bulk publish action."""

from __future__ import annotations

import json

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, WorkflowActionView

from . import compliance_status
from .gates import ComplianceBlocked, OverrideRefused, accept, blocking, summary
from .moderation import approval_findings, changes_requested

LINT_TAB = "#tab-lint"


class SaveBannerMixin:
    """Saving a draft with open compliance errors: a warning with the count that links the
    findings, instead of the green "saved"."""

    def save_action(self):
        if self.expects_json_response or self.action not in ("create", "edit"):
            return super().save_action()
        found = blocking(self.object)
        if not found:
            return super().save_action()
        messages.warning(
            self.request,
            _(
                "Saved as a draft, but %(count)d compliance error(s) block submitting and "
                "publishing."
            )
            % {"count": len(found)},
            buttons=[messages.button(self.get_edit_url() + LINT_TAB, _("See the findings"))],
        )
        return redirect(self.get_success_url())


class ScriptCreateView(SaveBannerMixin, CreateView):
    pass


class ScriptEditView(SaveBannerMixin, EditView):
    def get(self, request, *args, **kwargs):
        # The reviewer's "request changes" comment, on top of the editor until it is resubmitted.
        held = changes_requested(self.object)
        if held:
            comment, reviewer, _when = held
            messages.warning(
                request,
                _("Changes requested by %(reviewer)s: %(comment)s")
                % {"reviewer": reviewer.get_username() if reviewer else "-", "comment": comment},
            )
        return super().get(request, *args, **kwargs)


class GatedWorkflowActionView(WorkflowActionView):
    """Approve from the dashboard (or any workflow action URL): the script as it would be
    published is checked again now, with the rules as they are now."""

    def post(self, request, *args, **kwargs):
        if self.action_name == "approve":
            found = approval_findings(self.object)
            if found:
                return self._refuse(request, summary(found))
        try:
            return super().post(request, *args, **kwargs)
        except ComplianceBlocked as refused:  # a rule changed between the check and the publish
            return self._refuse(request, str(refused))

    def _refuse(self, request, text):
        messages.error(
            request,
            _("Not approved: %(reason)s") % {"reason": text},
            buttons=[messages.button(self._edit_url() + LINT_TAB, _("See the findings"))],
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return self.render_modal_json(
                request, {"step": "success", "redirect": self.redirect_url}
            )
        return redirect(self.redirect_url)

    def _edit_url(self):
        return reverse(
            self.object.snippet_viewset.get_url_name("edit"), args=[quote(self.object.pk)]
        )


class AcceptFindingView(View):
    """POST from the findings panel: a manager accepts one error finding with a reason.
    `findings_of(obj)`: the findings of another kind of object (a sequence's checks), `tab`
    the editor tab they are on."""

    model = None
    findings_of = None
    tab = LINT_TAB

    def post(self, request, pk):
        if not request.user.has_perm("compliance.add_override"):
            raise PermissionDenied
        script = get_object_or_404(self.model, pk=pk)
        edit_url = reverse(script.snippet_viewset.get_url_name("edit"), args=[quote(script.pk)])
        try:
            number, where, digest, rule, match = json.loads(request.POST.get("accept_finding", ""))
            reason = request.POST.get(f"accept_reason_{int(number)}", "")
        except (TypeError, ValueError):
            messages.error(request, _("Unknown finding."))
            return redirect(edit_url + self.tab)
        latest = script.get_latest_revision_as_object()
        try:
            accept(
                latest,
                found=self.findings_of(latest) if self.findings_of else None,
                where=str(where),
                text_hash=str(digest),
                rule=str(rule),
                match=str(match),
                reason=reason,
                user=request.user,
            )
        except OverrideRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _(
                    "Accepted: “%(match)s” no longer blocks this text. Edit the text and it is "
                    "checked again."
                )
                % {"match": match},
            )
        return redirect(edit_url + self.tab)


class EstimatingPaginator(WagtailPaginator):
    """Wagtail's paginator; its "N 朋友圈文案" label says 约 when the search backend estimated
    the count (PostgreSQL beyond one ranking block: ``count_estimated``), as the heading does
    (search/templates/wagtailadmin/generic/listing_results.html)."""

    @cached_property
    def items_count_label(self):
        label = super().items_count_label
        if getattr(self.object_list, "count_estimated", False):
            return _("about %(label)s") % {"label": label}
        return label


class ScriptIndexView(IndexView):
    """Script lists: the compliance badge of each row from the cached status
    (content.compliance_status.levels: one query for the rule version, none per row)."""

    paginator_class = EstimatingPaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scripts = list(context.get("object_list") or [])
        found = compliance_status.levels(scripts)
        for script in scripts:
            script.compliance_badge = found.get(script.pk, compliance_status.STALE)
        return context


class ComplianceColumn(Column):
    """合规: 通过 / 提示 / 错误 / 待复查 (the level ScriptIndexView put on each row)."""

    cell_template_name = "content/compliance_badge_cell.html"
    LABELS = {
        compliance_status.OK: gettext_lazy("Passed"),
        compliance_status.WARNING: gettext_lazy("Hints"),
        compliance_status.ERROR: gettext_lazy("Errors"),
        compliance_status.STALE: gettext_lazy("To recheck"),
    }

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        level = getattr(instance, "compliance_badge", None) or compliance_status.STALE
        context["level"] = level
        context["label"] = self.LABELS[level]
        return context
