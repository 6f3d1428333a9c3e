"""Search shapes of the delivery API (../shared/API.md, “search”)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema


class HitOut(Schema):
    type: Literal["script", "persona", "hot_topic"]
    id: int | None
    slug: str | None
    title: str
    kind: str | None
    persona: str | None
    highlight: str
    score: float


class HitList(Schema):
    count: int
    next: str | None
    items: list[HitOut]
