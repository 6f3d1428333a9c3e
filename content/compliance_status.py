"""The cached compliance status of each script: what `content.gates` says about its LATEST
revision, stored on the row so lists and the home page need no lint run per script.

`Script.compliance_level` is ``ok`` / ``warning`` / ``error`` (blank: never checked) and
`Script.compliance_version` the `compliance` RuleSet number it was computed with. Kept current:
- every saved revision (the editor, imports, the API, the factories) and every publish
  (`content/signal_handlers.py`), from the revision's own content;
- every override accepted or removed (an accepted error stops counting, as in the gate);
- a rule change makes every stored level "stale" (the version no longer matches): `refresh_stale()`
  recomputes them, a batch each minute in the worker (`bots/worker.py`) and all at once with
  `manage.py compliance_status --refresh`.

Levels: ``error`` when an error finding blocks (not accepted); ``warning`` when there are
warnings or accepted errors; ``ok`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from compliance import versions

from . import gates

OK, WARNING, ERROR, STALE = "ok", "warning", "error", "stale"
LEVELS = (OK, WARNING, ERROR)


def level_for(found) -> str:
    """The level of a list of (gate-marked) findings."""
    if any(finding.blocks for finding in found):
        return ERROR
    if found and any(not finding.is_error or finding.accepted is not None for finding in found):
        return WARNING
    return OK


def compute(script) -> str:
    """The level of `script` as given (a revision's object, or a row), through the one gate."""
    return level_for(gates.findings(script))


def store(script_id: int, level: str, version: int | None = None) -> None:
    """Write the level without touching `updated_at` or save signals."""
    from .models import Script

    if version is None:
        version = versions.current()
    Script.objects.filter(pk=script_id).update(compliance_level=level, compliance_version=version)


def refresh(script) -> str:
    """Recompute the level of the latest revision of `script` (a Script or a pk) and store it."""
    from .models import Script

    if not isinstance(script, Script):
        script = Script.objects.get(pk=script)
    version = versions.current()  # read before the check: a rule changed meanwhile stays stale
    latest = script.get_latest_revision_as_object() if script.latest_revision_id else script
    level = compute(latest)
    store(script.pk, level, version)
    return level


def stale_ids(limit: int | None = None) -> list[int]:
    from django.db.models import Q

    from .models import Script

    current = versions.current()
    ids = (
        Script.objects.filter(~Q(compliance_version=current) | Q(compliance_version=None))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:limit] if limit else ids)


def refresh_stale(limit: int | None = None) -> int:
    """Recompute levels computed under an older rule version (or never); returns how many."""
    from .models import Script

    ids = stale_ids(limit)
    for script in Script.objects.filter(pk__in=ids).select_related("latest_revision").iterator():
        refresh(script)
    return len(ids)


def levels(scripts: Iterable) -> dict[int, str]:
    """{script id: level} for loaded scripts or ids; ``stale`` when computed under an older rule
    version or never computed. One query for the version (plus one for ids), none per script."""
    current = versions.current()
    rows: list[tuple[int, str, int | None]] = []
    ids: list[int] = []
    for item in scripts:
        if isinstance(item, int):
            ids.append(item)
        else:
            rows.append((item.pk, item.compliance_level, item.compliance_version))
    if ids:
        from .models import Script

        rows.extend(
            Script.objects.filter(pk__in=ids).values_list(
                "pk", "compliance_level", "compliance_version"
            )
        )
    return {pk: (level if level and version == current else STALE) for pk, level, version in rows}


def level_of(script) -> str:
    """The cached level of one script (``stale`` when the rules changed since)."""
    return levels([script])[script if isinstance(script, int) else script.pk]
