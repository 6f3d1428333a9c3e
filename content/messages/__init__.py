"""Messages between their stored form (StreamField) and the shapes of the API and import/export.

One definition per message type (``types.py``, registered in ``base.REGISTRY`` by ``type``); the
functions here walk a stream and hand each block to its type. API, export, import, lint, search,
previews and the other render formats all go through here, never through block names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Union

from django.utils.translation import gettext as _
from pydantic import Field, ValidationError

from . import types as _types  # noqa: F401  (registers the message types)
from .base import REGISTRY, MessageType, Render
from .errors import row_errors

__all__ = [
    "REGISTRY",
    "Message",
    "MessageType",
    "Render",
    "from_rows",
    "iter_texts",
    "message_type",
    "types_for",
    "render_api",
    "render_segments",
    "segments_to_api",
    "to_api",
    "to_export",
]

# The API shape of a message: a union discriminated by ``type`` (the OpenAPI schema).
Message = Annotated[Union[tuple(t.Out for t in REGISTRY.values())], Field(discriminator="type")]  # noqa: UP007


def message_type(name: str) -> type[MessageType]:
    return REGISTRY[name]


def types_for(kind: str) -> list[str]:
    """The message types a script of `kind` can hold (its editor's block menu): a moments post
    only those with a place in a post (their ``moment_slot``); the others every type."""
    if kind == "moment":
        return [name for name, t in REGISTRY.items() if t.moment_slot is not None]
    return list(REGISTRY)


def to_api(
    stream,
    values: Mapping[str, str] | None = None,
    absolute: Callable[[str], str] = str,
) -> list[dict[str, Any]]:
    """Messages in the API shape; with `values`, every text has its variables substituted. A
    message with nothing to send (an image deleted from the library) is left out: its shape
    needs the image (API.md), and the editor's lint names it."""
    render = Render(values, absolute)
    out = (REGISTRY[block.block_type].to_api(block.value, render) for block in stream or [])
    return [message for message in out if message is not None]


def render_api(messages: list[dict[str, Any]], values: Mapping[str, str]) -> list[dict[str, Any]]:
    """API-shaped `messages` (as ``to_api`` wrote them without values) with every text's
    variables substituted: the same as ``to_api(stream, values)``, from a cached body instead
    of the stored blocks. Each type's ``texts`` names its text fields in both shapes."""
    render = Render(values)
    out = []
    for message in messages:
        texts = REGISTRY[message["type"]].texts
        out.append({key: render.text(value) if key in texts else value
                    for key, value in message.items()})  # fmt: skip
    return out


def render_segments(segments: list[dict[str, Any]], values: Mapping[str, str]) -> list[dict]:
    """``segments_to_api`` output with the variables substituted (as it does with values)."""
    render = Render(values)
    return [
        {
            **segment,
            "cue": render.text(segment["cue"]),
            "lines": [render.text(line) for line in segment["lines"]],
        }  # fmt: skip
        for segment in segments
    ]


def to_export(stream) -> list[dict[str, Any]]:
    """Messages for export_content: like the API shape, but images/documents by reference."""
    return [REGISTRY[block.block_type].to_export(block.value) for block in stream or []]


def gone(stream, prefix: str = "messages") -> list[str]:
    """Where a message has nothing left to send (an image deleted from the library): ``to_api``
    leaves it out, and the lint says so."""
    render = Render(None)
    return [f"{prefix}.{index}" for index, block in enumerate(stream or [])
            if REGISTRY[block.block_type].to_api(block.value, render) is None]  # fmt: skip


def iter_texts(stream, prefix: str = "messages") -> Iterator[tuple[str, str]]:
    """(where, text) for every text of the messages a user will read, in order."""
    for index, block in enumerate(stream or []):
        for suffix, text in REGISTRY[block.block_type].iter_texts(block.value):
            yield f"{prefix}.{index}{suffix}", text


def segments_to_api(stream, values: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    render = Render(values)
    return [
        {
            "name": block.value["name"],
            "type": block.value.get("type") or None,
            "minutes": block.value["minutes"],
            "cue": render.text(block.value.get("cue") or ""),
            "lines": [render.text(line) for line in block.value.get("lines") or []],
            "product": block.value.get("product") or "",
        }
        for block in stream or []
    ]


def from_rows(items: Any, media) -> tuple[list[dict], list[tuple[str, str]]]:
    """Raw StreamField data from messages in the import shape: (blocks, [(where, message)]).
    `media` finds library images and documents (``image(ref)``, ``document(ref)``)."""
    if not isinstance(items, list):
        return [], [("messages", _("must be a list of messages"))]
    blocks: list[dict] = []
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        where = f"messages.{index}"
        if not isinstance(item, dict) or "type" not in item:
            problems.append((where, _("each message is an object with a “type”")))
            continue
        kind = REGISTRY.get(item["type"]) if isinstance(item["type"], str) else None
        if kind is None:
            problems.append((where, _unknown_type(item["type"])))
            continue
        try:
            row = kind.Row.model_validate(item)
            blocks.append({"type": kind.type, "value": kind.to_block(row, media)})
        except ValidationError as error:
            problems.extend(row_errors(where, kind, error))
        except ValueError as error:  # an image or document that is not in the library
            problems.append((where, str(error)))
    return blocks, problems


def _unknown_type(name: Any) -> str:
    return _("unknown message type “%(t)s”; use one of %(types)s") % {
        "t": name,
        "types": ", ".join(REGISTRY),
    }
