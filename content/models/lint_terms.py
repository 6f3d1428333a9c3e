"""The global lint list: words every script is checked for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import LineListField

from ..enums import LintCategory, LintLevel


class LintTerm(models.Model):
    """A word the compliance lint looks for in every script (global list, managed in the admin)."""

    term = models.CharField(_("term"), max_length=50, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=LintCategory.choices)
    level = models.CharField(
        _("level"), max_length=10, choices=LintLevel.choices, default=LintLevel.ERROR
    )
    allowed_in = LineListField(
        _("allowed inside"),
        max_item_length=20,
        help_text=_("Words that contain the term but are fine, one per line (e.g. 最近 for 最)."),
    )
    note = models.CharField(_("why"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "term"]
        verbose_name = _("lint term")
        verbose_name_plural = _("lint terms")

    def __str__(self) -> str:
        return self.term
