"""The copywriter's home: their drafts, what was sent back to them with the reviewer's comment,
and their entries due within a week without an approved (published) script. Fixed queries."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from content import compliance_status
from content.models import Script
from content.moderation import workflow_states
from editorial_calendar.enums import EntryStatus
from editorial_calendar.models import CalendarEntry

from .queue import _script_urls

SHOWN = 20
ENTRY_EDIT = "wagtailsnippets_editorial_calendar_calendarentry:edit"
DUE_DAYS = 7


def drafts(user, limit: int = SHOWN) -> list[Script]:
    """Scripts whose latest revision is theirs and not published yet (new or changed)."""
    rows = list(
        Script.objects.filter(latest_revision__user=user)
        .filter(Q(live=False) | Q(has_unpublished_changes=True))
        .select_related("persona")
        .order_by("-updated_at", "-pk")[:limit]
    )
    levels = compliance_status.levels(rows)
    for script in rows:
        script.level = levels.get(script.pk, "")
        script.edit_url, script.preview_url = _script_urls(script)
    return rows


def sent_back(user, limit: int = SHOWN) -> list[dict]:
    """Scripts whose changes were requested (Wagtail's workflow comment) and calendar entries a
    manager sent back, for `user`, newest first."""
    states = list(
        workflow_states(WorkflowState.STATUS_NEEDS_CHANGES)
        .filter(requested_by=user)
        .select_related("current_task_state__finished_by")
        .order_by("-current_task_state__finished_at")[:limit]
    )
    scripts = Script.objects.filter(pk__in=[int(s.object_id) for s in states])
    by_id = {s.pk: s for s in scripts.select_related("persona")}
    items = []
    for state in states:
        script = by_id.get(int(state.object_id))
        task_state = state.current_task_state
        if script is None or task_state is None:
            continue
        edit_url, _preview = _script_urls(script)
        items.append(
            {
                "title": script.title,
                "persona": script.persona.name,
                "comment": task_state.comment,
                "reviewer": task_state.finished_by,
                "when": task_state.finished_at,
                "url": edit_url,
            }
        )
    entries = (
        CalendarEntry.objects.filter(owner=user, status=EntryStatus.DRAFTING)
        .exclude(review_comment="")
        .select_related("persona")
        .order_by("-updated_at")[:limit]
    )
    listed = set(by_id)
    for entry in entries:
        if entry.script_id in listed:  # sent back with its script: the comment is shown once
            continue
        items.append(
            {
                "title": entry.title,
                "persona": entry.persona.name,
                "comment": entry.review_comment,
                "reviewer": None,
                "when": entry.updated_at,
                "url": reverse(ENTRY_EDIT, args=[entry.pk]),
            }
        )
    items.sort(key=lambda i: i["when"] or timezone.now(), reverse=True)
    return items[:limit]


def due_without_script(user, limit: int = SHOWN, today=None) -> list[CalendarEntry]:
    today = today or timezone.localdate()
    return list(
        CalendarEntry.objects.filter(
            owner=user, date__gte=today, date__lte=today + timedelta(days=DUE_DAYS)
        )
        .exclude(status__in=[EntryStatus.CANCELLED, EntryStatus.PUBLISHED])
        .filter(Q(script__isnull=True) | Q(script__live=False))
        .select_related("persona", "script")
        .order_by("date", "time", "pk")[:limit]
    )
