"""What the timeline editor and the preview show: the steps in time order (D0, D1, D3 …), each
with a readable heading, where quiet hours move it, its messages rendered as the WeChat preview
renders a script's (content.messages with sample values) and its findings (checks.findings).

Times come from the due engine's public functions (`schedule.nominal`, `schedule.quiet_window`,
`schedule.out_of_quiet`) for one sample member: the fixed start when there is one, otherwise a
member who starts today at 10:00 (Beijing time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from content import messages as msgs
from content import variables as vars_
from content.preview import delay_label

from . import checks, labels, schedule
from .enums import LOCAL_TZ, Timing

SAMPLE_START = time(10, 0)


def heading(value) -> str:
    """How a step is named in the timeline and in errors: “D3 09:00 · 优惠提醒”."""
    title = (value.get("title") or "").strip()
    parts = (labels.when(value), title)
    return " · ".join(part for part in parts if part) or _("Step (no time yet)")


def sample_start(sequence, today=None) -> datetime:
    if sequence.start_at and sequence.start_at.tzinfo is not None:
        return sequence.start_at.astimezone(LOCAL_TZ)
    today = today or timezone.now().astimezone(LOCAL_TZ).date()
    return datetime.combine(today, SAMPLE_START, tzinfo=LOCAL_TZ)


@dataclass
class Row:
    index: int
    id: str
    heading: str
    at: datetime | None  # nominal (Beijing time); None while the timing is incomplete
    day: int | None  # days after the start day (D…)
    moved_to: datetime | None  # quiet hours move it here
    skipped: bool  # a fixed date before the start
    condition: str
    script: object
    persona: object
    rendered_messages: list = field(default_factory=list)
    findings: list = field(default_factory=list)

    @property
    def label(self) -> str:
        """The heading with its day in front when the heading does not say it (“D0 · +2 h”)."""
        if self.day is None or self.heading.startswith(f"D{self.day} "):
            return self.heading
        return f"D{self.day} · {self.heading}"

    @property
    def blocks(self) -> bool:
        return any(finding.blocks for finding in self.findings)


def _render(stream, values) -> list[dict]:
    rendered = msgs.to_api(stream, values)
    for message in rendered:
        if message["type"] == "delay":
            message["label"] = delay_label(message["seconds"])
    return rendered


def rows(sequence, *, with_findings: bool = True, today=None, found=None) -> list[Row]:
    """The steps in nominal time order (incomplete ones last, in their order); `found`: the
    sequence's `checks.findings` when the caller has them already."""
    start = sample_start(sequence, today)
    try:
        window = schedule.quiet_window(sequence.quiet_start, sequence.quiet_end)
    except schedule.ScheduleError:
        window = None
    values = vars_.sample_values(sequence.declared_variables())
    persona = sequence.persona if sequence.persona_id else None
    if found is None:
        found = checks.findings(sequence) if with_findings else []
    result = []
    for index, block in enumerate(sequence.steps or []):
        value = block.value
        try:
            at = schedule.nominal(value, start).astimezone(LOCAL_TZ)
        except (KeyError, TypeError, ValueError, schedule.ScheduleError):
            at = None
        moved_to, skipped = None, False
        if at is not None:
            skipped = value.get("timing") == Timing.FIXED and at < start
            sent = max(at, start)
            moved = schedule.out_of_quiet(sent, window)
            moved_to = moved if moved != sent else None
        script = value.get("script")
        if script is not None:
            script_values = vars_.sample_values(script.declared_variables())
            rendered = _render(script.messages, script_values)
        else:
            rendered = _render(value.get("messages"), values)
        result.append(
            Row(
                index=index,
                id=block.id,
                heading=heading(value),
                at=at,
                day=(at.date() - start.date()).days if at is not None else None,
                moved_to=moved_to,
                skipped=skipped,
                condition=value.get("condition") or "",
                script=script,
                persona=script.persona if script is not None else persona,
                rendered_messages=rendered,
                findings=[f for f in found if checks.step_index(f) == index],
            )
        )
    far = datetime.max.replace(tzinfo=LOCAL_TZ) - timedelta(days=1)
    return sorted(result, key=lambda row: (row.at is None, row.at or far, row.index))


__all__ = ["Row", "heading", "rows", "sample_start"]
