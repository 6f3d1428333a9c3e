"""import_content, row validation: one row in, a script ready to write (or the row's errors) out.

Rows come from import_files.py (reading: JSONL in the shape of exporting.export_row, CSV or XLSX
with the same keys as columns) and go to import_run.py (the lock, the transaction, the writes).
Each field is read by a small function (import_fields.py); messages are validated by their typed
shapes (content/messages); then the script runs the same model and block validation as the
editor, and with ``publish`` the lint. Rows are upserted by ``external_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import import_fields as read
from . import messages as msgs
from .enums import GroupPurpose, GroupType, Kind, Stage, Trigger
from .exporting import KIND_KEYS, export_row
from .gates import blocking
from .import_fields import Problems
from .import_files import RowError
from .import_lookups import Lookups
from .models import KIND_MODELS, Script

KNOWN_KEYS = {
    "external_id", "kind", "persona", "title", "stage", "audiences", "tags", "hot_topic",
    "valid_from", "valid_until", "variables", "messages", "text", "first_comment",
    "group_types", "purpose", "trigger", "segments", "triggers", "warmup_messages",
}  # fmt: skip
IGNORED_KEYS = {"id", "updated_at", "live", "status"}  # read-only fields of the API detail


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Prepared:
    row: int
    external_id: str
    obj: Script
    existing: Script | None
    audiences: list
    tags: list[str]
    changed: bool


def prepare_row(
    number: int, data: dict, lookups: Lookups, *, publish: bool
) -> tuple[Prepared | None, list[RowError]]:
    """Validate one row; (the script to write, []) or (None, its errors)."""
    problems: Problems = []
    _check_keys(data, problems)
    external_id = _external_id(data, problems)
    kind = _kind(data, problems)
    if kind is None:
        return None, _errors(number, problems)

    existing = _existing(external_id, kind, problems)
    obj = KIND_MODELS[kind]() if existing is None else _latest(kind, existing)
    obj.kind, obj.external_id = kind, external_id or None
    audiences, tags = _fill_common(obj, data, lookups, problems)
    _KIND_FIELDS[kind](obj, data, problems)
    _check_foreign_keys(kind, data, problems)

    if not problems:
        try:
            obj.full_clean(exclude=["tags", "audiences"])
        except ValidationError as error:
            problems.extend(read.validation_messages(error))
    if not problems:
        obj.audiences.set(audiences)
        obj.tags.set(tags)
        if publish:
            problems.extend((f.where or "lint", f.message) for f in blocking(obj))
    if problems:
        return None, _errors(number, problems)

    changed = existing is None or export_row(existing.as_kind()) != export_row_unsaved(
        obj, external_id
    )
    return Prepared(number, external_id, obj, existing, audiences, tags, changed), []


def _errors(number: int, problems: Problems) -> list[RowError]:
    return [RowError(number, where, message) for where, message in problems]


# The row's identity ------------------------------------------------------------------------------
def _check_keys(data: dict, problems: Problems) -> None:
    unknown = sorted(set(data) - KNOWN_KEYS - IGNORED_KEYS)
    if unknown:
        problems.append(("", _("unknown field(s): %(f)s") % {"f": ", ".join(unknown)}))


def _external_id(data: dict, problems: Problems) -> str:
    external_id = str(data.get("external_id") or "").strip()
    if not external_id:
        problems.append(("external_id", _("required")))
    elif len(external_id) > 100:
        problems.append(("external_id", _("at most 100 characters")))
    return external_id


def _kind(data: dict, problems: Problems) -> str | None:
    before = len(problems)
    kind = read.choice(data.get("kind"), Kind, "kind", problems)
    return kind if len(problems) == before else None


def _existing(external_id: str, kind: str, problems: Problems) -> Script | None:
    """The script this row updates, if any (the kind of a script never changes)."""
    existing = Script.objects.filter(external_id=external_id).first() if external_id else None
    if existing is not None and existing.kind != kind:
        problems.append(
            (
                "kind",
                _("external_id “%(id)s” is a %(existing)s; the kind cannot change")
                % {"id": external_id, "existing": existing.kind},
            )
        )
        return None
    return existing


def _latest(kind: str, existing: Script) -> Script:
    return KIND_MODELS[kind].objects.get(pk=existing.pk).get_latest_revision_as_object()


# Fields every kind has ---------------------------------------------------------------------------
def _fill_common(obj: Script, data: dict, lookups: Lookups, problems: Problems):
    """Set the fields every kind has; return (audiences, tags), set after validation."""
    obj.persona = persona = lookups.personas.get(str(data.get("persona") or "").strip())
    if persona is None:
        problems.append(("persona", _("no persona with slug “%(v)s”") % {"v": data.get("persona")}))
    obj.title = str(data.get("title") or "").strip()
    obj.stage = read.choice(data.get("stage"), Stage, "stage", problems)
    audiences = _audiences(data.get("audiences"), lookups, problems)
    tags = _tags(data.get("tags"), problems)
    obj.hot_topic = _hot_topic(data.get("hot_topic"), lookups, problems)
    window = read.window(data, problems)
    obj.valid_from, obj.valid_until = window["valid_from"], window["valid_until"]
    obj.variables = read.variables_stream(data.get("variables"), problems)
    messages, more = msgs.from_rows(_raw_messages(obj.kind, data), lookups)
    problems.extend(more)
    obj.messages = messages
    return audiences, tags


def _audiences(slugs: Any, lookups: Lookups, problems: Problems) -> list:
    audiences = []
    for slug in slugs or []:
        segment = lookups.segments.get(str(slug))
        if segment is None:
            problems.append(("audiences", _("no audience segment “%(v)s”") % {"v": slug}))
        else:
            audiences.append(segment)
    return audiences


def _tags(value: Any, problems: Problems) -> list[str]:
    tags = sorted(set(read.texts(value, "tags", problems)))
    if any(len(tag) > 100 for tag in tags):
        problems.append(("tags", _("a tag has at most 100 characters")))
    return tags


def _hot_topic(value: Any, lookups: Lookups, problems: Problems) -> str:
    hot_topic = str(value or "").strip()
    if hot_topic and hot_topic not in lookups.hot_topics:
        problems.append(("hot_topic", _("no hot topic “%(v)s”") % {"v": hot_topic}))
    return hot_topic


def _raw_messages(kind: str, data: dict) -> Any:
    """The row's messages: `messages`, else a livestream's `warmup_messages` (the API detail
    has both), else a plain `text` column as one text message (CSV/XLSX)."""
    raw = data.get("messages")
    if kind == Kind.LIVESTREAM and raw in (None, []) and data.get("warmup_messages"):
        raw = data["warmup_messages"]
    if raw in (None, "") and isinstance(data.get("text"), str) and data["text"].strip():
        raw = [{"type": "text", "text": data["text"]}]
    return raw or []


# Fields of one kind ------------------------------------------------------------------------------
def _moment_fields(obj: Script, data: dict, problems: Problems) -> None:
    obj.first_comment = str(data.get("first_comment") or "")


def _group_fields(obj: Script, data: dict, problems: Problems) -> None:
    group_types = data.get("group_types") or []
    if not isinstance(group_types, list) or set(group_types) - set(GroupType.values):
        problems.append(
            ("group_types", _("use some of %(c)s") % {"c": ", ".join(GroupType.values)})
        )
        group_types = []
    obj.group_types = list(group_types)
    obj.purpose = read.choice(data.get("purpose"), GroupPurpose, "purpose", problems, blank=True)
    obj.trigger = read.choice(data.get("trigger"), Trigger, "trigger", problems, blank=True)


def _livestream_fields(obj: Script, data: dict, problems: Problems) -> None:
    obj.segments = read.segments_stream(data.get("segments"), problems)


def _chat_fields(obj: Script, data: dict, problems: Problems) -> None:
    obj.triggers = read.texts(data.get("triggers"), "triggers", problems)


_KIND_FIELDS = {
    Kind.MOMENT: _moment_fields,
    Kind.GROUP: _group_fields,
    Kind.LIVESTREAM: _livestream_fields,
    Kind.CHAT: _chat_fields,
}


def _check_foreign_keys(kind: str, data: dict, problems: Problems) -> None:
    """A field of another kind (first_comment on a group script…) is an error, not ignored;
    an empty one is not (a sheet mixing kinds has every kind's columns on every row)."""
    filled = {key for key, value in data.items() if value not in (None, "", [], {})}
    present = {key for keys in KIND_KEYS.values() for key in keys} & filled
    for key in sorted(present - set(KIND_KEYS[kind])):
        problems.append(
            (key, _("does not apply to “%(k)s”; leave it empty") % {"k": Kind(kind).label})
        )


def export_row_unsaved(obj: Script, external_id: str) -> dict:
    """export_row for an object built in memory (not read back from a revision)."""
    saved_pk, obj.pk = obj.pk, None
    try:
        row = export_row(obj)
    finally:
        obj.pk = saved_pk
    return {**row, "external_id": external_id}
