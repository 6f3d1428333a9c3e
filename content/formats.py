"""Rendered messages in the other formats of ``POST /scripts/{id}/render``.

- ``wecom``: each message as a WeCom payload (``msgtype`` text/image/link/miniprogram/video/
  file) for the group-bot and customer-contact APIs, media as URLs. A delay is not a message in
  WeCom: it becomes ``delay_seconds`` on the message that follows it. Each message type
  writes its own payload and description (content/messages/types.py).
- ``text``: one plain-text block for an LLM or SMS; images and cards described in brackets.
"""

from __future__ import annotations

from typing import Any

from .messages import REGISTRY


def to_wecom(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    wait = 0
    for message in messages:
        kind = REGISTRY[message["type"]]
        payload = kind.to_wecom(message)
        if payload is None:  # a delay: not a message in WeCom
            wait += kind.wait_seconds(message)
            continue
        if wait:
            payload["delay_seconds"] = wait
            wait = 0
        out.append(payload)
    return out


def describe(message: dict[str, Any]) -> str:
    """One message as plain text; '' for delays."""
    return REGISTRY[message["type"]].describe(message)


def to_text(detail: dict[str, Any]) -> str:
    """A rendered script (native shape) as one plain-text block."""
    parts = [text for text in (describe(m) for m in detail.get("messages") or []) if text]
    if detail.get("first_comment"):
        parts.append(f"[首条评论] {detail['first_comment']}")
    for segment in detail.get("segments") or []:
        head = f"【{segment['name']} · {segment['minutes']} 分钟】"
        if segment.get("cue"):
            head += f"（{segment['cue']}）"
        lines = [head, *(segment.get("lines") or [])]
        if segment.get("product"):
            lines.append(f"[商品：{segment['product']}]")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
