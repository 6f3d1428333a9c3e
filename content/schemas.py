"""Script shapes of the delivery API (../shared/API.md, “scripts”)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from .enums import Kind, Stage
from .messages import Message

KindName = Literal[tuple(Kind.values)]
StageName = Literal[tuple(Stage.values)]
Format = Literal["native", "wecom", "text"]


class ScriptSummary(Schema):
    id: int
    kind: KindName
    persona: str
    title: str
    stage: StageName
    audiences: list[str]
    tags: list[str]
    hot_topic: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    updated_at: datetime


class ScriptList(Schema):
    count: int
    next: str | None
    items: list[ScriptSummary]


class VariableOut(Schema):
    name: str
    required: bool
    default: str
    description: str


class SegmentOut(Schema):
    """`name` is the host's own name for the segment; `type` one of the segment types or
    null (added in session 6: additive)."""

    name: str
    type: str | None
    minutes: int
    cue: str
    lines: list[str]
    product: str


class ScriptDetail(ScriptSummary):
    """Messages are ``{"type": ...}`` objects: text {text}, image {url, width, height, alt},
    link {title, description, url, image}, miniprogram {title, appid, path, image},
    video {url, title}, file {url, title}, delay {seconds}. Kind-specific fields appear only
    on their kind."""

    variables: list[VariableOut]
    messages: list[Message]
    first_comment: str | None = None
    group_types: list[str] | None = None
    purpose: str | None = None
    trigger: str | None = None
    segments: list[SegmentOut] | None = None
    warmup_messages: list[Message] | None = None
    triggers: list[str] | None = None


class RenderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    variables: dict[str, str] = Field(default_factory=dict)


class RenderFlatIn(Schema):
    """The render body as top-level primitives, for tool importers (Coze, Dify) that pass only
    string/number/boolean fields: the variables as one JSON object in a string."""

    model_config = ConfigDict(extra="forbid")

    variables_json: str = Field(
        "{}",
        max_length=60_000,
        description='The variables as a JSON object of strings, e.g. {"nickname": "Amy"}.',
    )
    format: Format = "native"


class Rendered(ScriptDetail):
    """The detail with every ``{{name}}`` replaced. With ``format=wecom`` the messages are
    WeCom payloads; with ``format=text`` ``text`` holds the whole script as plain text."""

    # format=wecom: WeCom payloads ({"msgtype": ...}) instead of messages.
    messages: list[Message] | list[dict[str, Any]]
    warmup_messages: list[Message] | list[dict[str, Any]] | None = None
    format: Format
    values: dict[str, str]
    text: str | None = None
