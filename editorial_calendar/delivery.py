"""Will an entry's script be deliverable on the entry's date? Asked before an entry becomes
approved or scheduled (workflow.check_move), by the API before it serves an entry (one whose
script cannot be delivered on its date is not served), and why a served entry's script is not
there yet.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from personas.publication import is_published

# Codes of the API's `script_unavailable_reason` (null when the script is served).
NO_SCRIPT = "no_script"
OTHER_PERSONA = "other_persona"
NOT_PUBLISHED = "not_published"
OUTSIDE_VALIDITY = "outside_validity"
UNAVAILABLE_REASONS = (NO_SCRIPT, OTHER_PERSONA, NOT_PUBLISHED, OUTSIDE_VALIDITY)
MAX_LISTED_FINDINGS = 3


def entry_span(entry) -> tuple[datetime, datetime]:
    """When the entry runs: its moment if it has a time, else its whole day (local time)."""
    tz = timezone.get_current_timezone()
    if entry.time is not None:
        moment = datetime.combine(entry.date, entry.time, tzinfo=tz)
        return moment, moment
    start = datetime.combine(entry.date, time.min, tzinfo=tz)
    return start, start + timedelta(days=1) - timedelta(microseconds=1)


def _outside_validity(script, start: datetime, end: datetime) -> str:
    if script.valid_from is not None and script.valid_from > end:
        return _("the script is valid only from %(when)s") % {
            "when": timezone.localtime(script.valid_from).strftime("%Y-%m-%d %H:%M")
        }
    if script.valid_until is not None and script.valid_until <= start:
        return _("the script is valid only until %(when)s") % {
            "when": timezone.localtime(script.valid_until).strftime("%Y-%m-%d %H:%M")
        }
    if script.expire_at is not None and script.expire_at <= start:
        return _("the script is unpublished on %(when)s (expiry)") % {
            "when": timezone.localtime(script.expire_at).strftime("%Y-%m-%d %H:%M")
        }
    return ""


def compliance_errors(script) -> list[str]:
    """Open compliance errors (the one gate, `content.gates.blocking`: accepted ones do not count)
    of the version bots are sent (the live row) and of the one waiting to be published (the latest
    revision), checked with the rules as they are now."""
    from content.gates import blocking

    versions = [script] if script.live else []
    if script.latest_revision_id:
        versions.append(script.get_latest_revision_as_object())
    elif not versions:
        versions.append(script)
    found, seen = [], set()
    for version in versions:
        for finding in blocking(version):
            key = (finding.where, finding.code, finding.term, finding.text_hash)
            if key not in seen:
                seen.add(key)
                found.append(f"{finding.message}" + (f"（{finding.term}）" if finding.term else ""))
    return found


def undeliverable(entry) -> list[str]:
    """Why `entry`'s script will not reach bots on the entry's date; [] when it will."""
    reasons: list[str] = []
    persona = entry.persona
    if persona is not None and not persona.live:
        reasons.append(_("the persona %(name)s is not published") % {"name": persona.name})
    script = entry.script
    if script is None:
        return [*reasons, _("no script is linked")]
    if script.persona_id != entry.persona_id:
        reasons.append(_("the script belongs to another persona"))
    if not script.live and not script.workflow_in_progress:
        reasons.append(_("the script is neither published nor in review"))
    start, end = entry_span(entry)
    if outside := _outside_validity(script, start, end):
        reasons.append(outside)
    errors = compliance_errors(script)
    if errors:
        listed = "；".join(errors[:MAX_LISTED_FINDINGS])
        if len(errors) > MAX_LISTED_FINDINGS:
            listed += " …"
        reasons.append(
            _("the script has %(n)d compliance error(s): %(list)s")
            % {"n": len(errors), "list": listed}
        )
    return reasons


def deliverable_on_date(entry) -> bool:
    """The API's rule for serving an entry (API.md, "Calendar"): its script, if any, can be
    delivered on the entry's date — the entry's own persona's, published, live by then
    (scheduled go-live) and neither expired nor outside its validity window during the entry's
    span. An entry without a script (an idea) is served."""
    script = entry.script
    if script is None:
        return True
    if script.persona_id != entry.persona_id or not script.live:
        return False
    start, end = entry_span(entry)
    if script.go_live_at is not None and script.go_live_at > end:
        return False
    return not _outside_validity(script, start, end)


def unavailable_reason(entry, visible: bool, moment: datetime) -> str | None:
    """For the API: why a served entry carries no script (a code), or None: `no_script`, or a
    script deliverable on the entry's date but not yet (or no longer) at `moment`. No query:
    the script is select_related and `visible` annotated (api.with_script_visibility)."""
    if visible:
        return None
    script = entry.script
    if script is None:
        return NO_SCRIPT
    if script.persona_id != entry.persona_id:
        return OTHER_PERSONA
    if not is_published(script, moment):
        return NOT_PUBLISHED
    return OUTSIDE_VALIDITY
