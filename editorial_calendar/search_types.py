"""Hot topics are searchable (core.search_types): by name and description, for everyone; none
when the search asks for a kind of script."""

from __future__ import annotations

from core.search_types import Scope, SearchType, Shown, register


def candidates(scope: Scope):
    if scope.kind:
        return None
    from .models import HotTopic

    return HotTopic.objects.all()


def describe(topics: list) -> list[Shown]:
    return [
        Shown(None, t.slug, None, None, (" ".join(filter(None, [t.name, t.description])),))
        for t in topics
    ]


def register_types() -> None:
    register(
        SearchType(
            name="hot_topic",
            model="editorial_calendar.HotTopic",
            index_name="hot_topics",
            candidates=candidates,
            title=lambda topic: topic.name,
            describe=describe,
            order=30,
        )
    )
