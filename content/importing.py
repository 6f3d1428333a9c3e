"""import_content: validate every row first, then write all of them or nothing.

Rows come from JSONL (the shape of the API detail, see exporting.export_row), CSV or XLSX (the
same keys as columns; list columns comma-separated, JSON columns as JSON). Rows are upserted by
``external_id``. Without ``publish`` a new script is created as a draft and an existing one gets
a new draft revision while its live version stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from personas.models import AudienceSegment, Persona

from .enums import GroupPurpose, GroupType, Kind, Segment, Stage, Trigger
from .exporting import KIND_KEYS, export_row
from .forms import hot_topic_choices
from .gates import blocking
from .import_files import RowError
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


# Validation -------------------------------------------------------------------------------------
@dataclass
class Prepared:
    row: int
    external_id: str
    obj: Script
    existing: Script | None
    audiences: list
    tags: list[str]
    changed: bool


def _parse_moment(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError
    parsed = parse_datetime(value.strip())
    if parsed is None:
        day = parse_date(value.strip())
        if day is None:
            raise ValueError
        parsed = datetime.combine(day, time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class _Lookups:
    """Everything rows refer to, loaded once per import."""

    def __init__(self):
        self.personas = {p.slug: p for p in Persona.objects.all()}
        self.segments = {s.slug: s for s in AudienceSegment.objects.all()}
        self.hot_topics = dict(hot_topic_choices())
        Image = get_image_model()
        Document = get_document_model()
        self.images_by_file = {i.file.name: i for i in Image.objects.all()}
        self.images_by_title: dict[str, Any] = {}
        for image in Image.objects.order_by("pk"):
            self.images_by_title.setdefault(image.title, image)
        self.documents_by_file = {d.file.name: d for d in Document.objects.all()}
        self.documents_by_title: dict[str, Any] = {}
        for document in Document.objects.order_by("pk"):
            self.documents_by_title.setdefault(document.title, document)

    def image(self, ref) -> Any:
        if ref in (None, ""):
            return None
        if isinstance(ref, str):
            ref = {"title": ref}
        if not isinstance(ref, dict):
            raise ValueError(_('an image is named by {"file": ...} or {"title": ...}'))
        image = self.images_by_file.get(ref.get("file") or "") or self.images_by_title.get(
            ref.get("title") or ""
        )
        if image is None:
            raise ValueError(
                _("image “%(ref)s” is not in the image library; upload it first")
                % {"ref": ref.get("file") or ref.get("title")}
            )
        return image

    def document(self, ref) -> Any:
        if isinstance(ref, str):
            ref = {"file": ref, "title": ref}
        document = self.documents_by_file.get(
            (ref or {}).get("file") or ""
        ) or self.documents_by_title.get((ref or {}).get("title") or "")
        if document is None:
            raise ValueError(_("document “%(ref)s” is not in the document library") % {"ref": ref})
        return document


def _stream_from_messages(items: Any, lookups: _Lookups) -> tuple[list, list[tuple[str, str]]]:
    """Raw StreamField data from messages in the API shape; (blocks, [(loc, message)])."""
    if not isinstance(items, list):
        return [], [("messages", _("must be a list of messages"))]
    blocks: list[dict] = []
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        loc = f"messages.{index}"
        if not isinstance(item, dict) or "type" not in item:
            problems.append((loc, _("each message is an object with a “type”")))
            continue
        kind = item["type"]
        try:
            if kind == "text":
                if not isinstance(item.get("text"), str):
                    raise ValueError(_("a text message needs “text”"))
                blocks.append({"type": "text", "value": item["text"]})
            elif kind == "image":
                ref = {k: item.get(k) for k in ("file", "title") if item.get(k)}
                image = lookups.image(ref)
                blocks.append(
                    {
                        "type": "image",
                        "value": {
                            "image": image.pk,
                            # WeChat shows no alt text; the image title is a fair description.
                            "alt_text": item.get("alt") or image.title,
                            "decorative": False,
                        },
                    }
                )
            elif kind in {"link", "miniprogram"}:
                image = lookups.image(item.get("image"))
                value = {
                    "title": item.get("title") or "",
                    "image": image.pk if image else None,
                }
                if kind == "link":
                    value.update(
                        description=item.get("description") or "", url=item.get("url") or ""
                    )
                else:
                    value.update(appid=item.get("appid") or "", path=item.get("path") or "")
                blocks.append({"type": kind, "value": value})
            elif kind in {"video", "file"}:
                document = lookups.document({"file": item.get("file"), "title": item.get("title")})
                key = "video" if kind == "video" else "document"
                blocks.append(
                    {"type": kind, "value": {key: document.pk, "title": item.get("title") or ""}}
                )
            elif kind == "delay":
                seconds = item.get("seconds")
                if not isinstance(seconds, int) or isinstance(seconds, bool):
                    raise ValueError(_("“seconds” must be a whole number"))
                blocks.append({"type": "delay", "value": {"seconds": seconds}})
            else:
                raise ValueError(
                    _(
                        "unknown message type “%(t)s”; use text, image, link, miniprogram, "
                        "video, file or delay"
                    )
                    % {"t": kind}
                )
        except ValueError as error:
            problems.append((loc, str(error)))
    return blocks, problems


def _variables_stream(items: Any) -> tuple[list, list[tuple[str, str]]]:
    if items in (None, ""):
        return [], []
    if not isinstance(items, list):
        return [], [("variables", _("must be a list of {name, required, default, description}"))]
    blocks, problems = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            problems.append((f"variables.{index}", _("each variable needs a “name”")))
            continue
        blocks.append(
            {
                "type": "variable",
                "value": {
                    "name": item["name"],
                    "required": bool(item.get("required", True)),
                    "default": str(item.get("default") or ""),
                    "description": str(item.get("description") or ""),
                },
            }
        )
    return blocks, problems


def _segments_stream(items: Any) -> tuple[list, list[tuple[str, str]]]:
    if items in (None, ""):
        return [], []
    if not isinstance(items, list):
        return [], [("segments", _("must be a list of segments"))]
    blocks, problems = [], []
    for index, item in enumerate(items):
        loc = f"segments.{index}"
        if not isinstance(item, dict):
            problems.append((loc, _("each segment is an object")))
            continue
        if item.get("name") not in Segment.values:
            problems.append(
                (
                    f"{loc}.name",
                    _("unknown segment “%(v)s”; use one of %(choices)s")
                    % {"v": item.get("name"), "choices": ", ".join(Segment.values)},
                )
            )
            continue
        minutes = item.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
            problems.append((f"{loc}.minutes", _("minutes must be a whole number from 1 to 600")))
            continue
        lines = item.get("lines") or []
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            problems.append((f"{loc}.lines", _("lines must be a list of texts")))
            continue
        blocks.append(
            {
                "type": "segment",
                "value": {
                    "name": item["name"],
                    "minutes": minutes,
                    "cue": str(item.get("cue") or ""),
                    "lines": lines,
                    "product": str(item.get("product") or ""),
                },
            }
        )
    return blocks, problems


def _choice(value: Any, choices, field_name: str, problems: list, *, blank: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if value == "" and blank:
        return ""
    if value not in choices.values:
        problems.append(
            (
                field_name,
                _("“%(v)s” is not one of %(choices)s")
                % {"v": value, "choices": ", ".join(choices.values)},
            )
        )
    return value


def _validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if hasattr(error, "error_dict"):
        for field_name, field_errors in error.error_dict.items():
            for item in field_errors:
                data = getattr(item, "as_json_data", None)
                if data is not None:
                    out.extend(_flatten_block_errors(field_name, data()))
                else:
                    out.extend((field_name, message) for message in item.messages)
    else:
        out.extend(("", message) for message in error.messages)
    return out


def _flatten_block_errors(loc: str, data: Any) -> list[tuple[str, str]]:
    """Wagtail block errors ({"messages", "blockErrors"}) as (loc, message) pairs."""
    if isinstance(data, list):
        return [(loc, str(message)) for message in data]
    if not isinstance(data, dict):
        return [(loc, str(data))]
    out = [(loc, str(message)) for message in data.get("messages", [])]
    block_errors = data.get("blockErrors", {})
    items = block_errors.items() if isinstance(block_errors, dict) else enumerate(block_errors)
    for key, value in items:
        if value is not None:
            out.extend(_flatten_block_errors(f"{loc}.{key}", value))
    return out


def prepare_row(
    number: int, data: dict, lookups: _Lookups, *, publish: bool
) -> tuple[Prepared | None, list[RowError]]:
    problems: list[tuple[str, str]] = []

    unknown = sorted(set(data) - KNOWN_KEYS - IGNORED_KEYS)
    if unknown:
        problems.append(("", _("unknown field(s): %(f)s") % {"f": ", ".join(unknown)}))

    external_id = str(data.get("external_id") or "").strip()
    if not external_id:
        problems.append(("external_id", _("required")))
    elif len(external_id) > 100:
        problems.append(("external_id", _("at most 100 characters")))

    kind = str(data.get("kind") or "").strip()
    if kind not in Kind.values:
        problems.append(
            (
                "kind",
                _("“%(v)s” is not one of %(choices)s")
                % {"v": kind, "choices": ", ".join(Kind.values)},
            )
        )
        return None, [RowError(number, f, m) for f, m in problems]

    persona = lookups.personas.get(str(data.get("persona") or "").strip())
    if persona is None:
        problems.append(("persona", _("no persona with slug “%(v)s”") % {"v": data.get("persona")}))

    stage = _choice(data.get("stage"), Stage, "stage", problems)

    audiences = []
    for slug in data.get("audiences") or []:
        segment = lookups.segments.get(str(slug))
        if segment is None:
            problems.append(("audiences", _("no audience segment “%(v)s”") % {"v": slug}))
        else:
            audiences.append(segment)

    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problems.append(("tags", _("must be a list of non-empty texts")))
        tags = []
    tags = sorted({t.strip() for t in tags})
    if any(len(t) > 100 for t in tags):
        problems.append(("tags", _("a tag has at most 100 characters")))

    hot_topic = str(data.get("hot_topic") or "").strip()
    if hot_topic and hot_topic not in lookups.hot_topics:
        problems.append(("hot_topic", _("no hot topic “%(v)s”") % {"v": hot_topic}))

    window = {}
    for key in ("valid_from", "valid_until"):
        try:
            window[key] = _parse_moment(data.get(key))
        except ValueError:
            problems.append(
                (key, _("not a date or ISO 8601 date-time: “%(v)s”") % {"v": data.get(key)})
            )
            window[key] = None

    variables, more = _variables_stream(data.get("variables"))
    problems.extend(more)
    raw_messages = data.get("messages")
    if kind == Kind.LIVESTREAM and raw_messages in (None, []) and data.get("warmup_messages"):
        raw_messages = data["warmup_messages"]
    if raw_messages in (None, "") and isinstance(data.get("text"), str) and data["text"].strip():
        raw_messages = [{"type": "text", "text": data["text"]}]
    messages, more = _stream_from_messages(raw_messages or [], lookups)
    problems.extend(more)

    model = KIND_MODELS[kind]
    existing = Script.objects.filter(external_id=external_id).first() if external_id else None
    if existing is not None and existing.kind != kind:
        problems.append(
            (
                "kind",
                _("external_id “%(id)s” is a %(existing)s; the kind cannot change")
                % {"id": external_id, "existing": existing.kind},
            )
        )
        existing = None
    if existing is not None:
        obj = model.objects.get(pk=existing.pk).get_latest_revision_as_object()
    else:
        obj = model()
    obj.kind = kind
    obj.external_id = external_id or None
    obj.persona = persona
    obj.title = str(data.get("title") or "").strip()
    obj.stage = stage
    obj.hot_topic = hot_topic
    obj.valid_from = window["valid_from"]
    obj.valid_until = window["valid_until"]
    obj.variables = variables
    obj.messages = messages

    if kind == Kind.MOMENT:
        obj.first_comment = str(data.get("first_comment") or "")
    elif kind == Kind.GROUP:
        group_types = data.get("group_types") or []
        if not isinstance(group_types, list) or set(group_types) - set(GroupType.values):
            problems.append(
                ("group_types", _("use some of %(c)s") % {"c": ", ".join(GroupType.values)})
            )
            group_types = []
        obj.group_types = list(group_types)
        obj.purpose = _choice(data.get("purpose"), GroupPurpose, "purpose", problems, blank=True)
        obj.trigger = _choice(data.get("trigger"), Trigger, "trigger", problems, blank=True)
    elif kind == Kind.LIVESTREAM:
        segments, more = _segments_stream(data.get("segments"))
        problems.extend(more)
        obj.segments = segments
    elif kind == Kind.CHAT:
        triggers = data.get("triggers") or []
        if not isinstance(triggers, list) or not all(
            isinstance(t, str) and t.strip() for t in triggers
        ):
            problems.append(("triggers", _("must be a list of non-empty texts")))
            triggers = []
        obj.triggers = [t.strip() for t in triggers]

    present_kind_keys = {key for keys in KIND_KEYS.values() for key in keys} & set(data)
    foreign = sorted(present_kind_keys - set(KIND_KEYS[kind]))
    if foreign:
        problems.append(
            ("", _("field(s) %(f)s do not apply to a %(k)s") % {"f": ", ".join(foreign), "k": kind})
        )

    if not problems:
        try:
            obj.full_clean(exclude=["tags", "audiences"])
        except ValidationError as error:
            problems.extend(_validation_messages(error))

    if not problems:
        obj.audiences.set(audiences)
        obj.tags.set(tags)
        if publish:
            for finding in blocking(obj):
                problems.append((finding.where or "lint", finding.message))

    if problems:
        return None, [RowError(number, f, m) for f, m in problems]

    changed = True
    if existing is not None:
        changed = export_row(existing.as_kind()) != export_row_unsaved(obj, external_id)
    return Prepared(number, external_id, obj, existing, audiences, tags, changed), []


def export_row_unsaved(obj: Script, external_id: str) -> dict:
    """export_row for an object built in memory (not read back from a revision)."""
    saved_pk, obj.pk = obj.pk, None
    try:
        row = export_row(obj)
    finally:
        obj.pk = saved_pk
    row["external_id"] = external_id
    return row
