"""Hot topics are searchable (core.search_types): by name and description, for everyone; none
when the search asks for a kind of script or a publishing status. Calendar entries too, in the
admin only (bots never search them): by title and notes, for users who may view them."""

from __future__ import annotations

from core.search_types import Scope, SearchType, Shown, may_view, register


def candidates(scope: Scope):
    if scope.kind or scope.status:
        return None
    from .models import HotTopic

    if not may_view(scope.user, HotTopic):
        return None
    return HotTopic.objects.all()


def describe(topics: list) -> list[Shown]:
    return [
        Shown(None, t.slug, None, None, (" ".join(filter(None, [t.name, t.description])),),
              pk=t.pk, detail=f"{t.start:%Y-%m-%d} – {t.end:%Y-%m-%d}")
        for t in topics
    ]  # fmt: skip


def entry_candidates(scope: Scope):
    if scope.user is None or scope.kind or scope.status:
        return None  # the admin's only; entries have no kind or publishing status
    from .models import CalendarEntry

    if not may_view(scope.user, CalendarEntry):
        return None
    entries = CalendarEntry.objects.all()
    if scope.persona_ids is not None:
        entries = entries.filter(persona_id__in=scope.persona_ids)
    return entries.only("id", "title", "notes", "date", "persona_id", "channel", "status")


def describe_entries(entries: list) -> list[Shown]:
    from personas.models import Persona

    names = dict(
        Persona.objects.filter(pk__in={e.persona_id for e in entries}).values_list("pk", "name")
    )
    return [
        Shown(None, None, None, None, (" ".join(filter(None, [e.title, e.notes])),), pk=e.pk,
              status=e.get_status_display(),
              detail=" · ".join([f"{e.date:%Y-%m-%d}", names.get(e.persona_id, ""),
                                 e.get_channel_display()]))
        for e in entries
    ]  # fmt: skip


def register_types() -> None:
    register(
        SearchType(
            name="hot_topic",
            model="editorial_calendar.HotTopic",
            index_name="hot_topics",
            candidates=candidates,
            title_field="name",
            describe=describe,
            order=30,
        )
    )
    register(
        SearchType(
            name="calendar_entry",
            model="editorial_calendar.CalendarEntry",
            index_name="calendar_entries",
            candidates=entry_candidates,
            title_field="title",
            describe=describe_entries,
            order=40,
            persona_bound=True,
        )
    )
