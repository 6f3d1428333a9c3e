"""The compliance record of each publish (evidence for audits).

`record_publish(script, revision, user)` runs from `Script.after_publish`, inside the publish
transaction, for every path that makes a revision live (editor, workflow approval, bulk
action, import, scheduled go-live). It stores the rule-set version, every finding (accepted
ones marked), the overrides that applied, who approved and who published, and the texts served.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry, TaskState

from compliance import engine
from compliance.models import ComplianceRecord

from .gates import findings as gated_findings


def _finding_dict(finding) -> dict:
    return {
        "level": finding.level,
        "rule": finding.code,
        "message": str(finding.message),
        "where": finding.where,
        "match": finding.term,
        "start": finding.start,
        "end": finding.end,
        "citation": finding.citation,
        "accepted": finding.accepted is not None,
    }


def approver_of(script, revision, publisher):
    """Who approved this revision: the last workflow approval given after the revision was
    made; else whoever scheduled it; else the publisher (publishing directly approves)."""
    content_type = ContentType.objects.get_for_model(script, for_concrete_model=True)
    task_state = (
        TaskState.objects.filter(
            workflow_state__base_content_type=content_type,
            workflow_state__object_id=str(script.pk),
            status=TaskState.STATUS_APPROVED,
            finished_at__gte=revision.created_at,
        )
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if task_state is not None and task_state.finished_by is not None:
        return task_state.finished_by
    if publisher is None:
        entry = (
            ModelLogEntry.objects.filter(action="wagtail.publish.schedule", revision=revision)
            .select_related("user")
            .order_by("-timestamp")
            .first()
        )
        if entry is not None:
            return entry.user
    return publisher


def record_publish(script, revision, user) -> ComplianceRecord:
    found = gated_findings(script)
    applied = [f.accepted.as_dict() for f in found if f.accepted is not None]
    approver = approver_of(script, revision, user)
    persona = script.persona if script.persona_id else None
    return ComplianceRecord.objects.create(
        content_type=ContentType.objects.get_for_model(script, for_concrete_model=True),
        object_id=str(script.pk),
        object_title=str(script)[:255],
        revision_id=revision.pk,
        persona=persona,
        persona_name=persona.name if persona else "",
        published_at=timezone.now(),
        published_by=user,
        published_by_name=user.get_username() if user else "",
        approved_by=approver,
        approved_by_name=approver.get_username() if approver else "",
        rule_version=engine.rule_version(),
        findings=[_finding_dict(finding) for finding in found],
        overrides=applied,
        texts=[{"where": where, "text": text} for where, text in script.iter_texts()],
    )
