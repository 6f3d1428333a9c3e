"""Moving a calendar entry through its statuses: one implementation for admin, API and tests."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .enums import REVIEW_MOVES, TRANSITIONS, EntryStatus

REVIEW_PERMISSION = "editorial_calendar.review_calendarentry"


class TransitionError(ValueError):
    pass


def is_review_move(current: str, new: str) -> bool:
    return (current, new) in REVIEW_MOVES


def allowed_moves(entry, user) -> list[str]:
    """Statuses `user` may move `entry` to, in the order of EntryStatus."""
    can_review = user.has_perm(REVIEW_PERMISSION)
    return [
        status
        for status in EntryStatus.values
        if status in TRANSITIONS.get(entry.status, set())
        and (can_review or not is_review_move(entry.status, status))
    ]


def check_move(current: str, new: str, user) -> None:
    if new == current:
        return
    if new not in TRANSITIONS.get(current, set()):
        raise TransitionError(
            _("An entry cannot go from “%(current)s” to “%(new)s”.")
            % {"current": EntryStatus(current).label, "new": EntryStatus(new).label}
        )
    if is_review_move(current, new) and not user.has_perm(REVIEW_PERMISSION):
        raise TransitionError(_("Only managers can approve, schedule or send back entries."))


@transaction.atomic
def move(entry, new: str, user, comment: str = ""):
    """Change `entry`'s status (saving it), or raise TransitionError and change nothing."""
    check_move(entry.status, new, user)
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
