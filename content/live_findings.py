"""Findings while typing: the script editor posts its unsaved form here (debounced, see
static/content/live_findings.js) and shows what the save banner would say — the same lint
(content.gates.findings: compliance engine, length, voice, a manager's accepted overrides) on
the posted content. Nothing is saved; CSRF-protected (a POST) and permission-checked like the
editor itself (add for a new script, change for this one)."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import View

from .gates import findings
from .lint import where_label

MAX_SHOWN = 20


class LiveFindingsView(View):
    http_method_names = ["post"]
    viewset = None

    def post(self, request, pk=None):
        viewset = self.viewset
        policy = viewset.permission_policy
        if pk is None:
            if not policy.user_has_permission(request.user, "add"):
                raise PermissionDenied
            instance = viewset.model()
        else:
            script = get_object_or_404(viewset.model, pk=unquote(pk))
            if not policy.user_has_permission_for_instance(request.user, "change", script):
                raise PermissionDenied
            instance = script.get_latest_revision_as_object()
        form_class = viewset.get_edit_handler().get_form_class()
        form = form_class(request.POST, request.FILES, instance=instance, for_user=request.user)
        # Validation copies every valid field onto form.instance (ModelForm._post_clean); a
        # field with an error keeps its saved value and the answer says the check is partial.
        try:
            form.is_valid()
        except (KeyError, ValueError, TypeError):  # not the editor's form (a block's count lost)
            return JsonResponse(
                {"error": _("This is not the editor's form: reload the page and try again.")},
                status=400,
            )
        script = form.instance
        found = findings(script) if script.persona_id else []
        errors = sum(1 for finding in found if finding.blocks)
        warnings = sum(1 for finding in found if not finding.is_error)
        items = [
            {"finding": finding, "where": where_label(finding.where)}
            for finding in found[:MAX_SHOWN]
        ]
        html = render_to_string(
            "content/panels/live_findings.html",
            {
                "findings": items,
                "more": max(0, len(found) - MAX_SHOWN),
                "errors": errors,
                "warnings": warnings,
                "persona_missing": not script.persona_id,
                "partial": bool(form.errors),
                "saved": pk is not None,
            },
            request=request,
        )
        return JsonResponse(
            {
                "errors": errors,
                "warnings": warnings,
                "findings": [finding.as_dict() for finding in found],
                "partial": bool(form.errors),
                "html": html,
            }
        )
