"""Sequences are searchable in the admin (core.search_types): by name, trigger label,
description and slug, drafts too, for users who may view sequences; bots never search them
(they list sequences by persona, channel and trigger)."""

from __future__ import annotations

from core.search_types import Scope, SearchType, Shown, may_view, register

HIT_FIELDS = ("id", "name", "description", "custom_trigger", "persona_id", "channel", "trigger",
              "live", "has_unpublished_changes")  # fmt: skip


def candidates(scope: Scope):
    if scope.user is None or scope.kind:
        return None  # the admin's only; sequences have no kind of script
    from .models import Sequence

    if not may_view(scope.user, Sequence):
        return None
    sequences = Sequence.objects.all()
    if scope.status:
        sequences = sequences.filter(live=scope.status == "live")
    if scope.persona_ids is not None:
        sequences = sequences.filter(persona_id__in=scope.persona_ids)
    return sequences.only(*HIT_FIELDS)


def describe(sequences: list) -> list[Shown]:
    from content.search_types import status_of
    from personas.models import Persona

    names = dict(
        Persona.objects.filter(pk__in={s.persona_id for s in sequences}).values_list("pk", "name")
    )
    return [
        Shown(s.pk, None, None, None,
              (" ".join(filter(None, [s.name, s.custom_trigger, s.description])),),
              pk=s.pk, status=status_of(s),
              detail=" · ".join([names.get(s.persona_id, ""), s.get_channel_display(),
                                 s.get_trigger_display()]))
        for s in sequences
    ]  # fmt: skip


def register_types() -> None:
    register(
        SearchType(
            name="sequence",
            model="sequences.Sequence",
            index_name="sequences",
            candidates=candidates,
            title_field="name",
            describe=describe,
            order=35,
            persona_bound=True,
        )
    )
