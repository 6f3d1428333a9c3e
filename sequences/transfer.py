"""export_sequences / import_sequences: sequences as JSONL rows, all or nothing.

A row is a sequence (its latest revision) with its steps; a step's script is named by the
script's key in export_content (``external_id``, or ``cms-<id>``), its messages are in the
export_content message shape, and its ``id`` is kept so usage totals follow it. Import reads
files with content's reader (encodings, size limits), validates every row (``full_clean``, and
``checks.publish_problems`` when publishing) before writing anything, and writes under
content's import lock in one transaction: a bad row means nothing is saved.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content import messages as msgs
from content.exporting import external_id
from content.import_files import ImportFileError, RowError, read_rows
from content.import_lock import import_lock
from content.import_lookups import Lookups
from content.import_run import refused_as_errors
from content.models import Script
from personas.models import AudienceSegment, Persona

from .checks import publish_problems
from .models import Sequence

STEP_KEYS = ("title", "timing", "day", "time", "offset", "unit", "week", "weekday", "at",
             "condition")  # fmt: skip


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def export_row(sequence: Sequence) -> dict:
    obj = sequence.get_latest_revision_as_object() if sequence.pk else sequence
    steps = []
    for block in obj.steps:
        value = block.value
        script = value.get("script")
        steps.append({
            "id": block.id,
            **{key: _iso(value.get(key)) if key in ("time", "at") else value.get(key)
               for key in STEP_KEYS},
            "script": external_id(script) if script is not None else None,
            "messages": msgs.to_export(value.get("messages")),
        })  # fmt: skip
    return {
        "slug": obj.slug,
        "name": obj.name,
        "persona": obj.persona.slug,
        "channel": obj.channel,
        "description": obj.description,
        "audiences": sorted(segment.slug for segment in obj.audiences.all()),
        "trigger": obj.trigger,
        "custom_trigger": obj.custom_trigger,
        "quiet_start": _iso(obj.quiet_start),
        "quiet_end": _iso(obj.quiet_end),
        "start_at": _iso(obj.start_at),
        "cycle_days": obj.cycle_days,
        "exit_conditions": list(obj.exit_conditions or []),
        "variables": [
            {
                "name": v.name,
                "required": v.required,
                "default": v.default,
                "description": v.description,
            }
            for v in obj.declared_variables()
        ],  # fmt: skip
        "steps": steps,
    }


def export_file(path: str | Path) -> int:
    sequences = Sequence.objects.select_related("persona").order_by("slug")
    with open(path, "w", encoding="utf-8") as out:
        for sequence in sequences:
            out.write(json.dumps(export_row(sequence), ensure_ascii=False) + "\n")
    return sequences.count()


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _script_pk(key, persona: Persona) -> int:
    if key is None:
        return None
    scripts = Script.objects.filter(persona=persona)
    found = scripts.filter(external_id=key).values_list("pk", flat=True).first()
    if found is None and isinstance(key, str) and key.startswith("cms-") and key[4:].isdigit():
        found = scripts.filter(pk=int(key[4:])).values_list("pk", flat=True).first()
    if found is None:
        raise ValueError(_("no script “%(key)s” of this persona") % {"key": key})
    return found


def _build(number: int, row: dict, media: Lookups) -> tuple[Sequence | None, list, list[RowError]]:
    """(unsaved sequence, audiences, errors) for one row."""
    errors = []

    def error(where: str, message) -> None:
        errors.append(RowError(number, where, str(message)))

    if not isinstance(row, dict) or not isinstance(row.get("slug"), str):
        error("slug", _("each row is an object with a “slug”"))
        return None, [], errors
    persona = Persona.objects.filter(slug=row.get("persona")).first()
    if persona is None:
        error("persona", _("no persona “%(slug)s”") % {"slug": row.get("persona")})
        return None, [], errors
    sequence = Sequence.objects.filter(slug=row["slug"]).first() or Sequence(live=False)
    steps = []
    for index, step in enumerate(row.get("steps") or []):
        where = f"steps.{index}"
        if not isinstance(step, dict):
            error(where, _("each step is an object"))
            continue
        value = {key: step.get(key) for key in STEP_KEYS}
        value["title"] = value["title"] or ""
        value["condition"] = value["condition"] or ""
        value["weekday"] = str(value["weekday"]) if value["weekday"] is not None else None
        try:
            value["script"] = _script_pk(step.get("script"), persona)
        except ValueError as problem:
            error(f"{where}.script", problem)
        blocks, problems = msgs.from_rows(step.get("messages") or [], media)
        for place, message in problems:
            error(f"{where}.{place}", message)
        value["messages"] = [dict(block, id=str(uuid.uuid4())) for block in blocks]
        steps.append({"type": "step", "value": value, "id": step.get("id") or str(uuid.uuid4())})
    fields = {key: row.get(key) for key in ("name", "channel", "trigger", "cycle_days")}
    fields.update(
        persona=persona,
        slug=row["slug"],
        description=row.get("description") or "",
        custom_trigger=row.get("custom_trigger") or "",
        quiet_start=row.get("quiet_start") or None,
        quiet_end=row.get("quiet_end") or None,
        start_at=row.get("start_at") or None,
        exit_conditions=row.get("exit_conditions") or [],
        variables=[("variable", v) for v in row.get("variables") or []],
        steps=steps,
    )
    for key, value in fields.items():
        setattr(sequence, key, value)
    wanted = row.get("audiences") or []
    audiences = list(AudienceSegment.objects.filter(slug__in=wanted))
    for missing in sorted(set(wanted) - {a.slug for a in audiences}):
        error("audiences", _("no audience segment “%(slug)s”") % {"slug": missing})
    try:
        sequence.full_clean(exclude=["audiences"])
    except ValidationError as invalid:
        for name, messages in invalid.message_dict.items():
            for message in messages:
                error(name, message)
    return sequence, audiences, errors


def import_rows(rows: list[tuple[int, dict]], *, publish: bool = False, dry_run: bool = False,
                user=None) -> Result:  # fmt: skip
    result = Result()
    media = Lookups()
    built = []
    slugs = set()
    for number, row in rows:
        sequence, audiences, errors = _build(number, row, media)
        result.errors += errors
        if sequence is None:
            continue
        if sequence.slug in slugs:
            result.errors.append(RowError(number, "slug", _("the slug is in the file twice")))
        slugs.add(sequence.slug)
        built.append((number, sequence, audiences))
    if result.errors or dry_run:
        return result
    with refused_as_errors(result.errors), import_lock(), transaction.atomic():
        for number, sequence, audiences in built:
            new = sequence.pk is None
            sequence.save()
            sequence.audiences.set(audiences)
            revision = sequence.save_revision(user=user)
            if publish:
                problems = publish_problems(sequence)
                if problems:
                    result.errors += [RowError(number, "steps", p) for p in problems]
                    transaction.set_rollback(True)
                    return result
                revision.publish(user=user)
            result.created += new
            result.updated += not new
    if result.errors:  # refused: the transaction rolled back
        result.created = result.updated = 0
    return result


def import_file(path: str | Path, **options) -> Result:
    path = Path(path)
    result = Result()
    if not path.exists():
        result.errors.append(RowError(0, "", _("No such file: %(p)s") % {"p": path}))
        return result
    notes: list[str] = []
    try:
        rows = list(read_rows(path, notes, result.errors))
    except ImportFileError as error:
        result.errors.append(RowError(0, "", str(error)))
        return result
    if result.errors:
        return result
    return import_rows(rows, **options)
