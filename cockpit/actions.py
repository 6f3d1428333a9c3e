"""The review queue's actions: approve or send back one item, approve a persona's week.
Every path goes through the existing implementations: `content.moderation` (Wagtail's workflow
task with the compliance gate), `editorial_calendar.approval` (one approval of a slot and its
waiting script) and `editorial_calendar.workflow.move`.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from content import moderation
from content.gates import ComplianceBlocked
from content.models import Script
from editorial_calendar.approval import approve_entry, refusals
from editorial_calendar.enums import EntryStatus
from editorial_calendar.models import CalendarEntry
from editorial_calendar.workflow import TransitionError, move

from .queue import week_entries


class Refused(ValueError):
    pass


def _parse(key: str) -> tuple[str, int]:
    kind, _sep, pk = (key or "").partition(":")
    if kind not in {"entry", "script"} or not pk.isdigit():
        raise Refused(_("Unknown item."))
    return kind, int(pk)


def act(key: str, action: str, user, comment: str = "") -> str:
    """Approve or send back the item `key` ("entry:12" / "script:5"); returns what happened.
    Refused (with the reasons) when it may not; nothing changes then."""
    kind, pk = _parse(key)
    comment = (comment or "").strip()
    if action not in {"approve", "send_back"}:
        raise Refused(_("Unknown review action."))
    if action == "send_back" and not comment:
        raise Refused(_("Say why when sending something back: the comment is required."))
    try:
        if kind == "entry":
            entry = get_object_or_404(
                CalendarEntry.objects.select_related("persona", "script"), pk=pk
            )
            if action == "approve":
                approve_entry(entry, user, EntryStatus.APPROVED, comment)
            else:
                _send_back_entry(entry, user, comment)
            title = entry.title
        else:
            script = get_object_or_404(Script, pk=pk)
            if action == "approve":
                moderation.approve(script, user, comment)
            else:
                moderation.request_changes(script, user, comment)
            title = script.title
    except (TransitionError, ComplianceBlocked, moderation.ModerationRefused) as error:
        raise Refused(str(error)) from error
    except PermissionDenied as error:
        raise Refused(_("You may not review this item.")) from error
    if action == "approve":
        return _("Approved: “%(title)s”.") % {"title": title}
    return _("Sent back with your comment: “%(title)s”.") % {"title": title}


@transaction.atomic
def _send_back_entry(entry, user, comment: str) -> None:
    """The entry goes back to drafting; its script, if it waits in moderation, gets the same
    comment as a request for changes (so the copywriter sees it in the editor)."""
    move(entry, EntryStatus.DRAFTING, user, comment)
    script = entry.script
    if script is not None and script.workflow_in_progress and moderation.can_moderate(script, user):
        moderation.request_changes(script, user, comment)


def approve_week(persona_id: int, week: date, user) -> int:
    """Approve every entry of a persona in review in one week (and their waiting scripts) when
    every one passes; otherwise Refused listing each item's reasons and nothing changes."""
    entries = week_entries(persona_id, week)
    if not entries:
        raise Refused(_("Nothing of this persona waits for review in that week."))
    problems = []
    for entry in entries:
        reasons = refusals(entry, user)
        if reasons:
            problems.append(f"{entry.date:%m-%d} {entry.title}：{'；'.join(reasons)}")
    if problems:
        raise Refused(
            _("The week was not approved; %(n)d item(s) do not pass: %(list)s")
            % {"n": len(problems), "list": " | ".join(problems)}
        )
    try:
        with transaction.atomic():
            for entry in entries:
                approve_entry(entry, user)
    except (TransitionError, ComplianceBlocked, moderation.ModerationRefused) as error:
        raise Refused(str(error)) from error
    return len(entries)
