"""How a step's time reads: "D3 09:00", "开始后 2 小时", "第 1 周星期四 20:00", "2027-03-01 09:00".

One wording for the timeline and its errors (``timeline.heading``), the step block's header in
the editor (``words``, sent to static/sequences/js/step_block.js) and the API's `when.label`.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils.translation import gettext as _

from .enums import OffsetUnit, Timing, Weekday


def clock(value) -> str:
    """HH:MM of a time (or its ISO text), "" for none."""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    return value.strftime("%H:%M") if value else ""


def words() -> dict[str, str]:
    """The formats of a step's time (shared with the step block's header in the editor)."""
    return {
        "hours": _("+%(n)s h"),
        "minutes": _("+%(n)s min"),
        "weekday": _("Week %(week)s %(weekday)s %(time)s"),
    }


def when(value) -> str:
    """A step's time as people read it ("" while its timing is incomplete)."""
    timing = value.get("timing")
    try:
        if timing == Timing.DAY and value.get("day") is not None:
            return f"D{int(value['day'])} {clock(value.get('time'))}".strip()
        if timing == Timing.AFTER and value.get("offset") is not None:
            unit = value.get("unit") or OffsetUnit.HOURS
            text = words()["hours" if unit == OffsetUnit.HOURS else "minutes"]
            return text % {"n": int(value["offset"])}
        if timing == Timing.WEEKDAY and value.get("week") and value.get("weekday"):
            return words()["weekday"] % {
                "week": int(value["week"]),
                "weekday": Weekday(int(value["weekday"])).label,
                "time": clock(value.get("time")),
            }
        if timing == Timing.FIXED and value.get("at"):
            at = value["at"]
            at = datetime.fromisoformat(at) if isinstance(at, str) else at
            return at.strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        pass
    return ""
