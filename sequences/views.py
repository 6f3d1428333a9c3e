"""Admin views of sequences: “duplicate” opens the add form filled from a sequence, as a new
draft with its own slug; approving from the dashboard is checked like publishing."""

from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.snippets.views.snippets import CopyView, WorkflowActionView

from .checks import NotPublishable, publish_problems
from .models import Sequence

CHECKS_TAB = "#tab-checks"

SLUG_MAX = Sequence._meta.get_field("slug").max_length


def free_slug(slug: str) -> str:
    """`slug`-copy, -copy-2 … : the first one no sequence has (at most 80 characters)."""
    base = slugify(slug)[: SLUG_MAX - 8] or "sequence"
    taken = set(
        Sequence.objects.filter(slug__startswith=f"{base}-copy").values_list("slug", flat=True)
    )
    candidate, number = f"{base}-copy", 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-copy-{number}"
    return candidate


class SequenceCopyView(CopyView):
    def get_initial_form_instance(self):
        original = self.get_object()
        copy = original.get_latest_revision_as_object()  # what the editor shows, drafts too
        copy.name = (_("%(name)s (copy)") % {"name": original.name})[:100]
        copy.slug = free_slug(original.slug)
        copy.live = False
        return copy


class SequenceWorkflowActionView(WorkflowActionView):
    """Approve from the dashboard: the latest revision is checked again now (the steps' rules,
    scripts and overrides as they are now); a refusal is a message, never a server error."""

    def post(self, request, *args, **kwargs):
        if self.action_name == "approve":
            found = publish_problems(self.object.get_latest_revision_as_object())
            if found:
                return self._refuse(request, found)
        try:
            return super().post(request, *args, **kwargs)
        except NotPublishable as refused:  # something changed between the check and the publish
            return self._refuse(request, refused.messages)

    def _refuse(self, request, found):
        edit = reverse(
            self.object.snippet_viewset.get_url_name("edit"), args=[quote(self.object.pk)]
        )
        messages.error(
            request,
            _("Not approved: %(reason)s") % {"reason": "; ".join(found)},
            buttons=[messages.button(edit + CHECKS_TAB, _("See the findings"))],
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return self.render_modal_json(
                request, {"step": "success", "redirect": self.redirect_url}
            )
        return redirect(self.redirect_url)
