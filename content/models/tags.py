"""Tags of a script (django-taggit through modelcluster, so tags are revisioned with it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase


class ScriptTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.Script", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("script tag")
        verbose_name_plural = _("script tags")
