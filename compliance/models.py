"""Compliance data: rule packs and their rules (versioned as one rule set).

Every change to a pack or a rule bumps `RuleSet.number` (signal_handlers), which is the
`rule_version` of every report and the key of the compiled matcher in each process.
"""

from __future__ import annotations

import re
from importlib import import_module

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from core.fields import LineListField

from .enums import Level, MatchKind


class ChoiceListField(models.JSONField):
    """A list of choice values stored as JSON, edited as checkboxes. `choices_from` names a
    TextChoices class ("personas.enums.Industry") so migrations do not copy its labels."""

    def __init__(self, *args, choices_from: str = "", **kwargs):
        self.choices_from = choices_from
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_from"] = self.choices_from
        return name, path, args, kwargs

    def options(self):
        module, _sep, name = self.choices_from.rpartition(".")
        return getattr(import_module(module), name).choices

    def labels(self, values) -> str:
        """The chosen values as people read them: 化妆品、食品 (— for none: every one)."""
        names = dict(self.options())
        return "、".join(str(names.get(value, value)) for value in values or []) or "—"

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            label=self.verbose_name,
            help_text=self.help_text,
            choices=self.options(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )


class RuleSet(models.Model):
    """One row: the rule-set version, bumped by every change to packs and rules."""

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule-set version")

    def __str__(self) -> str:
        return f"v{self.number}"


class RulePack(index.Indexed, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    industries = ChoiceListField(
        _("industries"),
        choices_from="personas.enums.Industry",
        help_text=_("Applies to personas of these industries; none ticked = every industry."),
    )
    channels = ChoiceListField(
        _("channels"),
        choices_from="personas.enums.Channel",
        help_text=_(
            "Applies on these channels; none ticked = every channel. A text checked without a "
            "channel counts as WeChat."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    # The list's search box goes through the Chinese analysis (search/), like every list.
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("code"),
        index.SearchField("description"),
        index.FilterField("active"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("rule pack")
        verbose_name_plural = _("rule packs")

    def __str__(self) -> str:
        return self.name

    @admin.display(description=_("industries"))
    def industry_labels(self) -> str:
        return self._meta.get_field("industries").labels(self.industries)

    @admin.display(description=_("channels"))
    def channel_labels(self) -> str:
        return self._meta.get_field("channels").labels(self.channels)


def validate_patterns(value: list[str]) -> None:
    for number, pattern in enumerate(value or [], start=1):
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValidationError(
                _("Line %(line)d is not a valid pattern: %(error)s"),
                params={"line": number, "error": error},
            ) from None


class Rule(index.Indexed, models.Model):
    """One thing not to say: words (or two lists that must meet in one sentence), its level,
    the law or platform rule it breaks, a plain explanation, replacements and exceptions."""

    pack = models.ForeignKey(
        RulePack, on_delete=models.CASCADE, related_name="rules", verbose_name=_("rule pack")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.ERROR)
    kind = models.CharField(
        _("match"), max_length=10, choices=MatchKind.choices, default=MatchKind.WORDS
    )
    terms = LineListField(
        _("words"),
        max_item_length=40,
        max_items=500,
        help_text=_(
            "One per line, in any script or width (matched after normalisation). “A*B” means A "
            "then B with at most 6 characters between them in one sentence."
        ),
    )
    partners = LineListField(
        _("second list"),
        max_item_length=40,
        max_items=500,
        help_text=_("For “a word of each list”: the words that must appear near a first one."),
    )
    window = models.PositiveSmallIntegerField(
        _("window"),
        default=20,
        help_text=_("For “a word of each list”: at most this many characters apart."),
    )
    allowed = LineListField(
        _("allowed words"),
        max_item_length=40,
        max_items=500,
        help_text=_("Words that contain a word above but are fine, e.g. 最近 for 最."),
    )
    exceptions = LineListField(
        _("exception patterns"),
        max_item_length=200,
        validators=[validate_patterns],
        help_text=_(
            "Regular expressions on the normalised sentence (simplified, digits as 一二三, no "
            "spaces or punctuation; sentence ends as 。 or ?). A finding inside a match is dropped."
        ),
    )
    sounds_alike = models.BooleanField(
        _("match pinyin spellings"),
        default=True,
        help_text=_("Also find the words when they are spelled in pinyin (Latin letters)."),
    )
    citation = models.CharField(_("citation"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    suggestions = LineListField(_("suggested replacements"), max_item_length=60)
    active = models.BooleanField(_("active"), default=True)

    # The list's search box goes through the Chinese analysis (search/), like every list:
    # by code, title, words (最好 finds the rule that bans it), citation and explanation.
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("code"),
        index.SearchField("words_text", boost=2),
        index.SearchField("citation"),
        index.SearchField("explanation"),
        index.FilterField("pack_id"),
        index.FilterField("level"),
        index.FilterField("kind"),
        index.FilterField("active"),
    ]

    class Meta:
        ordering = ["pack__code", "code"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def words_text(self) -> str:
        """The words of both lists, for search."""
        return " ".join([*(self.terms or []), *(self.partners or [])])

    def clean(self) -> None:
        if not self.terms:
            raise ValidationError({"terms": _("Give at least one word.")})
        if self.kind == MatchKind.TOGETHER and not self.partners:
            raise ValidationError({"partners": _("Give the second list of words.")})


from .records import ComplianceRecord, Override, text_hash  # noqa: E402,F401  (models of this app)
