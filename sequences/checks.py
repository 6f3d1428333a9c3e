"""The rules of a sequence across fields and steps (model validation) and at publish.

`problems(sequence)` → [(field, message)] for ``Sequence.clean`` (admin form, import);
`require_publishable(sequence)` raises `NotPublishable` on every publish path (under the row
lock, ``Sequence.before_publish``) while a step sends a script bots could not receive, or a
message written in place has an open compliance error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compliance import engine
from content import variables as vars_

from . import schedule
from .enums import OffsetUnit, SequenceTrigger, Timing

MAX_STEPS = 200


class NotPublishable(ValidationError):
    """Refused at publish: the reasons, one per step."""


def step_label(index: int, value) -> str:
    title = value.get("title") or ""
    return _("Step %(n)d%(title)s") % {"n": index + 1, "title": f"「{title}」" if title else ""}


def _cycle_problems(sequence) -> list[str]:
    days = sequence.cycle_days
    found = []
    for index, block in enumerate(sequence.steps or []):
        value, outside = block.value, False
        timing = value.get("timing")
        if timing == Timing.DAY and value.get("day") is not None:
            outside = value["day"] >= days
        elif timing == Timing.WEEKDAY and value.get("week") is not None:
            outside = 7 * (value["week"] - 1) >= days
        elif timing == Timing.AFTER and value.get("offset") is not None:
            minutes = value["offset"] * (60 if value.get("unit") != OffsetUnit.MINUTES else 1)
            outside = minutes >= days * 1440
        if outside:
            found.append(
                _("%(step)s falls after the end of the %(days)d-day cycle.")
                % {"step": step_label(index, value), "days": days}
            )
    if sequence.start_at and not found:  # with a fixed start, check the real (moved) times
        end = schedule.cycle_end(sequence, sequence.start_at)
        for item in schedule.timeline(sequence, sequence.start_at):
            if item.at >= end:
                found.append(
                    _("%(step)s falls after the end of the %(days)d-day cycle (at %(at)s).")
                    % {
                        "step": step_label(item.index, item.block.value),
                        "days": days,
                        "at": item.at.strftime("%Y-%m-%d %H:%M"),
                    }
                )
    return found


def problems(sequence) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if sequence.trigger == SequenceTrigger.CUSTOM and not sequence.custom_trigger.strip():
        found.append(("custom_trigger", _("Name the label that starts this sequence.")))
    try:
        schedule.quiet_window(sequence.quiet_start, sequence.quiet_end)
    except schedule.ScheduleError as error:
        found.append((error.field, error.message))
        return found  # the timeline below needs valid quiet hours
    if len(sequence.steps or []) > MAX_STEPS:
        found.append(("steps", _("At most %(max)d steps.") % {"max": MAX_STEPS}))
    incomplete = any(_incomplete(block.value) for block in sequence.steps or [])
    if sequence.cycle_days and not incomplete:
        found += [("steps", message) for message in _cycle_problems(sequence)]
    if sequence.start_at and sequence.start_at.tzinfo is None:
        found.append(("start_at", _("The fixed start needs a time zone.")))
    for index, block in enumerate(sequence.steps or []):
        script = block.value.get("script")
        if script is not None and sequence.persona_id and script.persona_id != sequence.persona_id:
            found.append(
                (
                    "steps",
                    _("%(step)s sends “%(script)s”, a script of another persona.")
                    % {"step": step_label(index, block.value), "script": script.title},
                )
            )
    texts = [text for _where, text in sequence.iter_texts()]
    for problem in vars_.check(texts, sequence.declared_variables()):
        found.append(
            ("variables" if problem.code == "unused_required" else "steps", problem.message)
        )
    return found


def _incomplete(value) -> bool:
    needed = {
        Timing.DAY: ("day", "time"),
        Timing.AFTER: ("offset",),
        Timing.WEEKDAY: ("week", "weekday", "time"),
        Timing.FIXED: ("at",),
    }.get(value.get("timing"), ("timing",))
    return any(value.get(name) in (None, "") for name in needed)


def publish_problems(sequence, moment=None) -> list[str]:
    """Why `sequence` cannot be published now (empty: it can)."""
    from django.utils import timezone

    moment = moment or timezone.now()
    found = []
    if not sequence.steps:
        found.append(_("A sequence needs at least one step."))
    for index, block in enumerate(sequence.steps or []):
        script = block.value.get("script")
        if script is not None and not _published(script, moment):
            found.append(
                _("%(step)s sends “%(script)s”, which is not published.")
                % {"step": step_label(index, block.value), "script": script.title}
            )
    persona = sequence.persona
    for where, text in sequence.iter_texts():
        report = engine.check(text, persona=persona, channel=sequence.channel)
        for hit in report.findings:
            if hit.is_error:
                found.append(
                    _("%(where)s: %(message)s")
                    % {"where": _where_label(where), "message": hit.message}
                )
    return found


def _published(script, moment) -> bool:
    from personas.publication import is_published

    script.refresh_from_db(fields=["live", "go_live_at", "expire_at"])
    return is_published(script, moment)


def _where_label(where: str) -> str:
    parts = where.split(".")  # steps.N.messages.M[...]
    try:
        return _("Step %(n)d, message %(m)d") % {"n": int(parts[1]) + 1, "m": int(parts[3]) + 1}
    except (IndexError, ValueError):
        return where


def require_publishable(sequence, moment=None) -> None:
    found = publish_problems(sequence, moment)
    if found:
        raise NotPublishable(found)


__all__ = ["MAX_STEPS", "NotPublishable", "problems", "publish_problems", "require_publishable"]
