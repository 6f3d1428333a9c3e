"""What the preview templates need: the script rendered with sample variable values."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from . import messages as msgs
from . import variables as vars_
from .enums import Segment


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


_UNITS = (
    (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
    (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
    (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
    (1, lambda n: ngettext("%(n)d second", "%(n)d seconds", n)),
)


def delay_label(seconds: int) -> str:
    """A delay as a person says it: 3 分钟后, 2 小时后, 1 小时 30 分钟后 (never 180 秒后)."""
    seconds = max(int(seconds or 0), 0)
    parts = []
    for size, unit in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(unit(count) % {"n": count})
    if not parts:
        return gettext("right after")
    return gettext("%(duration)s later") % {"duration": " ".join(parts)}


def preview_context(script) -> dict:
    values = vars_.sample_values(script.declared_variables())
    persona = script.persona if script.persona_id else None
    segments = msgs.segments_to_api(script.segments, values)
    elapsed = 0
    for segment in segments:
        segment["label"] = dict(Segment.choices).get(segment["name"], segment["name"])
        segment["start_clock"] = _clock(elapsed)
        elapsed += segment["minutes"] or 0
        segment["end_clock"] = _clock(elapsed)
    rendered = msgs.to_api(script.messages, values)
    for message in rendered:
        if message["type"] == "delay":
            message["label"] = delay_label(message["seconds"])
    return {
        "script": script,
        "persona": persona,
        "sample_values": values,
        "rendered_messages": rendered,
        # A moments post groups its messages by where they fit (each type's moment_slot).
        "images": [m for m in rendered if _slot(m) == "images"],
        "cards": [m for m in rendered if _slot(m) in {"card", "video"}],
        "texts": [m for m in rendered if _slot(m) == "text"],
        "first_comment": vars_.render(script.first_comment, values),
        "segments": segments,
        "total_minutes": elapsed,
        "triggers": list(script.triggers or []),
        "group_name": _group_name(persona),
    }


def _slot(message: dict) -> str | None:
    return msgs.REGISTRY[message["type"]].moment_slot


def _group_name(persona) -> str:
    if persona is None or not persona.pk:
        return ""
    for account in persona.channels.all():
        if account.channel == "wechat_group":
            return account.handle
    return ""
