"""Validation errors of the import shapes as (where, message) pairs in our words (translated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from pydantic import ValidationError

if TYPE_CHECKING:
    from .base import MessageType


def row_errors(
    where: str, kind: type[MessageType], error: ValidationError
) -> list[tuple[str, str]]:
    out = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        field = loc[0] if loc else ""
        # A field that is the block value itself (a text message's text) is reported where the
        # editor reports the block: at messages.N.
        place = where if field in ("", kind.value_field) else f"{where}.{field}"
        out.append((place, _message(item, field)))
    return out


def _message(item: dict, field: str) -> str:
    kind = item["type"]
    if kind == "missing":
        return _("“%(field)s” is required") % {"field": field}
    if kind == "string_type":
        return _("“%(field)s” must be a text") % {"field": field}
    if kind.startswith("int_"):
        return _("“%(field)s” must be a whole number") % {"field": field}
    if kind == "value_error":  # raised by a shape's own validator, already in our words
        return str(item["ctx"]["error"])
    return item["msg"]
