"""Moving a calendar entry through its statuses: one implementation for admin, API and tests."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from .enums import REVIEW_MOVES, TRANSITIONS, EntryStatus

REVIEW_PERMISSION = "editorial_calendar.review_calendarentry"
# What a review approves: what bots see and when and where it runs. The owner is not in it
# (who does the work is not what bots act on), nor the status and review comment themselves.
REVIEWED_FIELDS = ("date", "time", "persona", "channel", "title", "hot_topic", "script", "notes")
# Approved work a non-reviewer's change sends back to review; published is history, only a
# reviewer may still correct it.
REOPENED_BY_CHANGES = (EntryStatus.APPROVED, EntryStatus.SCHEDULED)


class TransitionError(ValueError):
    pass


def is_review_move(current: str, new: str) -> bool:
    return (current, new) in REVIEW_MOVES


def allowed_moves(entry, user) -> list[str]:
    """Statuses `user` may move `entry` to, in the order of EntryStatus."""
    reviewer = can_review(user)
    return [
        status
        for status in EntryStatus.values
        if status in TRANSITIONS.get(entry.status, set())
        and (reviewer or not is_review_move(entry.status, status))
    ]


# Statuses in which bots act on an entry: reaching them needs a deliverable script.
NEEDS_DELIVERABLE_SCRIPT = (EntryStatus.APPROVED, EntryStatus.SCHEDULED)


def check_move(current: str, new: str, user, entry=None) -> None:
    """Raise TransitionError when `user` may not move an entry from `current` to `new` — and,
    given the `entry` (as it will be saved), when it would become approved or scheduled with a
    script that will not be deliverable on its date (the message says why)."""
    if new == current:
        return
    if new not in TRANSITIONS.get(current, set()):
        raise TransitionError(
            _("An entry cannot go from “%(current)s” to “%(new)s”.")
            % {"current": EntryStatus(current).label, "new": EntryStatus(new).label}
        )
    if is_review_move(current, new) and not can_review(user):
        raise TransitionError(_("Only managers can approve, schedule or send back entries."))
    if entry is not None:
        check_deliverable(entry, new)


def check_deliverable(entry, new: str) -> None:
    """TransitionError if `entry` may not be in status `new` because of its script."""
    if new not in NEEDS_DELIVERABLE_SCRIPT:
        return
    from .delivery import undeliverable

    reasons = undeliverable(entry)
    if reasons:
        raise TransitionError(
            _("“%(title)s” cannot be %(status)s: %(reasons)s.")
            % {
                "title": entry.title,
                "status": EntryStatus(new).label,
                "reasons": "；".join(str(r) for r in reasons),
            }
        )


def can_review(user) -> bool:
    return user.has_perm(REVIEW_PERMISSION)


def status_after_edit(current: str, chosen: str, changed: Iterable[str], user) -> str:
    """The status an edited entry is saved with, so that nothing bots act on skips review.

    A reviewer's edit keeps the status they chose (their change is reviewed by them). Anyone
    else who changes a reviewed field of an approved or scheduled entry sends it back to
    "in review", unless they cancel it; a published entry they may not change at all
    (TransitionError). `chosen` must already have passed check_move()."""
    if chosen != current or can_review(user):
        return chosen
    if not set(changed) & set(REVIEWED_FIELDS):
        return chosen
    if current in REOPENED_BY_CHANGES:
        return EntryStatus.IN_REVIEW
    if current == EntryStatus.PUBLISHED:
        raise TransitionError(_("A published entry can only be changed by a manager."))
    return chosen


@transaction.atomic
def move(entry, new: str, user, comment: str = ""):
    """Change `entry`'s status (saving it), or raise TransitionError and change nothing."""
    check_move(entry.status, new, user, entry=entry)
    sending_back = new == EntryStatus.DRAFTING and entry.status in {
        EntryStatus.IN_REVIEW,
        EntryStatus.APPROVED,
        EntryStatus.SCHEDULED,
    }
    if sending_back and not comment.strip():
        raise TransitionError(_("Say why when sending an entry back."))
    entry.status = new
    if comment.strip():
        entry.review_comment = comment.strip()
    entry.save(update_fields=["status", "review_comment", "updated_at"])
    return entry
