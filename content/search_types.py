"""Scripts are searchable (core.search_types): live ones inside their validity window for bots,
drafts too in the admin; the API's filters (kind, stage, audience, tags) narrow them."""

from __future__ import annotations

from core.search_types import Scope, SearchType, Shown, register

# Only what a hit shows: up to 200 scripts are loaded per search, and their message blocks
# (JSON) and personas would cost more to load than the search itself.
HIT_FIELDS = ("id", "title", "kind", "search_text", "persona_id")


def candidates(scope: Scope):
    from .models import Script

    scripts = Script.objects.all()
    if scope.live_only:
        scripts = scripts.deliverable(scope.now)
    if scope.persona_ids is not None:
        scripts = scripts.filter(persona_id__in=scope.persona_ids)
    scripts = scripts.narrow(
        kind=scope.kind, stage=scope.stage, audience=scope.audience or None, tags=scope.tags
    )
    if scope.audience or scope.tags:  # search backends filter on plain values, not subqueries
        ids = list(scripts.values_list("pk", flat=True))
        scripts = Script.objects.filter(pk__in=ids)
    return scripts.only(*HIT_FIELDS)


def describe(scripts: list) -> list[Shown]:
    from personas.models import Persona

    slugs = dict(
        Persona.objects.filter(pk__in={s.persona_id for s in scripts}).values_list("pk", "slug")
    )
    return [
        Shown(s.pk, None, s.kind, slugs.get(s.persona_id), (s.title, s.search_text))
        for s in scripts
    ]


def register_types() -> None:
    register(
        SearchType(
            name="script",
            model="content.Script",
            index_name="scripts",
            candidates=candidates,
            title=lambda script: script.title,
            describe=describe,
            order=10,
            persona_bound=True,
        )
    )
