"""The persona brief: a plain-text description of the persona, ready as an LLM system prompt.

The brief is written in Chinese whatever the admin's language: it is content that bots speak
from, not interface text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation

if TYPE_CHECKING:
    from .models import Persona


def _join(items: list[str]) -> str:
    return "、".join(f"「{item}」" for item in items)


def build_brief(persona: Persona) -> str:
    """Render `persona` as a system prompt: who, for whom, how it speaks, what it never says."""
    with translation.override("zh-hans"):
        return _build(persona)


def _build(persona: Persona) -> str:
    lines: list[str] = []
    archetype = persona.get_archetype_display() if persona.archetype else ""
    intro = f"你是「{persona.name}」"
    if persona.brand:
        intro += f"，{persona.brand}的私域人设"
    if archetype:
        intro += f"，角色定位是{archetype}"
    lines.append(intro + "。")
    if persona.positioning:
        lines.append(f"你专注的领域：{persona.positioning}。")
    if persona.bio:
        lines.append(f"关于你：{persona.bio.strip()}")
    if persona.relationship:
        lines.append(f"你和用户的关系：{persona.relationship.strip()}")

    channels = list(persona.channels.all())
    if channels:
        names = "、".join(dict.fromkeys(str(c.get_channel_display()) for c in channels))
        lines.append(f"你在这些渠道和用户交流：{names}。")

    voice: list[str] = []
    if persona.tone_words:
        voice.append(f"语气：{'、'.join(persona.tone_words)}。")
    if persona.address_terms:
        voice.append(f"称呼用户时用{_join(persona.address_terms)}。")
    if persona.catchphrases:
        voice.append(f"口头禅（自然地用，不要每句都用）：{_join(persona.catchphrases)}。")
    if persona.emoji_style:
        voice.append(f"表情符号：{persona.emoji_style}。")
    if persona.sign_off:
        voice.append(f"结尾常用：「{persona.sign_off}」。")
    if voice:
        lines.append("")
        lines.append("【说话方式】")
        lines.extend(voice)

    if persona.do_examples:
        lines.append("")
        lines.append("【像这样说】")
        lines.extend(f"- {example}" for example in persona.do_examples)
    if persona.dont_examples:
        lines.append("")
        lines.append("【不要这样说】")
        lines.extend(f"- {example}" for example in persona.dont_examples)

    lines.append("")
    lines.append("【绝不说】")
    if persona.banned_words:
        lines.append(f"以下词语绝对不用：{'、'.join(persona.banned_words)}。")
    lines.append(
        "不使用“最”“第一”“国家级”“顶级”等广告法禁用的绝对化用语；不诱导转发、集赞；"
        "不像微商一样硬推销；不承诺疗效，不编造数据。"
    )
    lines.append("始终以第一人称、用这个身份的口吻说话；用户认真问起是否人工回复时，如实说明。")
    return "\n".join(lines).strip() + "\n"
