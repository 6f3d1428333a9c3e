"""Gaps: hot topics a persona would cover that have nothing planned.

A topic is planned for a persona when an entry of that persona, linked to the topic and not
cancelled, falls anywhere in the topic's preparation window and run ([prepare_from, end]) —
whatever range the calendar happens to show. The personas that would cover a topic are the
published ones with at least one account (or the one the calendar is filtered to).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from personas.models import Persona

from .enums import EntryStatus
from .models import CalendarEntry, HotTopic

GAP_HORIZON_DAYS = 30


def covering_personas(persona_id: int | None = None) -> list[Persona]:
    """Who would cover a hot topic: the filtered persona, or every published persona with an
    account (one query)."""
    if persona_id:
        return list(Persona.objects.filter(pk=persona_id).only("id", "name", "slug"))
    personas = Persona.objects.filter(live=True, channels__isnull=False).distinct()
    return list(personas.order_by("name").only("id", "name", "slug"))


def missing(topics: list[HotTopic], personas: list[Persona]) -> dict[int, list[Persona]]:
    """{topic id: personas with nothing planned in its whole window}, only topics with a gap
    (one query however many topics)."""
    if not topics or not personas:
        return {}
    first = min(t.prepare_from for t in topics)
    last = max(t.end for t in topics)
    planned: dict[int, set[int]] = defaultdict(set)
    windows = {t.pk: (t.prepare_from, t.end) for t in topics}
    rows = (
        CalendarEntry.objects.filter(
            hot_topic_id__in=list(windows),
            persona_id__in=[p.pk for p in personas],
            date__gte=first,
            date__lte=last,
        )
        .exclude(status=EntryStatus.CANCELLED)
        .order_by()
        .values_list("hot_topic_id", "persona_id", "date")
        .distinct()
    )
    for topic_id, persona_id, day in rows:
        lo, hi = windows[topic_id]
        if lo <= day <= hi:
            planned[topic_id].add(persona_id)
    result = {}
    for topic in topics:
        lacking = [p for p in personas if p.pk not in planned[topic.pk]]
        if lacking:
            result[topic.pk] = lacking
    return result


def upcoming(today: date, persona_id: int | None = None, horizon: int = GAP_HORIZON_DAYS):
    """Hot topics whose preparation window has started or starts within `horizon` days, not
    over yet, with nothing planned for some persona that would cover them; each carries
    `.missing` (those personas). Ordered by start."""
    last = today + timedelta(days=horizon)
    topics = [
        t
        for t in HotTopic.objects.touching(today, last).order_by("start", "name")
        if t.prepare_from <= last and t.end >= today
    ]
    lacking = missing(topics, covering_personas(persona_id))
    for topic in topics:
        topic.missing = lacking.get(topic.pk, [])
    return [t for t in topics if t.missing]
