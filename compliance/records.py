"""Compliance evidence: accepted findings (overrides) and the record kept for each publish.

Both point at what they are about through a generic key (content type + object id): this app
sits below `content` and must not import it, and a record outlives edits of its object.
Re-exported by `compliance.models` (Django finds models there).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def text_hash(text: str) -> str:
    """The key of one exact text: any change to it (one character, one space) changes this."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class OverrideQuerySet(models.QuerySet):
    def for_object(self, obj):
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return self.filter(content_type=content_type, object_id=str(obj.pk))


class Override(models.Model):
    """A manager accepted one finding on one exact text of one object, with a reason.

    Keyed by (object, where, hash of the text, rule, matched words): the finding stops blocking
    while that text stays exactly as it was; any edit of the text gives another hash, so the
    finding is open again (the override stays as history)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    where = models.CharField(_("where"), max_length=100, blank=True)
    text_hash = models.CharField(max_length=64)
    text = models.TextField(_("text"))
    rule = models.CharField(_("rule"), max_length=100)
    match = models.CharField(_("matched words"), max_length=200, blank=True)
    message = models.TextField(_("finding"), blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    rule_version = models.CharField(_("rule-set version"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    objects = OverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("accepted finding")
        verbose_name_plural = _("accepted findings")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "where", "text_hash", "rule", "match"],
                name="compliance_override_one_per_finding",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.rule} {self.match} @ {self.where}"

    def key(self) -> tuple[str, str, str, str]:
        return (self.where, self.text_hash, self.rule, self.match)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "match": self.match,
            "where": self.where,
            "reason": self.reason,
            "by": self.created_by_name,
            "at": self.created_at.isoformat() if self.created_at else "",
            "rule_version": self.rule_version,
        }


class ComplianceRecordQuerySet(models.QuerySet):
    def for_object(self, obj):
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return self.filter(content_type=content_type, object_id=str(obj.pk))


class ComplianceRecord(models.Model):
    """What was checked when an object went live: kept for audits, never edited."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_title = models.CharField(_("title"), max_length=255)
    revision_id = models.BigIntegerField(_("revision"), null=True)
    persona = models.ForeignKey(
        "personas.Persona",
        verbose_name=_("persona"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    persona_name = models.CharField(_("persona"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_name = models.CharField(_("published by"), max_length=150, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_name = models.CharField(_("approved by"), max_length=150, blank=True)
    rule_version = models.CharField(_("rule-set version"), max_length=100)
    # [{"level", "rule", "message", "where", "match", "start", "end", "citation", "accepted"}]
    findings = models.JSONField(_("findings"), default=list)
    # Override.as_dict() of every override that applied
    overrides = models.JSONField(_("accepted findings"), default=list)
    # [{"where", "text"}]: the texts as served
    texts = models.JSONField(_("texts served"), default=list)

    objects = ComplianceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance record")
        verbose_name_plural = _("compliance records")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.object_title} @ {self.published_at:%Y-%m-%d %H:%M}"

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.get("level") == "error")
