"""One approval: approving (or scheduling) a calendar entry whose script waits in moderation
approves that script in the same action — the script checked by the compliance gate at that
moment, the entry by `workflow.check_move` (deliverability). All or nothing: a refusal of
either changes neither. Used by the calendar's review panel and the home page's queue.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from content import moderation
from content.gates import ComplianceBlocked

from .enums import EntryStatus
from .workflow import TransitionError, check_move, move


def script_waits(entry) -> bool:
    script = entry.script
    return bool(script is not None and script.workflow_in_progress)


def refusals(entry, user, target: str = EntryStatus.APPROVED) -> list[str]:
    """Why `user` may not approve `entry` (and its waiting script) now; [] when they may."""
    reasons: list[str] = []
    try:
        check_move(entry.status, target, user, entry=entry)
    except TransitionError as error:
        reasons.append(str(error))
    if script_waits(entry):
        script = entry.script
        if not moderation.can_moderate(script, user):
            reasons.append(
                _("You may not approve the script “%(title)s”.") % {"title": script.title}
            )
        else:
            found = moderation.approval_findings(script)
            if found and not reasons:  # check_move already lists the script's errors
                reasons.append(str(ComplianceBlocked(found)))
    return reasons


@transaction.atomic
def approve_entry(entry, user, target: str = EntryStatus.APPROVED, comment: str = ""):
    """Approve (or schedule) `entry`, approving its waiting script first. TransitionError with
    every reason when refused; nothing changes then."""
    reasons = refusals(entry, user, target)
    if reasons:
        raise TransitionError("；".join(reasons))
    if script_waits(entry):
        try:
            moderation.approve(entry.script, user, comment=comment)
        except (ComplianceBlocked, moderation.ModerationRefused) as error:
            raise TransitionError(str(error)) from error
        except PermissionDenied as error:
            raise TransitionError(_("You may not approve this script.")) from error
        entry.script.refresh_from_db()
    return move(entry, target, user, comment)
