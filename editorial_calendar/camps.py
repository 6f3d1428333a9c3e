"""Sequences with a fixed start (a camp starting on 1 March) on the calendar: a band from the
start day to the day of the last step, and each step's send counted in its persona's daily load
on the sequence's channel (fatigue).

One query for every sequence on screen (the steps are read from the stored stream data, so no
script is loaded); the times come from the due engine (`sequences.schedule.timeline`, quiet hours
included), for the cohort that starts at ``start_at``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sequences import schedule
from sequences.api import RawSteps  # the engine's input from the stored steps
from sequences.enums import LOCAL_TZ
from sequences.models import Sequence

BAND_COLOUR = "#6b4fbb"
FIELDS = ("id", "name", "slug", "persona_id", "channel", "start_at", "quiet_start", "quiet_end",
          "steps", "live", "cycle_days")  # fmt: skip


@dataclass
class Camp:
    sequence: Sequence
    start: date
    end: date
    per_day: dict  # date → number of steps sent that day
    draft: bool = False  # not published: shown to planners, never a load


@dataclass
class CampBand:
    camp: Camp
    column: int  # 1-based
    span: int
    colour: str = BAND_COLOUR


def camps(first: date, last: date, filters, *, drafts: bool = False) -> list[Camp]:
    """Published sequences with a fixed start whose steps fall between `first` and `last`;
    with `drafts`, also those not published whose latest revision has a fixed start (what
    planners are preparing, as the editor shows it: a draft's edits are only in its revision).
    One query each."""
    until = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    queryset = Sequence.objects.live().filter(start_at__isnull=False, start_at__lt=until)
    if filters.persona:
        queryset = queryset.filter(persona_id=filters.persona)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    candidates = list(queryset.only(*FIELDS).order_by("start_at", "pk"))
    if drafts:
        candidates += _drafts(until, filters)
    found = []
    for sequence in candidates:
        camp = _camp(sequence, first)
        if camp is not None:
            found.append(camp)
    return found


def _drafts(until: datetime, filters) -> list[Sequence]:
    rows = Sequence.objects.filter(
        live=False, latest_revision__content__start_at__isnull=False
    ).select_related("latest_revision")
    found = []
    for row in rows.order_by("pk"):
        try:
            sequence = row.with_content_json(row.latest_revision.content)
        except (KeyError, TypeError, ValueError):  # a revision from an older shape
            continue
        if sequence.start_at is None or sequence.start_at >= until:
            continue
        if filters.persona and sequence.persona_id != filters.persona:
            continue
        if filters.channel and sequence.channel != filters.channel:
            continue
        found.append(sequence)
    return sorted(found, key=lambda sequence: (sequence.start_at, sequence.pk))


def _camp(sequence: Sequence, first: date) -> Camp | None:
    try:
        items = schedule.timeline(RawSteps(sequence), sequence.start_at)
    except (KeyError, TypeError, ValueError):  # an incomplete draft step: nothing to plan
        return None
    if not items:
        return None
    per_day: dict[date, int] = defaultdict(int)
    for item in items:
        per_day[item.at.astimezone(LOCAL_TZ).date()] += 1
    start = sequence.start_at.astimezone(LOCAL_TZ).date()
    end = max(per_day)
    if end < first:
        return None
    return Camp(sequence, start, end, dict(per_day), draft=not sequence.live)


def add_loads(loads_by_day: dict, found: list[Camp]) -> None:
    """Add each camp's sends to ``loads_by_day[day]`` = [(persona id, channel, count)], merged
    with the calendar entries of the same persona and channel. Draft camps send nothing."""
    for camp in found:
        if camp.draft:
            continue
        key = (camp.sequence.persona_id, camp.sequence.channel)
        for day, count in camp.per_day.items():
            rows = loads_by_day[day]
            for number, (persona_id, channel, total) in enumerate(rows):
                if (persona_id, channel) == key:
                    rows[number] = (persona_id, channel, total + count)
                    break
            else:
                rows.append((*key, count))


def bands(week_days: list[date], found: list[Camp]) -> list[CampBand]:
    first, last = week_days[0], week_days[-1]
    result = []
    for camp in found:
        lo, hi = max(camp.start, first), min(camp.end, last)
        if lo <= hi:
            result.append(CampBand(camp, (lo - first).days + 1, (hi - lo).days + 1))
    return result
