"""export_content: scripts as JSONL that import_content turns back into the same content."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils import timezone

from . import messages as msgs
from .enums import Kind
from .models import Script

COMMON_KEYS = (
    "external_id",
    "kind",
    "persona",
    "title",
    "stage",
    "audiences",
    "tags",
    "hot_topic",
    "valid_from",
    "valid_until",
    "variables",
    "messages",
)
KIND_KEYS = {
    Kind.MOMENT: ("first_comment",),
    Kind.GROUP: ("group_types", "purpose", "trigger"),
    Kind.LIVESTREAM: ("segments",),
    Kind.CHAT: ("triggers",),
}


def _datetime(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def external_id(script: Script) -> str:
    """The row key: the script's external ID, or a stable one derived from its id."""
    return script.external_id or f"cms-{script.pk}"


def export_row(script: Script) -> dict:
    """The latest revision of `script` (draft or live) in the import/export row shape."""
    obj = script.get_latest_revision_as_object() if script.pk else script
    row = {
        "external_id": external_id(script),
        "kind": obj.kind,
        "persona": obj.persona.slug,
        "title": obj.title,
        "stage": obj.stage,
        "audiences": sorted(segment.slug for segment in obj.audiences.all()),
        "tags": sorted(tag.name for tag in obj.tags.all()),
        "hot_topic": obj.hot_topic or None,
        "valid_from": _datetime(obj.valid_from),
        "valid_until": _datetime(obj.valid_until),
        "variables": [
            {
                "name": v.name,
                "required": v.required,
                "default": v.default,
                "description": v.description,
            }
            for v in obj.declared_variables()
        ],
        "messages": msgs.to_export(obj.messages),
    }
    if obj.kind == Kind.MOMENT:
        row["first_comment"] = obj.first_comment
    elif obj.kind == Kind.GROUP:
        row.update(group_types=list(obj.group_types), purpose=obj.purpose, trigger=obj.trigger)
    elif obj.kind == Kind.LIVESTREAM:
        row["segments"] = msgs.segments_to_api(obj.segments)
    elif obj.kind == Kind.CHAT:
        row["triggers"] = list(obj.triggers)
    return row


def export_file(path: str | Path, queryset=None) -> int:
    """Write every script (or `queryset`) to `path`, one JSON object per line; return the count."""
    scripts = (queryset if queryset is not None else Script.objects.all()).select_related("persona")
    rows = sorted(
        (export_row(script.as_kind()) for script in scripts), key=lambda r: r["external_id"]
    )
    with Path(path).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
    return len(rows)
