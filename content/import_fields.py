"""Reading one field of an import row: each function takes the raw value and a list to append
(field, message) problems to, and returns what goes on the script. No database access."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .enums import SEGMENT_NAMES, SEGMENT_WORDS, Segment

Problems = list[tuple[str, str]]


def choice(value: Any, choices, field_name: str, problems: Problems, *, blank=False) -> str:
    """A code (attract) or the label the editor shows for it (引流): the code."""
    value = "" if value is None else str(value).strip()
    if value == "":
        if not blank:
            problems.append((field_name, _("required")))
        return ""
    if value in choices.values:
        return value
    with translation.override("zh-hans"):  # the catalogue's labels, whatever the process speaks
        labels = {str(label): code for code, label in choices.choices}
    if value in labels:
        return labels[value]
    with translation.override("zh-hans"):
        listed = "、".join(f"{code}（{label}）" for code, label in choices.choices)
    problems.append(
        (field_name, _("“%(v)s” is not one of %(choices)s") % {"v": value, "choices": listed})
    )
    return value


def texts(value: Any, field_name: str, problems: Problems) -> list[str]:
    """A list of non-empty texts, stripped (tags, trigger keywords)."""
    value = value or []
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        problems.append((field_name, _("must be a list of non-empty texts")))
        return []
    return [t.strip() for t in value]


def moment(value: Any) -> datetime | None:
    """A date (midnight, local time) or an ISO 8601 date-time; ValueError otherwise."""
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


def window(data: dict, problems: Problems) -> dict[str, datetime | None]:
    out = {}
    for key in ("valid_from", "valid_until"):
        try:
            out[key] = moment(data.get(key))
        except ValueError:
            problems.append(
                (key, _("not a date or ISO 8601 date-time: “%(v)s”") % {"v": data.get(key)})
            )
            out[key] = None
    return out


def variables_stream(items: Any, problems: Problems) -> list[dict]:
    if items in (None, ""):
        return []
    if not isinstance(items, list):
        problems.append(
            ("variables", _("must be a list of {name, required, default, description}"))
        )
        return []
    blocks = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            problems.append((f"variables.{index}", _("each variable needs a “name”")))
            continue
        value = {
            "name": item["name"],
            "required": bool(item.get("required", True)),
            "default": str(item.get("default") or ""),
            "description": str(item.get("description") or ""),
        }
        blocks.append({"type": "variable", "value": value})
    return blocks


def segments_stream(items: Any, problems: Problems) -> list[dict]:
    if items in (None, ""):
        return []
    if not isinstance(items, list):
        problems.append(("segments", _("must be a list of segments")))
        return []
    blocks = []
    for index, item in enumerate(items):
        value = _segment(f"segments.{index}", item, problems)
        if value is not None:
            blocks.append({"type": "segment", "value": value})
    return blocks


def segment_type(value: Any) -> str | None:
    """A segment type from its code (``opening``), its label (开场, Opening) or a word hosts use
    for it (产品讲解); None if empty, "" if given but unknown."""
    text = str(value or "").strip()
    if not text:
        return None
    if text in Segment.values:
        return text
    if text in SEGMENT_WORDS:
        return SEGMENT_WORDS[text]
    for code, label in Segment.choices:
        if text in {str(label), _en(label)}:
            return code
    return ""


def _en(label) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(label)


def _segment_name_and_type(loc: str, item: dict, problems: Problems) -> tuple[str, str | None]:
    """A free name and an optional type. A row without a `type` whose name is a type (the
    code, as files before named segments had it, a label, or such a word before a colon:
    产品讲解：气垫) gets that type; a code as name becomes its Chinese name (as the data
    migration did)."""
    name = str(item.get("name") or "").strip()
    kind = segment_type(item.get("type"))
    if kind == "":
        choices = "、".join(f"{code}（{SEGMENT_NAMES[code]}）" for code in Segment.values)
        problems.append(
            (
                f"{loc}.type",
                _("unknown segment type “%(v)s”; use one of %(choices)s")
                % {"v": item.get("type"), "choices": choices},
            )
        )
        kind = None
    if kind is None and not item.get("type") and name:
        head = re.split(r"[：:]", name, maxsplit=1)[0].strip()
        kind = segment_type(name) or segment_type(head) or None
    if name in Segment.values:
        name = SEGMENT_NAMES[name]
    if not name and kind:
        name = SEGMENT_NAMES[kind]
    if not name:
        problems.append((f"{loc}.name", _("each segment needs a name (or a type)")))
    elif len(name) > 100:
        problems.append((f"{loc}.name", _("a segment name has at most 100 characters")))
    return name, kind


def _segment(loc: str, item: Any, problems: Problems) -> dict | None:
    if not isinstance(item, dict):
        problems.append((loc, _("each segment is an object")))
        return None
    before = len(problems)
    name, kind = _segment_name_and_type(loc, item, problems)
    if len(problems) > before:
        return None
    minutes = item.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
        problems.append((f"{loc}.minutes", _("minutes must be a whole number from 1 to 600")))
        return None
    lines = item.get("lines") or []
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        problems.append((f"{loc}.lines", _("lines must be a list of texts")))
        return None
    return {
        "name": name,
        "type": kind or "",
        "minutes": minutes,
        "cue": str(item.get("cue") or ""),
        "lines": lines,
        "product": str(item.get("product") or ""),
    }


def validation_messages(error: ValidationError) -> Problems:
    """A model's ValidationError (with Wagtail block errors) as (field, message) pairs."""
    out: Problems = []
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    for field_name, field_errors in error.error_dict.items():
        for item in field_errors:
            data = getattr(item, "as_json_data", None)
            if data is not None:
                out.extend(_flatten_block_errors(field_name, data()))
            else:
                out.extend((field_name, message) for message in item.messages)
    return out


def _flatten_block_errors(loc: str, data: Any) -> Problems:
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
