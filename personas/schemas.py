"""Persona shapes of the delivery API (../shared/API.md, “personas”)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class Image(Schema):
    url: str
    width: int
    height: int
    alt: str


class Examples(Schema):
    do: list[str]
    dont: list[str]


class Voice(Schema):
    tone: list[str]
    catchphrases: list[str]
    address_terms: list[str]
    emoji_style: str
    sign_off: str
    banned_words: list[str]
    examples: Examples


class ChannelAccount(Schema):
    channel: str
    handle: str
    note: str
    capacity: int | None
    daily_post_limit: int | None


class PersonaOut(Schema):
    slug: str
    name: str
    brand: str
    archetype: str
    positioning: str
    signature: str
    bio: str
    relationship: str
    avatar: Image | None
    cover: Image | None
    voice: Voice
    channels: list[ChannelAccount]
    updated_at: datetime


class PersonaDetail(PersonaOut):
    brief: str


class PersonaList(Schema):
    count: int
    next: str | None
    items: list[PersonaOut]
