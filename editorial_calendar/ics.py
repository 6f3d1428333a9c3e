"""The iCalendar feed: hot topics as all-day events, calendar entries as timed events."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .enums import EntryStatus
from .models import CalendarEntry, HotTopic

PAST_DAYS = 60
FUTURE_DAYS = 366
ENTRY_MINUTES = 30


def build_feed(*, persona=None, today=None) -> bytes:
    today = today or timezone.localdate()
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    tz = timezone.get_current_timezone()
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1]

    cal = Calendar()
    cal.add("prodid", "-//siyu-cms//editorial calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"热点日历 · {persona.name}" if persona else "热点日历")
    cal.add("x-wr-timezone", settings.TIME_ZONE)

    for topic in HotTopic.objects.filter(start__lte=last, end__gte=first):
        event = Event()
        event.add("uid", f"hot-topic-{topic.slug}@{host}")
        event.add("summary", f"【{topic.get_category_display()}】{topic.name}")
        event.add("dtstart", topic.start)
        event.add("dtend", topic.end + timedelta(days=1))  # DTEND is exclusive for dates
        description = [topic.description, f"准备开始：{topic.prepare_from:%Y-%m-%d}"]
        if topic.angles:
            description.append("内容角度：" + "；".join(topic.angles))
        event.add("description", "\n".join(part for part in description if part))
        event.add("categories", [str(topic.get_category_display())])
        event.add("dtstamp", topic.updated_at)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)

    entries = CalendarEntry.objects.between(first, last).exclude(status=EntryStatus.CANCELLED)
    if persona is not None:
        entries = entries.filter(persona=persona)
    for entry in entries.select_related("persona", "hot_topic", "script"):
        event = Event()
        event.add("uid", f"calendar-entry-{entry.pk}@{host}")
        event.add(
            "summary",
            f"[{entry.get_status_display()}] {entry.persona.name} · "
            f"{entry.get_channel_display()} · {entry.title}",
        )
        if entry.time:
            start = datetime.combine(entry.date, entry.time, tzinfo=tz)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=ENTRY_MINUTES))
        else:
            event.add("dtstart", entry.date)
            event.add("dtend", entry.date + timedelta(days=1))
        lines = [entry.notes]
        if entry.hot_topic:
            lines.append(f"热点：{entry.hot_topic.name}")
        if entry.script:
            lines.append(f"话术：{entry.script.title}")
        event.add("description", "\n".join(line for line in lines if line))
        event.add(
            "status",
            "CONFIRMED" if entry.status in {"approved", "scheduled", "published"} else "TENTATIVE",
        )
        event.add("dtstamp", entry.updated_at)
        cal.add_component(event)
    return cal.to_ical()
