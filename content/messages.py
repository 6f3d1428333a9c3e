"""Messages between their stored form (StreamField) and the delivery/import shape.

The shape is the one in API.md: ``{"type": "text", "text": ...}``, ``{"type": "image", "url",
"width", "height", "alt"}``, ``link {title, description, url, image}``, ``miniprogram {title,
appid, path, image}``, ``video {url, title}``, ``file {url, title}``, ``delay {seconds}``.
Previews, the API, export and import all go through here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.images import image_dict

from . import variables as vars_


def _image_ref(image) -> dict | None:
    """How export names an image: by stored file name (unique), with its title as a fallback."""
    if image is None:
        return None
    return {"file": image.file.name, "title": image.title}


def to_api(
    stream,
    values: Mapping[str, str] | None = None,
    absolute: Callable[[str], str] = str,
) -> list[dict[str, Any]]:
    """Messages as dicts; with `values`, every text has its variables substituted."""

    def text(value: str) -> str:
        return vars_.render(value, values) if values is not None else value

    out: list[dict[str, Any]] = []
    for block in stream or []:
        kind, value = block.block_type, block.value
        if kind == "text":
            out.append({"type": "text", "text": text(value)})
        elif kind == "image":
            alt = getattr(value, "contextual_alt_text", "") or ""
            out.append({"type": "image", **(image_dict(value, alt, absolute) or {})})
        elif kind == "link":
            out.append(
                {
                    "type": "link",
                    "title": text(value["title"]),
                    "description": text(value.get("description") or ""),
                    "url": value["url"],
                    "image": image_dict(value.get("image"), absolute=absolute),
                }
            )
        elif kind == "miniprogram":
            out.append(
                {
                    "type": "miniprogram",
                    "title": text(value["title"]),
                    "appid": value["appid"],
                    "path": value["path"],
                    "image": image_dict(value.get("image"), absolute=absolute),
                }
            )
        elif kind in {"video", "file"}:
            document = value.get("video" if kind == "video" else "document")
            out.append(
                {
                    "type": kind,
                    "url": absolute(document.url) if document else None,
                    "title": text(value.get("title") or (document.title if document else "")),
                }
            )
        elif kind == "delay":
            out.append({"type": "delay", "seconds": value["seconds"]})
    return out


def segments_to_api(stream, values: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    def text(value: str) -> str:
        return vars_.render(value, values) if values is not None else value

    return [
        {
            "name": block.value["name"],
            "minutes": block.value["minutes"],
            "cue": text(block.value.get("cue") or ""),
            "lines": [text(line) for line in block.value.get("lines") or []],
            "product": block.value.get("product") or "",
        }
        for block in stream or []
    ]


def to_export(stream) -> list[dict[str, Any]]:
    """Messages for export_content: like the API shape, but images/documents by reference."""
    out: list[dict[str, Any]] = []
    for block in stream or []:
        kind, value = block.block_type, block.value
        if kind == "text":
            out.append({"type": "text", "text": value})
        elif kind == "image":
            out.append(
                {
                    "type": "image",
                    **_image_ref(value),
                    "alt": getattr(value, "contextual_alt_text", "") or "",
                }
            )
        elif kind == "link":
            out.append(
                {
                    "type": "link",
                    "title": value["title"],
                    "description": value.get("description") or "",
                    "url": value["url"],
                    "image": _image_ref(value.get("image")),
                }
            )
        elif kind == "miniprogram":
            out.append(
                {
                    "type": "miniprogram",
                    "title": value["title"],
                    "appid": value["appid"],
                    "path": value["path"],
                    "image": _image_ref(value.get("image")),
                }
            )
        elif kind in {"video", "file"}:
            document = value.get("video" if kind == "video" else "document")
            out.append(
                {
                    "type": kind,
                    "file": document.file.name if document else None,
                    "title": value.get("title") or "",
                }
            )
        elif kind == "delay":
            out.append({"type": "delay", "seconds": value["seconds"]})
    return out
