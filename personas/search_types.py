"""Personas are searchable (core.search_types): by name, positioning and bio; live ones only
for bots; none when the search asks for a kind of script."""

from __future__ import annotations

from core.search_types import Scope, SearchType, Shown, may_view, register


def candidates(scope: Scope):
    if scope.kind:
        return None
    from .models import Persona

    if not may_view(scope.user, Persona):
        return None
    personas = Persona.objects.all()
    if scope.status:
        personas = personas.filter(live=scope.status == "live")
    if scope.live_only:
        personas = personas.deliverable(scope.now)
    if scope.persona_ids is not None:
        personas = personas.filter(pk__in=scope.persona_ids)
    return personas


def _status(persona) -> str:
    if not persona.live:
        return "draft"
    return "changed" if persona.has_unpublished_changes else "live"


def describe(personas: list) -> list[Shown]:
    return [
        Shown(
            None,
            p.slug,
            None,
            p.slug,
            (" ".join(filter(None, [p.name, p.positioning, p.bio])),),
            pk=p.pk,
            status=_status(p),
            detail=p.brand,
        )
        for p in personas
    ]


def register_types() -> None:
    register(
        SearchType(
            name="persona",
            model="personas.Persona",
            index_name="personas",
            candidates=candidates,
            title_field="name",
            describe=describe,
            order=20,
            persona_bound=True,
        )
    )
