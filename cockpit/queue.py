"""待审核: everything waiting for a manager, in one list, oldest first.

Calendar entries in review (with their script) and scripts in moderation that no entry in review
carries. A fixed number of queries however many items wait (tested): levels come from the cached
compliance status, excerpts from the latest revisions read in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.admin.utils import quote
from django.db.models import CharField
from django.db.models.functions import Cast
from django.urls import reverse
from wagtail.models import Revision

from content import compliance_status
from content.models import Script
from content.moderation import workflow_states
from editorial_calendar.enums import EntryStatus
from editorial_calendar.models import CalendarEntry
from personas.enums import Channel

SHOWN = 40  # items per page of the home page's queue
EXCERPT_CHARS = 90


@dataclass
class Item:
    key: str  # "entry:12" / "script:5": what the review form posts
    title: str
    persona: object
    channel: str
    day: date | None
    waiting_since: datetime | None
    entry: CalendarEntry | None = None
    script: Script | None = None
    script_waits: bool = False  # the script is in moderation: approved with the entry
    level: str = ""
    excerpt: str = ""
    edit_url: str = ""
    preview_url: str = ""
    comment: str = ""

    @property
    def week(self) -> date | None:
        return self.day - timedelta(days=self.day.weekday()) if self.day else None


@dataclass
class Queue:
    items: list[Item]
    total: int
    weeks: list[dict] = field(default_factory=list)  # {"persona", "week", "count"}
    page: int = 1
    pages: int = 1


def _script_urls(script) -> tuple[str, str]:
    """(editor, preview of the latest revision) — the preview is Wagtail's revision view."""
    name = f"wagtailsnippets_content_{script.kind}script"
    edit = reverse(f"{name}:edit", args=[quote(script.pk)])
    if not script.latest_revision_id:
        return edit, ""
    return edit, reverse(
        f"{name}:revisions_view", args=[quote(script.pk), script.latest_revision_id]
    )


def _excerpts(scripts: list) -> dict[int, str]:
    """{script id: the start of its latest revision's text} in one query."""
    revision_ids = {s.latest_revision_id: s.pk for s in scripts if s.latest_revision_id}
    rows = Revision.objects.filter(pk__in=list(revision_ids)).values_list("pk", "content")
    found = {revision_ids[pk]: (content or {}).get("search_text", "") for pk, content in rows}
    for script in scripts:
        found.setdefault(script.pk, script.search_text)
    return {pk: _clip(" ".join(text.split())) for pk, text in found.items()}


def _clip(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def build(limit: int = SHOWN, page: int = 1) -> Queue:
    """Page `page` (from 1) of `limit` items, the longest-waiting first: entries and lone
    scripts are two sources in waiting order, so the first page × limit of each are merged."""
    upto = max(1, page) * limit
    waiting = CalendarEntry.objects.filter(status=EntryStatus.IN_REVIEW)
    entries = list(
        waiting.select_related("persona", "script", "owner").order_by("updated_at", "pk")[:upto]
    )
    states = workflow_states()
    entry_script_ids = {str(e.script_id) for e in entries if e.script_id}
    in_review_ids = set(
        states.filter(object_id__in=entry_script_ids).values_list("object_id", flat=True)
    )
    # Scripts waiting alone: not carried by an entry in review (those are approved with it).
    carried = CalendarEntry.objects.filter(status=EntryStatus.IN_REVIEW, script__isnull=False)
    # WorkflowState.object_id is text: compare it with the ids as text (PostgreSQL is strict).
    carried_ids = carried.annotate(text_id=Cast("script_id", CharField())).values("text_id")
    alone = states.exclude(object_id__in=carried_ids)
    alone_rows = list(
        alone.order_by("current_task_state__started_at", "pk").values_list(
            "object_id", "current_task_state__started_at"
        )[:upto]
    )
    alone_scripts = Script.objects.filter(pk__in=[int(pk) for pk, _ in alone_rows])
    by_id = {s.pk: s for s in alone_scripts.select_related("persona")}
    total = waiting.count() + alone.count()

    scripts = [e.script for e in entries if e.script_id] + list(by_id.values())
    excerpts = _excerpts(scripts)
    levels = compliance_status.levels(scripts)
    items: list[Item] = []
    for entry in entries:
        script = entry.script
        item = Item(
            key=f"entry:{entry.pk}",
            title=entry.title,
            persona=entry.persona,
            channel=str(Channel(entry.channel).label) if entry.channel in Channel.values else "",
            day=entry.date,
            waiting_since=entry.updated_at,
            entry=entry,
            script=script,
            script_waits=bool(script and str(script.pk) in in_review_ids),
            comment=entry.notes,
        )
        if script is not None:
            item.level = levels.get(script.pk, "")
            item.excerpt = excerpts.get(script.pk, "")
            item.edit_url, item.preview_url = _script_urls(script)
        items.append(item)
    for pk, started in alone_rows:
        script = by_id.get(int(pk))
        if script is None:
            continue
        edit_url, preview_url = _script_urls(script)
        items.append(
            Item(
                key=f"script:{script.pk}",
                title=script.title,
                persona=script.persona,
                channel="",
                day=None,
                waiting_since=started,
                script=script,
                script_waits=True,
                level=levels.get(script.pk, ""),
                excerpt=excerpts.get(script.pk, ""),
                edit_url=edit_url,
                preview_url=preview_url,
            )
        )
    items.sort(key=lambda i: (i.waiting_since is None, i.waiting_since or datetime.min))
    items = items[upto - limit : upto]
    weeks: dict[tuple[int, date], dict] = {}
    for item in items:
        if item.entry is not None:
            group = weeks.setdefault(
                (item.persona.pk, item.week),
                {"persona": item.persona, "week": item.week, "count": 0},
            )
            group["count"] += 1
    ordered = sorted(weeks.values(), key=lambda g: (g["week"], g["persona"].name))
    pages = max(1, -(-total // limit))
    return Queue(items=items, total=total, weeks=ordered, page=page, pages=pages)


def week_entries(persona_id: int, week: date):
    """Every entry of `persona_id` in review in the week starting `week` (Monday), by date."""
    return list(
        CalendarEntry.objects.filter(
            status=EntryStatus.IN_REVIEW,
            persona_id=persona_id,
            date__gte=week,
            date__lte=week + timedelta(days=6),
        )
        .select_related("persona", "script")
        .order_by("date", "time", "pk")
    )
