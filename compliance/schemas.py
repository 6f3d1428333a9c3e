"""Shapes of POST /api/v1/compliance/check (../shared/API.md, “Additions”)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from personas.enums import Channel

MAX_TEXT = 20_000
ChannelName = Literal[tuple(Channel.values)]


class CheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"The text to check, at most {MAX_TEXT:,} characters (else 413).")
    persona: str | None = Field(
        None,
        description="A persona slug: its industry picks the rule packs, its banned words apply.",
    )
    channel: ChannelName | None = Field(
        None, description="Where the text will be sent; without one it is checked as WeChat text."
    )


class FindingOut(Schema):
    rule: str
    level: Literal["error", "warning"]
    start: int = Field(description="Character offset of the phrase in `text` as sent.")
    end: int
    match: str
    message: str
    citation: str
    suggestions: list[str]


class CheckOut(Schema):
    ok: bool = Field(description="False when any finding is an error.")
    rule_version: str
    findings: list[FindingOut]
