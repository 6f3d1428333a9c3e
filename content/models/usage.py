"""What bots reported about sent scripts, as totals per script."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import UsageEvent
from .script import Script


class UsageCounters(models.Model):
    """One counter per reported event type (content.enums.UsageEvent): the totals of scripts
    (ScriptUsage) and of sequence steps (sequences.StepUsage)."""

    sent = models.PositiveBigIntegerField(_("sent"), default=0)
    delivered = models.PositiveBigIntegerField(_("delivered"), default=0)
    read = models.PositiveBigIntegerField(_("read"), default=0)
    clicked = models.PositiveBigIntegerField(_("clicked"), default=0)
    replied = models.PositiveBigIntegerField(_("replied"), default=0)
    converted = models.PositiveBigIntegerField(_("converted"), default=0)

    class Meta:
        abstract = True


class ScriptUsage(UsageCounters):
    """Totals of what bots reported (数据反哺). Kept apart from the script: not revisioned."""

    script = models.OneToOneField(Script, on_delete=models.CASCADE, related_name="usage")

    class Meta:
        verbose_name = _("usage totals")
        verbose_name_plural = _("usage totals")

    def __str__(self) -> str:
        return f"{self.script_id}: {self.sent}/{self.clicked}/{self.converted}"

    @classmethod
    def totals_of(cls, script) -> list[tuple[str, int]]:
        """(label, count) for each event type, zeros while nothing was reported."""
        usage = cls.objects.filter(script_id=script.pk).first()
        return [(label, getattr(usage, value, 0) if usage else 0)
                for value, label in UsageEvent.choices]  # fmt: skip

    @classmethod
    def add(cls, totals: dict[tuple[int, str], int]) -> None:
        """Add reported counts: {(script id, event type): count}. Atomic per row (F())."""
        for (script_id, event_type), count in totals.items():
            usage, _created = cls.objects.get_or_create(script_id=script_id)
            cls.objects.filter(pk=usage.pk).update(**{event_type: models.F(event_type) + count})
