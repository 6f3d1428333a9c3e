"""Sequence (SOP): timed steps bots ask about with "what is due now"; per-step usage totals."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from content import messages as msgs
from content import variables as vars_
from content.blocks import VariableBlock
from content.enums import UsageEvent
from content.models import UsageCounters
from core.fields import LineListField
from core.publishing import SerialisedPublishingMixin
from personas.enums import Channel
from personas.publication import is_published, published_q

from .blocks import step_blocks
from .enums import MAX_OFFSET_DAYS, SequenceTrigger


class SequenceQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def deliverable(self, moment=None):
        """What bots may see (scope aside): published and inside Wagtail's go-live/expiry at
        `moment`, with a persona that is out too."""
        moment = moment or timezone.now()
        return self.filter(published_q(moment), published_q(moment, "persona__"))


class Sequence(
    index.Indexed,
    SerialisedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    ClusterableModel,
):
    persona = models.ForeignKey(
        "personas.Persona",
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="sequences",
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Latin letters, digits and hyphens; bots use it to ask for this sequence."),
    )
    description = models.TextField(_("description"), blank=True, max_length=1000)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    audiences = ParentalManyToManyField(
        "personas.AudienceSegment", verbose_name=_("audiences"), blank=True, related_name="+"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=SequenceTrigger.choices)
    custom_trigger = models.CharField(
        _("custom trigger label"),
        max_length=50,
        blank=True,
        help_text=_("The label the bot sends when the trigger is “custom”, e.g. 报名成功."),
    )
    quiet_start = models.TimeField(
        _("quiet hours from"),
        null=True,
        blank=True,
        help_text=_("No sends from this time (Beijing time), e.g. 22:00. Empty: none."),
    )
    quiet_end = models.TimeField(
        _("quiet hours until"),
        null=True,
        blank=True,
        help_text=_("Sends resume at this time, e.g. 08:00 (may be on the next day)."),
    )
    start_at = models.DateTimeField(
        _("fixed start"),
        null=True,
        blank=True,
        help_text=_("For a cohort that starts together, e.g. a camp starting on 1 March."),
    )
    cycle_days = models.PositiveSmallIntegerField(
        _("cycle length in days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFSET_DAYS)],
        help_text=_("A 21-day camp: 21. Every step must fall inside the cycle."),
    )
    exit_conditions = LineListField(
        _("exit conditions"),
        max_item_length=50,
        max_items=20,
        help_text=_("Labels that stop the sequence for a member, one per line, e.g. converted."),
    )
    variables = StreamField(
        [("variable", VariableBlock())], blank=True, verbose_name=_("variables")
    )
    steps = StreamField(step_blocks(), blank=True, verbose_name=_("steps"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SequenceQuerySet.as_manager()

    # The admin's search (search.query through the backend; sequences.search_types).
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("custom_trigger", boost=2),
        index.SearchField("description"),
        index.SearchField("slug"),
        index.FilterField("persona_id"),
        index.FilterField("live"),
        index.FilterField("channel"),
        index.FilterField("trigger"),
    ]

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="sequences_recent"),
            models.Index(fields=["persona", "channel", "trigger"]),
        ]

    def __str__(self) -> str:
        return self.name

    # Steps and texts --------------------------------------------------------------------------
    def step_ids(self) -> list[str]:
        return [block.id for block in self.steps or []]

    def step(self, step_id: str):
        """The step block with this id, or None."""
        return next((block for block in self.steps or [] if block.id == step_id), None)

    def script_ids(self) -> set[int]:
        """Primary keys of the scripts the steps send."""
        ids = set()
        for block in self.steps or []:
            script = block.value.get("script")
            if script is not None:
                ids.add(script if isinstance(script, int) else script.pk)
        return ids

    def iter_texts(self) -> Iterator[tuple[str, str]]:
        """(where, text) of every message written in place (chosen scripts have their own) and
        of the variables' defaults."""
        for number, block in enumerate(self.steps or []):
            yield from msgs.iter_texts(block.value.get("messages"), f"steps.{number}.messages")
        yield from vars_.default_texts(self.variables)  # sent when a bot gives no value

    def declared_variables(self) -> list[vars_.Variable]:
        return vars_.declared(self.variables)

    # Validation -------------------------------------------------------------------------------
    def clean(self):
        super().clean()
        from .checks import problems  # the rules across fields and steps, one place

        errors: dict[str, list] = {}
        for name in ("variables", "steps"):
            try:
                self._meta.get_field(name).stream_block.clean(getattr(self, name))
            except ValidationError as error:
                errors.setdefault(name, []).append(error)
        for field, message in problems(self):
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def before_publish(self, revision, user) -> None:
        """Every publish path: refused while a step sends a script bots cannot receive."""
        from .checks import require_publishable

        require_publishable(self)

    def is_deliverable(self, moment=None) -> bool:
        """What ``Sequence.objects.deliverable()`` selects, for one loaded sequence."""
        moment = moment or timezone.now()
        return is_published(self, moment) and is_published(self.persona, moment)

    # Preview ----------------------------------------------------------------------------------
    @property
    def preview_modes(self):
        return [("", _("Timeline"))]

    def get_preview_template(self, request, mode_name):
        return "sequences/preview.html"

    def get_preview_context(self, request, mode_name):
        from .timeline import rows  # the timeline editor's rows: one renderer for both

        return {
            **super().get_preview_context(request, mode_name),
            "rows": rows(self),
            "sample_values": vars_.sample_values(self.declared_variables()),
        }


class StepUsage(UsageCounters):
    """What bots reported per step of a sequence (sent → read → converted), as totals. Steps
    are named by their block id, so totals follow a step through reorders and revisions."""

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="usage")
    step = models.CharField(_("step"), max_length=64)

    class Meta:
        verbose_name = _("step usage totals")
        verbose_name_plural = _("step usage totals")
        constraints = [
            models.UniqueConstraint(fields=["sequence", "step"], name="sequences_usage_one_row")
        ]

    def __str__(self) -> str:
        return f"{self.sequence_id}/{self.step}: {self.sent}/{self.read}/{self.converted}"

    @classmethod
    def add(cls, totals: dict[tuple[int, str, str], int]) -> None:
        """Add reported counts: {(sequence id, step id, event type): count}. Atomic (F())."""
        for (sequence_id, step_id, event_type), count in totals.items():
            usage, _created = cls.objects.get_or_create(sequence_id=sequence_id, step=step_id)
            cls.objects.filter(pk=usage.pk).update(**{event_type: models.F(event_type) + count})

    @classmethod
    def funnel(cls, sequence) -> dict[str, dict[str, int]]:
        """{step id: {event type: total}} for every step that has reports."""
        fields = [value for value, _label in UsageEvent.choices]
        return {
            row["step"]: {name: row[name] for name in fields}
            for row in cls.objects.filter(sequence=sequence).values("step", *fields)
        }
