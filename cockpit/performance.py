"""效果: what bots reported in the last 7 or 30 days (bots.ReportedEvent: every event with its
moment, script and channel), per persona, per channel, per day, and the scripts that converted
best among those sent at least MIN_SENT times. A fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Case, IntegerField, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bots.models import ReportedEvent
from content.enums import UsageEvent
from content.models import Script
from personas.enums import Channel
from personas.models import Persona

METRICS = (UsageEvent.SENT, UsageEvent.READ, UsageEvent.CLICKED, UsageEvent.CONVERTED)
PERIODS = (7, 30)
MIN_SENT = 20
TOP = 5


@dataclass
class Row:
    label: str
    counts: dict[str, int]

    def values(self) -> list[int]:
        return [self.counts.get(m.value, 0) for m in METRICS]


@dataclass
class TopScript:
    script_id: int
    title: str
    persona: str
    sent: int
    converted: int

    @property
    def rate(self) -> float:
        return self.converted / self.sent if self.sent else 0.0


def _rows(pairs, label_of) -> list[Row]:
    table: dict[object, dict[str, int]] = defaultdict(dict)
    for key, event_type, total in pairs:
        table[key][event_type] = int(total or 0)
    rows = [Row(label_of(key), counts) for key, counts in table.items()]
    return sorted(rows, key=lambda r: (-r.counts.get(UsageEvent.SENT, 0), r.label))


def _channel_label(value: str) -> str:
    if value in Channel.values:
        return str(Channel(value).label)
    return _("Unspecified")


def summary(days: int = 7, now=None) -> dict:
    """The 效果 panel's data for the last `days` days."""
    now = now or timezone.now()
    # Today and the days before it, from local midnight: 7 days are 7 points on the trend.
    first = timezone.localtime(now).date() - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    events = ReportedEvent.objects.filter(
        occurred_at__gte=since, occurred_at__lte=now, type__in=[m.value for m in METRICS]
    ).order_by()
    # Per script first (one GROUP BY); persona totals and the top list are summed from it.
    per_script: dict[int, dict[str, int]] = defaultdict(dict)
    for script_id, event_type, total in events.values_list("script_id", "type").annotate(
        total=Sum("count")
    ):
        per_script[script_id][event_type] = int(total or 0)
    persona_of = dict(
        Script.objects.filter(pk__in=events.values("script_id")).values_list("pk", "persona_id")
    )
    by_persona: dict[tuple[int | None, str], int] = defaultdict(int)
    for script_id, counts in per_script.items():
        for event_type, total in counts.items():
            by_persona[(persona_of.get(script_id), event_type)] += total
    names = dict(
        Persona.objects.filter(pk__in={p for p, _t in by_persona if p}).values_list("pk", "name")
    )
    personas = _rows(
        [(p, t, n) for (p, t), n in by_persona.items()],
        lambda pk: names.get(pk, _("Deleted script")),
    )
    channels = _rows(
        events.values_list("channel", "type").annotate(total=Sum("count")), _channel_label
    )
    # Day buckets compared in SQL (no per-row date function: SQLite would call Python per row).
    tz = timezone.get_current_timezone()
    starts = [
        timezone.make_aware(datetime.combine(first + timedelta(days=i + 1), time.min), tz)
        for i in range(days)
    ]
    bucket = Case(
        *[When(occurred_at__lt=start, then=Value(i)) for i, start in enumerate(starts)],
        default=Value(days - 1),
        output_field=IntegerField(),
    )
    by_day: dict = defaultdict(dict)
    for index, event_type, total in (
        events.annotate(bucket=bucket).values_list("bucket", "type").annotate(total=Sum("count"))
    ):
        by_day[index][event_type] = int(total or 0)
    trend = [
        Row((first + timedelta(days=i)).strftime("%m-%d"), by_day.get(i, {})) for i in range(days)
    ]
    candidates = [
        (pk, counts.get(UsageEvent.SENT, 0), counts.get(UsageEvent.CONVERTED, 0))
        for pk, counts in per_script.items()
        if counts.get(UsageEvent.SENT, 0) >= MIN_SENT
    ]
    candidates.sort(key=lambda c: (-(c[2] / c[1]), -c[1], c[0]))
    candidates = candidates[:TOP]
    scripts = {
        s.pk: s
        for s in Script.objects.filter(pk__in=[c[0] for c in candidates])
        .select_related("persona")
        .only("pk", "title", "persona__name")
    }
    top = [
        TopScript(pk, scripts[pk].title, scripts[pk].persona.name, sent, converted)
        for pk, sent, converted in candidates
        if pk in scripts
    ]
    return {
        "days": days,
        "metrics": [str(m.label) for m in METRICS],
        "personas": personas,
        "channels": channels,
        "trend": trend,
        "top": top,
        "min_sent": MIN_SENT,
        "empty": not personas,
    }


def chart_data(data: dict) -> dict:
    """Plain lists for the charts (json_script): one grouped bar chart per table, a line chart
    for the trend."""

    def table(rows):
        return {
            "labels": [r.label for r in rows],
            "series": [
                {"name": name, "values": [r.values()[i] for r in rows]}
                for i, name in enumerate(data["metrics"])
            ],
        }

    return {
        "personas": table(data["personas"]),
        "channels": table(data["channels"]),
        "trend": table(data["trend"]),
    }
