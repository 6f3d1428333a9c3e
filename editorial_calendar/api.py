"""Delivery API: the calendar entries bots act on, and the hot topics they can plan around."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from content.models import Script
from core.api import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    aware,
    cached_answer,
    invalid,
    iso,
    page,
    strict_query,
)

from .delivery import deliverable_on_date, unavailable_reason
from .models import CalendarEntry, HotTopic
from .schemas import CategoryName, ChannelName, EntryList, HotTopicList

MAX_SPAN_DAYS = 366
# Dates outside these are refused (422), as datetimes are (to_utc): the window's arithmetic
# (a default end, a topic's lead time) must not run past the calendar's end.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
calendar_router = Router(tags=["calendar"])
hot_topics_router = Router(tags=["hot topics"])


def span(start: date | None, end: date | None, default_days: int) -> tuple[date, date]:
    """The [from, to] window: defaults from today, at most MAX_SPAN_DAYS long."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise invalid(["query", name], _("This date is out of range."))
    start = start or timezone.localdate()
    if end is None:
        end = start + timedelta(days=default_days)
    if end < start:
        raise invalid(["query", "to"], _("“to” cannot be before “from”."))
    if (end - start).days > MAX_SPAN_DAYS:
        raise invalid(
            ["query", "to"],
            _("The range is at most %(n)d days; this one has %(m)d.")
            % {"n": MAX_SPAN_DAYS, "m": (end - start).days},
        )
    return start, end


def with_script_visibility(entries, client, moment: datetime):
    """Annotate `script_visible`: the linked script is the entry's own persona's and `client`
    sees it (``BotClient.visible``) — a subquery of the list's own query, no query of its own."""
    own = Script.objects.filter(pk=OuterRef("script_id"), persona_id=OuterRef("persona_id"))
    return entries.annotate(script_visible=Exists(client.visible(own, moment)))


def entry_to_api(entry: CalendarEntry, moment: datetime | None = None) -> dict:
    """`script` only when annotated visible (``with_script_visibility``): otherwise it would
    name a script that /scripts/{id}/ calls nonexistent, and `script_unavailable_reason` says
    why it is null (at `moment`, default now)."""
    script = entry.script
    visible = script is not None and getattr(entry, "script_visible", False)
    reason = unavailable_reason(entry, visible, moment or timezone.now())
    return {
        "id": entry.pk,
        "date": entry.date.isoformat(),
        "time": entry.time.isoformat() if entry.time else None,
        "persona": entry.persona.slug,
        "channel": entry.channel,
        "title": entry.title,
        "status": entry.status,
        "hot_topic": (
            {"slug": entry.hot_topic.slug, "name": entry.hot_topic.name}
            if entry.hot_topic
            else None
        ),
        "script": (
            {"id": script.pk, "kind": script.kind, "title": script.title} if visible else None
        ),
        "notes": entry.notes,
        "updated_at": iso(entry.updated_at),
        "script_unavailable_reason": reason,
    }


def entries_for(client, start: date, end: date, persona: str | None, channel: str | None):
    """The entries `client` may act on from `start` to `end`, by date and time (the list's
    query; MCP's calendar_due and Dify's extension use it too)."""
    now = timezone.now()
    entries = client.visible(CalendarEntry.objects.between(start, end), now)
    if persona is not None:
        entries = entries.filter(persona__slug=persona)
    if channel:
        entries = entries.filter(channel=channel)
    entries = with_script_visibility(entries, client, now)
    entries = (
        entries.select_related("persona", "hot_topic", "script")
        .only(*ENTRY_FIELDS)
        .order_by("date", F("time").asc(nulls_first=True), "pk")
    )
    # Not served: an entry whose script cannot be delivered on its date (rare: approving one is
    # refused; its script changed since). Decided per loaded entry, as the admin decides it.
    linked = entries.filter(script__isnull=False).select_related(None).only(*LINK_FIELDS)
    linked = linked.select_related("script")
    held = [entry.pk for entry in linked if not deliverable_on_date(entry)]
    return entries.exclude(pk__in=held) if held else entries


# What deliverable_on_date() reads.
LINK_FIELDS = ("id", "date", "time", "persona_id", "script_id",
               *(f"script__{name}" for name in ("persona", "live", "go_live_at", "expire_at",
                                                "valid_from", "valid_until")))  # fmt: skip

# What entry_to_api() and unavailable_reason() read: whole scripts and personas (StreamFields,
# briefs) cost more to load than the rest of a calendar request.
ENTRY_FIELDS = (
    *(field.name for field in CalendarEntry._meta.concrete_fields),
    "persona__slug",
    "hot_topic__slug",
    "hot_topic__name",
    *(f"script__{name}" for name in ("kind", "title", "persona", "live", "go_live_at",
                                       "expire_at", "valid_from", "valid_until")),
)  # fmt: skip


@calendar_router.get(
    "",
    response={200: EntryList, **ERRORS},
    summary="Calendar entries",
    operation_id="list_calendar_entries",
    url_name="calendar",
)
@strict_query
def list_entries(
    request: HttpRequest,
    from_: date | None = Query(None, alias="from"),
    to: date | None = None,
    persona: str | None = None,
    channel: ChannelName | None = None,
    updated_since: datetime | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """Entries a bot may act on (approved, scheduled, published) from `from` to `to`
    (default: today and the next 7 days; at most 366 days), by date and time; entries on
    paused dates are held (left out) until resumed, and so is an entry whose script cannot be
    delivered on its date. `script` is null while there is none (`script_unavailable_reason`
    `no_script`) or it is not valid yet (`outside_validity`), and the reason null otherwise."""
    start, end = span(from_, to, 7)

    def build():
        entries = entries_for(request.auth, start, end, persona, channel)
        if updated_since:
            entries = entries.filter(updated_at__gt=aware(updated_since))
        return page(request, entries, limit, offset,
                    lambda items: [entry_to_api(e) for e in items], direct=True)  # fmt: skip

    # The window is part of the key: "today" moves at midnight with no change to any row.
    return cached_answer(request, build, (start, end))


def topic_to_api(topic: HotTopic) -> dict:
    return {
        "slug": topic.slug,
        "name": topic.name,
        "category": topic.category,
        "start": topic.start.isoformat(),
        "end": topic.end.isoformat(),
        "lead_days": topic.lead_days,
        "prepare_from": topic.prepare_from.isoformat(),
        "description": topic.description,
        "angles": list(topic.angles or []),
        "updated_at": iso(topic.updated_at),
    }


def topics_between(start: date, end: date):
    """Topics whose preparation window or dates overlap [start, end], by start date."""
    topics = HotTopic.objects.touching(start, end)
    # touching() is a superset (the lead is per topic): keep [prepare_from, end] ∩ [from, to].
    ids = [t.pk for t in topics.only("pk", "start", "lead_days") if t.prepare_from <= end]
    return HotTopic.objects.filter(pk__in=ids).order_by("start", "name", "pk")


@hot_topics_router.get(
    "",
    response={200: HotTopicList, **ERRORS},
    summary="Hot topics",
    operation_id="list_hot_topics",
    url_name="hot_topics",
)
@strict_query
def list_hot_topics(
    request: HttpRequest,
    from_: date | None = Query(None, alias="from"),
    to: date | None = None,
    category: CategoryName | None = None,
    updated_since: datetime | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """Topics worth preparing for between `from` and `to` (default: today and the next 30
    days): those whose preparation window or dates overlap the range, by start date."""
    start, end = span(from_, to, 30)

    def build():
        topics = topics_between(start, end)
        if category:
            topics = topics.filter(category=category)
        if updated_since:
            topics = topics.filter(updated_at__gt=aware(updated_since))
        return page(request, topics, limit, offset, lambda items: [topic_to_api(t) for t in items])

    return cached_answer(request, build, (start, end))
