"""The due engine: when each step of a sequence is due for one member, and what is due now.

Pure: no HTTP, no queries (a step's chosen script is only named, never loaded). Every
wall-clock time (day N at HH:MM, a weekday's time, quiet hours, a fixed date without offset)
is Beijing time (``enums.LOCAL_TZ``).

The rules, in order, for one member who started at ``started_at``:

1. Nominal time of a step: ``day`` = the start's local date + N days at HH:MM; ``after`` =
   started_at + N hours/minutes; ``weekday`` = the day of cycle week K (days 7(K-1)…7K-1
   counted from the start day, so each weekday occurs once in it) that is weekday W, at HH:MM;
   ``fixed`` = that moment.
2. A relative step whose nominal time is before the start (day 0 at 07:30 for a member who
   joined at 10:00) is due at the start: nothing relative is silently skipped. A fixed step
   before the start is not for this member (a late joiner does not get last week's notice).
3. A time inside quiet hours moves to their end (the next allowed time; quiet hours may wrap
   midnight: 22:00–08:00 moves 23:30 to 08:00 the next day).
4. ``due(since, now)`` returns the steps whose (moved) time is in (since, now], plus the first
   time after `now` (``next_due_at``). ``since`` defaults to the start, and a step due exactly
   at the start is included when since is the start, so a "0 minutes after" greeting is due on
   the first call. Successive calls with since = the previous now return each step once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from .enums import LOCAL_TZ, OffsetUnit, Timing


class ScheduleError(ValueError):
    """Bad input to the engine: a 422 in the API, a ValidationError in forms."""

    def __init__(self, code: str, message: str, field: str = ""):
        self.code = code
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Scheduled:
    """One step of one member's timeline."""

    index: int  # position in the sequence
    block: object  # the StreamField child (``.id``, ``.value``)
    nominal: datetime  # rule 1 (aware)
    at: datetime  # after rules 2 and 3 (aware, Beijing time)

    @property
    def id(self) -> str:
        return self.block.id


@dataclass(frozen=True)
class Due:
    steps: list[Scheduled]
    next_due_at: datetime | None


def require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ScheduleError(
            "naive_datetime",
            _("“%(name)s” needs a time zone offset, e.g. 2027-03-01T08:00:00+08:00.")
            % {"name": name},
            name,
        )
    return value


def quiet_window(quiet_start: time | None, quiet_end: time | None) -> tuple[time, time] | None:
    """(start, end) of the quiet hours, or None; both or neither, never leaving no time."""
    if quiet_start is None and quiet_end is None:
        return None
    if quiet_start is None or quiet_end is None:
        raise ScheduleError(
            "quiet_hours_incomplete", _("Quiet hours need both a start and an end."), "quiet_end"
        )
    if quiet_start == quiet_end:
        raise ScheduleError(
            "quiet_hours_all_day",
            _("Quiet hours from %(t)s to %(t)s leave no time to send.")
            % {"t": quiet_start.strftime("%H:%M")},
            "quiet_end",
        )
    return quiet_start, quiet_end


def out_of_quiet(moment: datetime, window: tuple[time, time] | None) -> datetime:
    """`moment` moved to the end of the quiet hours it falls in (Beijing time), else as is."""
    local = moment.astimezone(LOCAL_TZ)
    if window is None:
        return local
    start, end = window
    clock = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:  # e.g. 12:00–14:00, same day
        if start <= clock < end:
            return _at(day, end)
        return local
    # wraps midnight, e.g. 22:00–08:00
    if clock >= start:
        return _at(day + timedelta(days=1), end)
    if clock < end:
        return _at(day, end)
    return local


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=LOCAL_TZ)


def _local_fixed(value: datetime) -> datetime:
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


def _clock(value) -> time:
    if isinstance(value, str):
        return time.fromisoformat(value)
    return value


def nominal(value, started_at: datetime) -> datetime:
    """Rule 1 for one step's block value."""
    day0 = started_at.astimezone(LOCAL_TZ).date()
    timing = value.get("timing")
    if timing == Timing.DAY:
        return _at(day0 + timedelta(days=int(value["day"])), _clock(value["time"]))
    if timing == Timing.AFTER:
        unit = value.get("unit") or OffsetUnit.HOURS
        amount = int(value["offset"])
        delta = timedelta(hours=amount) if unit == OffsetUnit.HOURS else timedelta(minutes=amount)
        return started_at + delta
    if timing == Timing.WEEKDAY:
        first = 7 * (int(value["week"]) - 1)
        offset = (int(value["weekday"]) - 1 - day0.weekday()) % 7
        return _at(day0 + timedelta(days=first + offset), _clock(value["time"]))
    if timing == Timing.FIXED:
        at = value["at"]
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        return _local_fixed(at)
    raise ScheduleError("unknown_timing", _("A step has no valid timing."), "steps")


def timeline(sequence, started_at: datetime) -> list[Scheduled]:
    """Every step of `sequence` for a member who started at `started_at`, in time order
    (steps moved to the same moment keep their nominal order, then their order in the
    sequence)."""
    require_aware(started_at, "started_at")
    window = quiet_window(sequence.quiet_start, sequence.quiet_end)
    scheduled = []
    for index, block in enumerate(sequence.steps or []):
        when = nominal(block.value, started_at)
        if when < started_at:
            if block.value.get("timing") == Timing.FIXED:
                continue  # rule 2: a fixed moment before the start is not for this member
            when = started_at
        scheduled.append(Scheduled(index, block, when, out_of_quiet(when, window)))
    scheduled.sort(key=lambda item: (item.at, item.nominal, item.index))
    return scheduled


def cycle_end(sequence, started_at: datetime) -> datetime | None:
    """The end of a fixed cycle: midnight after day cycle_days - 1 (a 21-day camp: D0–D20)."""
    if not sequence.cycle_days:
        return None
    day0 = started_at.astimezone(LOCAL_TZ).date()
    return _at(day0 + timedelta(days=sequence.cycle_days), time(0, 0))


def window(
    ats: list[datetime], started_at: datetime, now: datetime, since: datetime | None = None
) -> tuple[int, int]:
    """(lo, hi) for a member's timeline whose (moved) times, in order, are `ats`: the steps
    due in (since, now] are ``timeline[lo:hi]`` and ``timeline[hi]`` (if any) is the next
    one (module doc, rule 4). ScheduleError for times out of order."""
    require_aware(started_at, "started_at")
    require_aware(now, "now")
    if since is not None:
        require_aware(since, "since")
    if now < started_at:
        raise ScheduleError("now_before_start", _("“now” is before “started_at”."), "now")
    since = started_at if since is None else since
    if since < started_at:
        raise ScheduleError("since_before_start", _("“since” is before “started_at”."), "since")
    if since > now:
        raise ScheduleError("since_after_now", _("“since” is after “now”."), "since")
    # From the start a step due exactly at the start is included: (since, now] becomes
    # [start, now]. No step of a timeline is before its start (rule 2).
    lo = bisect_left(ats, since) if since == started_at else bisect_right(ats, since)
    return lo, bisect_right(ats, now)


def due(
    sequence,
    started_at: datetime,
    now: datetime,
    since: datetime | None = None,
    scheduled: list[Scheduled] | None = None,
) -> Due:
    """The steps due in (since, now] for a member who started at `started_at` (module doc).
    `scheduled`: ``timeline(sequence, started_at)`` when the caller has it already."""
    window([], started_at, now, since)  # bad times are refused before the steps are read
    if scheduled is None:
        scheduled = timeline(sequence, started_at)
    lo, hi = window([item.at for item in scheduled], started_at, now, since)
    return Due(scheduled[lo:hi], scheduled[hi].at if hi < len(scheduled) else None)
