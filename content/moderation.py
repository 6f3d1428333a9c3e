"""Acting on a script's moderation (Wagtail's workflow) outside Wagtail's own action view: the
home page's review queue and the calendar's "one approval". Same path as Wagtail's
WorkflowActionView: the current task's `get_actions` decides who may act, `task.on_action` acts;
approving is refused by the one compliance gate (`content.gates`) first, as in
`admin_views.GatedWorkflowActionView`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .gates import ComplianceBlocked, blocking


class ModerationRefused(ValueError):
    pass


def workflow_states(status: str = "in_progress"):
    """Scripts' workflow states with `status` (Wagtail's WorkflowState.STATUS_*): the one
    question "which scripts are in moderation / sent back", for the review queue, the pickers,
    the calendar and the library's filter. ``object_id`` is text."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import WorkflowState

    from .models import Script

    script_type = ContentType.objects.get_for_model(Script)
    return WorkflowState.objects.filter(base_content_type=script_type, status=status)


def with_workflow_status(scripts, status: str = "in_progress"):
    """`scripts` (a queryset) narrowed to those whose workflow has `status`."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    ids = workflow_states(status).values("object_id")
    # object_id is text: compare it with the ids as text (PostgreSQL is strict).
    return scripts.alias(_text_id=Cast("pk", CharField())).filter(_text_id__in=ids)


def approval_findings(script) -> list:
    """The gate for approving: open errors of the version that would be published (the latest
    revision), with the rules as they are now."""
    latest = script.get_latest_revision_as_object() if script.latest_revision_id else script
    return blocking(latest)


def _task_state(script):
    state = script.current_workflow_state
    if state is None or state.status != state.STATUS_IN_PROGRESS or not state.current_task_state:
        raise ModerationRefused(_("“%(title)s” is not waiting for review.") % {"title": script})
    return state.current_task_state


def can_moderate(script, user) -> bool:
    try:
        task_state = _task_state(script)
    except ModerationRefused:
        return False
    return bool(task_state.task.specific.get_actions(script, user))


def _act(script, user, action: str, comment: str) -> None:
    task_state = _task_state(script)
    task = task_state.task.specific
    if action not in {name for name, _label, _modal in task.get_actions(script, user)}:
        raise PermissionDenied
    task.on_action(task_state, user, action, comment=comment)


@transaction.atomic
def approve(script, user, comment: str = "") -> None:
    """Approve the script's current task (the last task publishes it). ComplianceBlocked when
    an open error blocks it; ModerationRefused when it is not in review; PermissionDenied when
    `user` may not act on the task."""
    found = approval_findings(script)
    if found:
        raise ComplianceBlocked(found)
    _act(script, user, "approve", comment.strip())


@transaction.atomic
def request_changes(script, user, comment: str) -> None:
    """Send the script back to its author with a comment (required)."""
    comment = (comment or "").strip()
    if not comment:
        raise ModerationRefused(_("Say why when sending a script back."))
    _act(script, user, "reject", comment)


def changes_requested(script):
    """(comment, reviewer, when) of the request for changes that holds `script`, or None."""
    state = script.current_workflow_state
    if state is None or state.status != state.STATUS_NEEDS_CHANGES:
        return None
    task_state = state.current_task_state
    if task_state is None or not task_state.comment:
        return None
    return task_state.comment, task_state.finished_by, task_state.finished_at
