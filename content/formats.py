"""Rendered messages in the other formats of ``POST /scripts/{id}/render``.

- ``wecom``: each message as a WeCom payload (``msgtype`` text/image/link/miniprogram/video/
  file) for the group-bot and customer-contact APIs, media as URLs. A delay is not a message in
  WeCom: it becomes ``delay_seconds`` on the message that follows it.
- ``text``: one plain-text block for an LLM or SMS; images and cards described in brackets.
"""

from __future__ import annotations

from typing import Any


def to_wecom(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    wait = 0
    for message in messages:
        kind = message["type"]
        if kind == "delay":
            wait += message["seconds"]
            continue
        if kind == "text":
            payload = {"msgtype": "text", "text": {"content": message["text"]}}
        elif kind == "image":
            payload = {"msgtype": "image", "image": {"pic_url": message.get("url")}}
        elif kind == "link":
            picture = (message.get("image") or {}).get("url") or ""
            payload = {
                "msgtype": "link",
                "link": {
                    "title": message["title"],
                    "desc": message["description"],
                    "url": message["url"],
                    "picurl": picture,
                },
            }
        elif kind == "miniprogram":
            picture = (message.get("image") or {}).get("url") or ""
            payload = {
                "msgtype": "miniprogram",
                "miniprogram": {
                    "title": message["title"],
                    "appid": message["appid"],
                    "page": message["path"],
                    "pic_url": picture,
                },
            }
        else:  # video, file
            payload = {"msgtype": kind, kind: {"url": message["url"], "title": message["title"]}}
        if wait:
            payload["delay_seconds"] = wait
            wait = 0
        out.append(payload)
    return out


def describe(message: dict[str, Any]) -> str:
    """One message as plain text; '' for delays."""
    kind = message["type"]
    if kind == "text":
        return message["text"]
    if kind == "image":
        return f"[图片：{message.get('alt') or '图片'}]"
    if kind == "link":
        return f"[链接：{message['title']} {message['url']}]"
    if kind == "miniprogram":
        return f"[小程序：{message['title']}]"
    if kind == "video":
        return f"[视频：{message['title'] or message['url']}]"
    if kind == "file":
        return f"[文件：{message['title'] or message['url']}]"
    return ""


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
