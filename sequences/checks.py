"""The rules of a sequence across fields and steps (model validation) and at publish.

`problems(sequence)` → [(field, message)] for ``Sequence.clean`` (admin form, import);
`require_publishable(sequence)` raises `NotPublishable` on every publish path (under the row
lock, ``Sequence.before_publish``) while a step sends a script bots could not receive, or a
message written in place has an open compliance error.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compliance import engine
from compliance.models import text_hash
from content import messages as msgs
from content import variables as vars_
from content.lint import ERROR, Finding, _excerpt, where_label

from . import schedule
from .enums import LOCAL_TZ, OffsetUnit, SequenceTrigger, Timing

MAX_STEPS = 200
# Midnight of a Monday and the six days after it: a start on every weekday.
REFERENCE_STARTS = [
    datetime.combine(date(2027, 1, 4) + timedelta(days=n), time(0, 0), tzinfo=LOCAL_TZ)
    for n in range(7)
]


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
    if found:
        return found
    if sequence.start_at:  # with a fixed start, check the real (moved) times
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
    return _moved_out_of_cycle(sequence)


def _moved_out_of_cycle(sequence) -> list[str]:
    """Without a fixed start: the steps that quiet hours move past the end of the cycle for a
    member starting at midnight on some weekday (a weekday step's day depends on the start's
    weekday; a later start only moves an "after N hours" step later). Fixed dates are left
    out: whether they fall in a member's cycle depends on when the member starts."""
    flagged: dict[int, str] = {}
    for start in REFERENCE_STARTS:
        day0 = start.date()
        end = schedule.cycle_end(sequence, start)
        for item in schedule.timeline(sequence, start):
            timing = item.block.value.get("timing")
            if item.at < end or timing == Timing.FIXED or item.index in flagged:
                continue
            moved = item.at.astimezone(LOCAL_TZ)
            flagged[item.index] = _(
                "%(step)s falls after the end of the %(days)d-day cycle once moved out of "
                "quiet hours (to D%(day)d %(time)s)."
            ) % {
                "step": step_label(item.index, item.block.value),
                "days": sequence.cycle_days,
                "day": (moved.date() - day0).days,
                "time": moved.strftime("%H:%M"),
            }
    return [flagged[index] for index in sorted(flagged)]


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
    texts = [text for where, text in sequence.iter_texts() if not vars_.is_default(where)]
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


def findings(sequence, moment=None) -> list[Finding]:
    """Every step checked as it would go out, in step order: compliance of the messages written
    in place (`compliance.engine.check` with the sequence's persona and channel; a manager's
    override on exactly that text marks it accepted, as in `content.gates`), their variables
    (`content.variables`), and whether a chosen script can be delivered now; then the
    variables' defaults (sent when a bot gives no value). ``where`` is ``steps.N…`` or
    ``variables.<name>.default``; `blocking()` keeps the errors nobody accepted."""
    from django.utils import timezone

    from content.gates import overrides_of

    moment = moment or timezone.now()
    persona = sequence.persona if sequence.persona_id else None
    accepted = overrides_of(sequence) if sequence.pk else {}
    declared = sequence.declared_variables()
    found: list[Finding] = []
    published: dict[int, bool] = {}  # each linked script read once, however many steps send it
    for index, block in enumerate(sequence.steps or []):
        script = block.value.get("script")
        if script is not None and script.pk not in published:
            published[script.pk] = _published(script, moment)
        if script is not None and not published[script.pk]:
            found.append(
                Finding(
                    ERROR,
                    "script_not_deliverable",
                    _("Sends “%(script)s”, which bots cannot receive now (not published or "
                      "outside its window).") % {"script": script.title},
                    f"steps.{index}.script",
                )
            )  # fmt: skip
        texts = list(msgs.iter_texts(block.value.get("messages"), f"steps.{index}.messages"))
        for where, text in texts:
            found += _compliance(sequence, persona, accepted, where, text)
        for problem in vars_.check([text for _w, text in texts], declared):
            if problem.code != "unused_required":  # a matter of the whole sequence
                found.append(
                    Finding(ERROR, f"variable_{problem.code}", problem.message,
                            f"steps.{index}.messages", problem.name)
                )  # fmt: skip
    for where, text in vars_.default_texts(sequence.variables):
        found += _compliance(sequence, persona, accepted, where, text)
    return found


def _compliance(sequence, persona, accepted, where: str, text: str) -> list[Finding]:
    report = engine.check(text, persona=persona, channel=sequence.channel)
    digest = text_hash(text) if report.findings else ""
    found = []
    for hit in report.findings:
        finding = Finding(
            hit.level, hit.rule, hit.message, where, hit.match,
            _excerpt(text, hit.start, hit.end - hit.start),
            start=hit.start, end=hit.end, citation=hit.citation,
            suggestions=hit.suggestions, text_hash=digest,
        )  # fmt: skip
        key = (where, digest, hit.rule, hit.match)
        if finding.is_error and key in accepted:
            finding = dataclasses.replace(finding, accepted=accepted[key])
        found.append(finding)
    return found


def blocking(sequence, moment=None) -> list[Finding]:
    """The gate: findings that block submitting, approving and publishing `sequence`."""
    return [finding for finding in findings(sequence, moment) if finding.blocks]


def describe(finding: Finding, sequence=None) -> str:
    """“Step 2「D1 23:00 · 晚间提醒」, message 1: …” (the step's timeline heading when known)."""
    where = _where_label(finding.where)
    index = step_index(finding)
    if sequence is not None and index is not None and index < len(sequence.steps or []):
        from .timeline import heading

        where = f"{where}「{heading(sequence.steps[index].value)}」"
    return _("%(where)s: %(message)s") % {"where": where, "message": finding.message}


def publish_problems(sequence, moment=None) -> list[str]:
    """Why `sequence` cannot be published now (empty: it can). The form (submit, publish,
    workflow actions) and ``before_publish`` both ask here."""
    found = []
    if not sequence.steps:
        found.append(_("A sequence needs at least one step."))
    found += [describe(finding, sequence) for finding in blocking(sequence, moment)]
    return found


def _published(script, moment) -> bool:
    from personas.publication import is_published

    script.refresh_from_db(fields=["live", "go_live_at", "expire_at"])
    return is_published(script, moment)


def _where_label(where: str) -> str:
    if vars_.is_default(where):
        return where_label(where)
    parts = where.split(".")  # steps.N[.messages[.M…]] or steps.N.script
    try:
        if len(parts) > 3:
            return _("Step %(n)d, message %(m)d") % {
                "n": int(parts[1]) + 1,
                "m": int(parts[3]) + 1,
            }
        return _("Step %(n)d") % {"n": int(parts[1]) + 1}
    except (IndexError, ValueError):
        return where


def step_index(finding: Finding) -> int | None:
    """The position of the step a finding is about (None: the whole sequence)."""
    parts = finding.where.split(".")
    if len(parts) > 1 and parts[0] == "steps" and parts[1].isdigit():
        return int(parts[1])
    return None


def require_publishable(sequence, moment=None) -> None:
    found = publish_problems(sequence, moment)
    if found:
        raise NotPublishable(found)


__all__ = [
    "MAX_STEPS",
    "NotPublishable",
    "blocking",
    "findings",
    "problems",
    "publish_problems",
    "require_publishable",
]
