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


@dataclass
class Camp:
    sequence: Sequence
    start: date
    end: date
    per_day: dict  # date → number of steps sent that day


@dataclass
class CampBand:
    camp: Camp
    column: int  # 1-based
    span: int
    colour: str = BAND_COLOUR


def camps(first: date, last: date, filters) -> list[Camp]:
    """Published sequences with a fixed start whose steps fall between `first` and `last`."""
    until = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    queryset = Sequence.objects.live().filter(start_at__isnull=False, start_at__lt=until)
    if filters.persona:
        queryset = queryset.filter(persona_id=filters.persona)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    found = []
    for sequence in queryset.only(
        "id", "name", "slug", "persona_id", "channel", "start_at", "quiet_start", "quiet_end",
        "steps", "live", "cycle_days",
    ).order_by("start_at", "pk"):  # fmt: skip
        try:
            items = schedule.timeline(RawSteps(sequence), sequence.start_at)
        except (KeyError, TypeError, ValueError):  # an incomplete draft step: nothing to plan
            continue
        if not items:
            continue
        per_day: dict[date, int] = defaultdict(int)
        for item in items:
            per_day[item.at.astimezone(LOCAL_TZ).date()] += 1
        start = sequence.start_at.astimezone(LOCAL_TZ).date()
        end = max(per_day)
        if end >= first:
            found.append(Camp(sequence, start, end, dict(per_day)))
    return found


def add_loads(loads_by_day: dict, found: list[Camp]) -> None:
    """Add each camp's sends to ``loads_by_day[day]`` = [(persona id, channel, count)], merged
    with the calendar entries of the same persona and channel."""
    for camp in found:
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
