"""The step of a sequence: when it is due and what it sends.

Steps are a StreamField of ``step`` blocks. Every block carries Wagtail's own block id (a
UUID kept in the stream data): it survives reordering, revisions and moderation, and is what
the API calls ``step`` (``id``) and what usage events name.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from content.blocks import message_blocks
from core.blocks import TimeBlock

from .enums import MAX_OFFSET_DAYS, OffsetUnit, Timing, Weekday

MAX_WEEK = MAX_OFFSET_DAYS // 7 + 1
MAX_OFFSET = {OffsetUnit.HOURS: MAX_OFFSET_DAYS * 24, OffsetUnit.MINUTES: MAX_OFFSET_DAYS * 1440}


class ScriptChooserBlock(blocks.ChooserBlock):
    """A published script of the library (any kind), chosen in the admin's script chooser."""

    @cached_property
    def target_model(self):
        from content.models import Script

        return Script

    @cached_property
    def widget(self):
        from .viewsets import script_chooser_viewset  # the admin side, loaded only when drawn

        return script_chooser_viewset.widget_class()

    def get_form_state(self, value):
        return self.widget.get_value_data(value)

    class Meta:
        icon = "doc-full"


def _required(value) -> bool:
    return value is None or value == ""


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=100, required=False)
    timing = blocks.ChoiceBlock(label=_("When"), choices=Timing.choices, default=Timing.DAY)
    day = blocks.IntegerBlock(
        label=_("Day"),
        min_value=0,
        max_value=MAX_OFFSET_DAYS,
        required=False,
        help_text=_("Day 0 is the day of the start."),
    )
    time = TimeBlock(label=_("Time of day"), required=False)
    offset = blocks.IntegerBlock(label=_("Offset"), min_value=0, required=False)
    unit = blocks.ChoiceBlock(
        label=_("Unit"), choices=OffsetUnit.choices, default=OffsetUnit.HOURS, required=False
    )
    week = blocks.IntegerBlock(
        label=_("Cycle week"),
        min_value=1,
        max_value=MAX_WEEK,
        required=False,
        help_text=_("Week 1 is the start day and the six days after it."),
    )
    weekday = blocks.ChoiceBlock(
        label=_("Weekday"),
        choices=[(str(value), label) for value, label in Weekday.choices],
        required=False,
    )
    at = blocks.DateTimeBlock(label=_("Date and time"), required=False)
    script = ScriptChooserBlock(label=_("Script"), required=False)
    messages = blocks.StreamBlock(
        message_blocks(), label=_("Messages"), required=False,
        help_text=_("Written here instead of choosing a script."),
    )  # fmt: skip
    condition = blocks.CharBlock(
        label=_("Condition label"),
        max_length=50,
        required=False,
        help_text=_("Sent only to members carrying this label, e.g. 未下单."),
    )

    class Meta:
        icon = "time"
        label = _("Step")

    def clean(self, value):
        value = super().clean(value)
        errors: dict[str, ValidationError] = {}
        needed = {
            Timing.DAY: ("day", "time"),
            Timing.AFTER: ("offset", "unit"),
            Timing.WEEKDAY: ("week", "weekday", "time"),
            Timing.FIXED: ("at",),
        }.get(value.get("timing"), ())
        for name in needed:
            if _required(value.get(name)):
                errors[name] = ValidationError(_("Needed for this kind of timing."))
        if value.get("timing") == Timing.AFTER and not _required(value.get("offset")):
            limit = MAX_OFFSET.get(value.get("unit") or OffsetUnit.HOURS)
            if value["offset"] > limit:
                errors["offset"] = ValidationError(
                    _("At most %(limit)d (%(days)d days) after the start.")
                    % {"limit": limit, "days": MAX_OFFSET_DAYS}
                )
        has_script = value.get("script") is not None
        has_messages = bool(value.get("messages"))
        if has_script == has_messages:
            errors["script"] = ValidationError(
                _("Choose a script or write messages here (one of the two).")
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


def step_blocks():
    return [("step", StepBlock())]
