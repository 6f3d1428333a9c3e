"""What import rows refer to by name, loaded once per import: personas, audience segments, hot
topics, library images and documents."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from personas.models import AudienceSegment, Persona

from .forms import hot_topic_choices


class Lookups:
    def __init__(self):
        self.personas = {p.slug: p for p in Persona.objects.all()}
        self.segments = {s.slug: s for s in AudienceSegment.objects.all()}
        self.hot_topics = dict(hot_topic_choices())
        Image = get_image_model()
        Document = get_document_model()
        self.images_by_file = {i.file.name: i for i in Image.objects.all()}
        self.images_by_title: dict[str, Any] = {}
        for image in Image.objects.order_by("pk"):
            self.images_by_title.setdefault(image.title, image)
        self.documents_by_file = {d.file.name: d for d in Document.objects.all()}
        self.documents_by_title: dict[str, Any] = {}
        for document in Document.objects.order_by("pk"):
            self.documents_by_title.setdefault(document.title, document)

    def image(self, ref) -> Any:
        """The library image named by {"file": ...} or {"title": ...} (or a bare title); None
        for no reference; ValueError when there is no such image."""
        if ref in (None, ""):
            return None
        if isinstance(ref, str):
            ref = {"title": ref}
        if not isinstance(ref, dict):
            raise ValueError(_('an image is named by {"file": ...} or {"title": ...}'))
        image = self.images_by_file.get(ref.get("file") or "") or self.images_by_title.get(
            ref.get("title") or ""
        )
        if image is None:
            raise ValueError(
                _("image “%(ref)s” is not in the image library; upload it first")
                % {"ref": ref.get("file") or ref.get("title")}
            )
        return image

    def document(self, ref) -> Any:
        """The library document named by {"file": ...} or {"title": ...}; ValueError if none."""
        if isinstance(ref, str):
            ref = {"file": ref, "title": ref}
        document = self.documents_by_file.get(
            (ref or {}).get("file") or ""
        ) or self.documents_by_title.get((ref or {}).get("title") or "")
        if document is None:
            raise ValueError(_("document “%(ref)s” is not in the document library") % {"ref": ref})
        return document
