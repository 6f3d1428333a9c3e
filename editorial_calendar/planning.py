"""What the admin calendar shows: the grid, hot-topic bands, per-day load, fatigue and gaps.

Pure functions over a handful of queries whose number does not depend on how many entries
there are (the month view is tested with `django_assert_num_queries`).
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from personas.enums import Channel
from personas.models import Persona

from . import camps as camp_plan
from . import gaps as gap_rules
from . import sensitive
from .enums import CATEGORY_COLOURS, NOT_POSTS, STATUS_COLOURS, EntryStatus
from .models import CalendarEntry, CalendarPause, HotTopic

MAX_ENTRIES_PER_CELL = 4
REVIEW_LIST = 15  # side panel; the rest are one click away in the entries list
GAP_HORIZON_DAYS = gap_rules.GAP_HORIZON_DAYS


# The calendar shows periods inside these days: far wider than any plan, and far enough from
# date.min/date.max that the grid's whole weeks and the previous/next links never overflow.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


class BadPeriod(ValueError):
    pass


def _in_range(day: date, value: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadPeriod(
            _("“%(value)s” is outside the calendar: pick a day from %(first)s to %(last)s.")
            % {"value": value, "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )
    return day


def parse_month(value: str | None, today: date) -> date:
    """'2026-11' → date(2026, 11, 1); empty → this month."""
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        day = date(year, month, 1)
    except (ValueError, TypeError) as error:
        raise BadPeriod(
            _("“%(value)s” is not a month: use YYYY-MM, e.g. 2026-11.") % {"value": value}
        ) from error
    return _in_range(day, value)


def parse_day(value: str | None, today: date) -> date:
    if not value:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise BadPeriod(
            _("“%(value)s” is not a date: use YYYY-MM-DD, e.g. 2026-11-16.") % {"value": value}
        ) from error
    return _in_range(day, value)


@dataclass
class Filters:
    persona: int | None = None
    channel: str = ""
    status: str = ""
    owner: int | None = None

    def apply(self, queryset):
        if self.persona:
            queryset = queryset.filter(persona_id=self.persona)
        if self.channel:
            queryset = queryset.filter(channel=self.channel)
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.owner:
            queryset = queryset.filter(owner_id=self.owner)
        return queryset


@dataclass
class Load:
    persona: Persona
    count: int
    over: list[tuple[str, int, int]]  # (channel label, count, limit) past the limit


@dataclass
class Day:
    day: date
    in_period: bool
    is_today: bool
    entries: list = field(default_factory=list)
    hidden: int = 0
    loads: list[Load] = field(default_factory=list)
    sensitive: list = field(default_factory=list)  # SensitiveDate rows on this day
    paused: object = None  # the CalendarPause holding this day, if any

    @property
    def fatigued(self) -> bool:
        return any(load.over for load in self.loads)


@dataclass
class Band:
    topic: HotTopic
    phase: str  # "prepare" or "active"
    column: int  # 1-based
    span: int
    colour: str
    gap: bool
    missing: list = field(default_factory=list)  # personas with nothing planned


@dataclass
class Week:
    days: list[Day]
    bands: list[Band]
    camps: list = field(default_factory=list)  # camp_plan.CampBand: sequences with a fixed start


ENTRY_FIELDS = (
    "id", "date", "time", "title", "status", "channel", "persona_id", "hot_topic_id",
    "script_id", "owner_id", "notes",
)  # fmt: skip


def _attach(entries: list, personas: dict, topics: dict, sensitive_days=None, pauses=()) -> None:
    """Give each entry its persona, hot topic, script, owner, colour and mismatch flag from a
    fixed number of queries, instead of joining five tables for every one of thousands of rows."""
    from django.contrib.auth import get_user_model

    from content.models import Script
    from content.moderation import workflow_states

    script_ids = {e.script_id for e in entries if e.script_id}
    scripts = {
        s.pk: s
        for s in Script.objects.filter(pk__in=script_ids).only(
            "id", "title", "kind", "live", "has_unpublished_changes", "persona_id"
        )
    }
    in_moderation = set(
        workflow_states()
        .filter(object_id__in=[str(pk) for pk in script_ids])
        .values_list("object_id", flat=True)
    )
    owner_ids = {e.owner_id for e in entries if e.owner_id}
    owners = {
        u.pk: u for u in get_user_model().objects.filter(pk__in=owner_ids).only("id", "username")
    }
    for entry in entries:
        entry.persona = personas[entry.persona_id]
        entry.hot_topic = topics.get(entry.hot_topic_id) if entry.hot_topic_id else None
        entry.script = scripts.get(entry.script_id) if entry.script_id else None
        entry.owner = owners.get(entry.owner_id) if entry.owner_id else None
        entry.colour = STATUS_COLOURS.get(entry.status, "#777")
        entry.mismatch = entry.script_mismatch(
            in_moderation=entry.script_id is not None and str(entry.script_id) in in_moderation
        )
        topic = entry.hot_topic
        entry.sensitive_warning = sensitive.warning(
            entry.date,
            sensitive.is_promotional(entry.title, entry.notes, topic.category if topic else None),
            (sensitive_days or {}).get(entry.date, []),
        )
        entry.held = next((p for p in pauses if p.start <= entry.date <= p.end), None)


def _bands(week_days: list[date], topics: list[HotTopic], gaps: dict[int, list]) -> list[Band]:
    first, last = week_days[0], week_days[-1]
    bands: list[Band] = []
    for topic in topics:
        for phase, start, end in (
            ("prepare", topic.prepare_from, topic.start - timedelta(days=1)),
            ("active", topic.start, topic.end),
        ):
            lo, hi = max(start, first), min(end, last)
            if lo > hi:
                continue
            bands.append(
                Band(
                    topic=topic,
                    phase=phase,
                    column=(lo - first).days + 1,
                    span=(hi - lo).days + 1,
                    colour=CATEGORY_COLOURS.get(topic.category, "#777"),
                    gap=topic.pk in gaps,
                    missing=gaps.get(topic.pk, []),
                )
            )
    return sorted(bands, key=lambda b: (b.phase != "active", b.column, -b.span))


def _post_counts(posts) -> dict[date, list[tuple[int, str, int]]]:
    """{day: [(persona id, channel, posts)]}: the database counts (one query)."""
    loads_by_day: dict[date, list] = defaultdict(list)
    for when, persona_id, channel, count in posts.values_list(
        "date", "persona_id", "channel"
    ).annotate(n=Count("id")):
        loads_by_day[when].append((persona_id, channel, count))
    return loads_by_day


def _day_loads(counts: list[tuple[int, str, int]], personas: dict) -> list[Load]:
    """A day's load per persona, with the channels past the persona's daily limit."""
    per_persona: dict[int, Load] = {}
    for persona_id, channel, count in counts:
        persona = personas[persona_id]
        item = per_persona.setdefault(persona_id, Load(persona, 0, []))
        item.count += count
        limit = persona.daily_limit(channel)
        if limit and count > limit:
            item.over.append((str(Channel(channel).label), count, limit))
    return sorted(per_persona.values(), key=lambda x: x.persona.name)


def fatigue(
    first: date, last: date, filters: Filters | None = None
) -> list[tuple[date, list[Load]]]:
    """The days from `first` to `last` on which a persona posts more on a channel than its daily
    limit (planned posts only: ideas and cancelled entries do not count; the steps of camps with a
    fixed start do), with only the overloaded personas. Three queries however many entries."""
    filters = filters or Filters()
    base = filters.apply(CalendarEntry.objects.between(first, last)).order_by()
    counts = _post_counts(base.exclude(status__in=NOT_POSTS))
    camp_plan.add_loads(counts, camp_plan.camps(first, last, filters))  # a camp's steps post too
    if not counts:
        return []
    personas = {p.pk: p for p in Persona.objects.prefetch_related("channels")}
    days = []
    for day in sorted(counts):
        over = [load for load in _day_loads(counts[day], personas) if load.over]
        if over:
            days.append((day, over))
    return days


def build(
    first: date,
    last: date,
    filters: Filters,
    *,
    today: date,
    period: tuple[date, date],
    per_cell: int | None = MAX_ENTRIES_PER_CELL,
    draft_camps: bool = False,
):
    """The calendar between `first` and `last` (whole weeks), for `filters`; with
    `draft_camps`, the camps not yet published too (dashed bands, no load)."""
    base = filters.apply(CalendarEntry.objects.between(first, last)).order_by()
    # Only posts load a day: ideas and cancelled entries are not sent.
    posts = base.exclude(status__in=NOT_POSTS)
    # The database counts; Python only sees the entries that are shown.
    per_day = dict(base.values_list("date").annotate(n=Count("id")))
    loads_by_day = _post_counts(posts)
    # One query (two with drafts); the published camps' steps load the days too.
    camps = camp_plan.camps(first, last, filters, drafts=draft_camps)
    camp_plan.add_loads(loads_by_day, camps)
    shown = base.only(*ENTRY_FIELDS)
    if per_cell:
        shown = shown.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("date")],
                order_by=[F("time").asc(nulls_first=True), F("pk").asc()],
            )
        ).filter(rank__lte=per_cell)
    entries = list(shown.order_by("date", "time", "pk"))
    # Everything waiting, whatever the period on screen: the longest-waiting first.
    review = filters.apply(CalendarEntry.objects.filter(status=EntryStatus.IN_REVIEW)).order_by()
    in_review = list(review.only(*ENTRY_FIELDS).order_by("updated_at", "pk")[:REVIEW_LIST])

    topics = [
        topic
        for topic in HotTopic.objects.touching(first, last)
        if topic.prepare_from <= last and topic.end >= first
    ]
    personas = {p.pk: p for p in Persona.objects.prefetch_related("channels")}
    sensitive_days = sensitive.between(first, last)
    pauses = list(CalendarPause.objects.active().overlapping(first, last).order_by("start"))
    review_topics = HotTopic.objects.filter(
        pk__in={e.hot_topic_id for e in in_review if e.hot_topic_id} - {t.pk for t in topics}
    )
    _attach(
        entries + in_review,
        personas,
        {t.pk: t for t in [*topics, *review_topics]},
        sensitive_days,
        pauses,
    )
    # Over each topic's whole window, not the weeks on screen (gaps.py).
    current = [t for t in topics if t.end >= today]
    gaps = gap_rules.missing(current, gap_rules.covering_personas(filters.persona))

    by_day: dict[date, list] = defaultdict(list)
    for entry in entries:
        by_day[entry.date].append(entry)

    weeks: list[Week] = []
    day = first
    while day <= last:
        week_days = [day + timedelta(days=i) for i in range(7)]
        cells = []
        for d in week_days:
            todays = by_day.get(d, [])
            cells.append(
                Day(
                    day=d,
                    in_period=period[0] <= d <= period[1],
                    is_today=d == today,
                    entries=todays,
                    hidden=per_day.get(d, 0) - len(todays),
                    loads=_day_loads(loads_by_day.get(d, []), personas),
                    sensitive=sensitive_days.get(d, []),
                    paused=next((p for p in pauses if p.start <= d <= p.end), None),
                )
            )
        weeks.append(
            Week(
                days=cells,
                bands=_bands(week_days, topics, gaps),
                camps=camp_plan.bands(week_days, camps),
            )
        )
        day += timedelta(days=7)

    return {
        "weeks": weeks,
        "entries": entries,
        "topics": topics,
        "gap_topics": [t for t in topics if t.pk in gaps and t.start <= last],
        "pauses": pauses,
        "camps": camps,
        "draft_camps_shown": any(camp.draft for camp in camps),
        "in_review": in_review,
        "in_review_count": review.count(),
        "status_colours": STATUS_COLOURS,
    }


def upcoming_gaps(today: date, filters: Filters, horizon: int = GAP_HORIZON_DAYS):
    """Hot topics being prepared now or within `horizon` days with a persona's gap (gaps.py)."""
    return gap_rules.upcoming(today, filters.persona, horizon)


def month_range(month: date) -> tuple[date, date, tuple[date, date]]:
    """(first Monday shown, last Sunday shown, (first, last day of the month))."""
    last_day = date(month.year, month.month, stdlib_calendar.monthrange(month.year, month.month)[1])
    first = month - timedelta(days=month.weekday())
    last = last_day + timedelta(days=6 - last_day.weekday())
    return first, last, (month, last_day)


def week_range(day: date) -> tuple[date, date, tuple[date, date]]:
    first = day - timedelta(days=day.weekday())
    last = first + timedelta(days=6)
    return first, last, (first, last)
