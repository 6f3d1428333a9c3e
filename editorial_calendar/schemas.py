"""Calendar and hot-topic shapes of the delivery API (../shared/API.md)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from ninja import Schema

from personas.enums import Channel

from .delivery import UNAVAILABLE_REASONS
from .enums import ACTIONABLE, Category

ChannelName = Literal[tuple(Channel.values)]
CategoryName = Literal[tuple(Category.values)]


class TopicRef(Schema):
    slug: str
    name: str


class ScriptRef(Schema):
    id: int
    kind: str
    title: str


class EntryOut(Schema):
    id: int
    date: date
    time: time | None
    persona: str
    channel: ChannelName
    title: str
    status: Literal[tuple(str(status) for status in ACTIONABLE)]
    hot_topic: TopicRef | None
    script: ScriptRef | None
    notes: str
    updated_at: datetime
    script_unavailable_reason: Literal[UNAVAILABLE_REASONS] | None


class EntryList(Schema):
    count: int
    next: str | None
    items: list[EntryOut]


class HotTopicOut(Schema):
    slug: str
    name: str
    category: CategoryName
    start: date
    end: date
    lead_days: int
    prepare_from: date
    description: str
    angles: list[str]
    updated_at: datetime


class HotTopicList(Schema):
    count: int
    next: str | None
    items: list[HotTopicOut]
