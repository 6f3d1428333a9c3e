"""Admin views of sequences: “duplicate” opens the add form filled from a sequence, as a new
draft with its own slug."""

from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.snippets.views.snippets import CopyView

from .models import Sequence

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
