"""The compliance gate: one function every path that submits, approves or publishes calls.

`blocking(script)` is the list of error findings no manager accepted; `require_clear(script)`
raises `ComplianceBlocked` when it is not empty. Called by the editor form (submit, publish,
workflow actions), the workflow dashboard's approve, the bulk publish action, the calendar's
approve/schedule, `import_content --publish` and, as the last line for every path,
`Script.before_publish` (under the publish row lock).

Overrides: a finding is accepted by an `Override` whose key is (script, where, hash of the
exact text, rule, matched words); `findings(script)` attaches it (`Finding.accepted`).
"""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils.translation import gettext as _

from compliance import engine
from compliance.models import Override

from .lint import Finding, lint, where_label


class ComplianceBlocked(Exception):
    """Refused: these error findings are open (not accepted by a manager)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(summary(findings))


def describe(finding: Finding) -> str:
    place = where_label(finding.where) or "-"
    return _("%(message)s (%(where)s)") % {"message": finding.message, "where": place}


def summary(findings: list[Finding]) -> str:
    return _("%(count)d compliance error(s) block this: %(list)s") % {
        "count": len(findings),
        "list": "; ".join(describe(finding) for finding in findings),
    }


def overrides_of(script) -> dict[tuple[str, str, str, str], Override]:
    if script.pk is None:
        return {}
    return {override.key(): override for override in Override.objects.for_object(script)}


def findings(script) -> list[Finding]:
    """lint(script) with each error a manager accepted on exactly this text marked `accepted`."""
    found = lint(script)
    if not any(finding.is_error for finding in found):
        return found
    accepted = overrides_of(script)
    marked = []
    for finding in found:
        key = (finding.where, finding.text_hash, finding.code, finding.term)
        if finding.is_error and key in accepted:
            finding = dataclasses.replace(finding, accepted=accepted[key])
        marked.append(finding)
    return marked


def blocking(script) -> list[Finding]:
    """The gate: error findings that block submitting, approving and publishing `script`."""
    return [finding for finding in findings(script) if finding.blocks]


def require_clear(script) -> None:
    found = blocking(script)
    if found:
        raise ComplianceBlocked(found)


class OverrideRefused(ValueError):
    pass


@transaction.atomic
def accept(
    script, *, where: str, text_hash: str, rule: str, match: str, reason: str, user, found=None
):
    """Record a manager's override of one error finding on the script's current text.
    `found`: the object's findings when they are not a script's (a sequence's steps:
    ``sequences.checks.findings``); the object needs ``iter_texts()`` as scripts have."""
    reason = (reason or "").strip()
    if not reason:
        raise OverrideRefused(_("Say why this finding is acceptable."))
    if len(reason) > 1000:
        raise OverrideRefused(_("The reason is too long (at most 1000 characters)."))
    if not user.has_perm("compliance.add_override"):
        raise OverrideRefused(_("Only managers can accept a finding."))
    for finding in findings(script) if found is None else found:
        if (finding.where, finding.text_hash, finding.code, finding.term) != (
            where,
            text_hash,
            rule,
            match,
        ):
            continue
        if not finding.is_error:
            raise OverrideRefused(_("Warnings do not block: there is nothing to accept."))
        if finding.accepted is not None:
            return finding.accepted
        text = dict(script.iter_texts()).get(where, "")
        override = Override(
            where=where,
            text_hash=text_hash,
            text=text,
            rule=rule,
            match=match,
            message=finding.message,
            reason=reason,
            rule_version=engine.rule_version(),
            created_by=user,
            created_by_name=user.get_username(),
        )
        override.content_type_id = _content_type_id(script)
        override.object_id = str(script.pk)
        override.save()
        return override
    raise OverrideRefused(
        _("This finding is no longer there: the text changed since the page was loaded.")
    )


def _content_type_id(script) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(script, for_concrete_model=True).pk
