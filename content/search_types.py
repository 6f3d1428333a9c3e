"""Scripts are searchable (core.search_types): live ones inside their validity window for bots,
drafts too in the admin; the API's filters (kind, stage, audience, tags) narrow them."""

from __future__ import annotations

from core.search_types import Scope, SearchType, Shown, may_view, register

# Only what a hit shows: up to 200 scripts are loaded per search, and their message blocks
# (JSON) and personas would cost more to load than the search itself.
HIT_FIELDS = ("id", "title", "kind", "search_text", "persona_id", "live", "has_unpublished_changes")


def status_of(script) -> str:
    """ "live", "changed" (live, with a newer draft) or "draft" (never or no longer live)."""
    if not script.live:
        return "draft"
    return "changed" if script.has_unpublished_changes else "live"


def candidates(scope: Scope):
    from .models import KIND_MODELS, Script

    scripts = Script.objects.all()
    if scope.user is not None:  # the admin: only the kinds this user may view
        kinds = [kind for kind, model in KIND_MODELS.items() if may_view(scope.user, model)]
        if not kinds or (scope.kind and scope.kind not in kinds):
            return None
        if len(kinds) < len(KIND_MODELS):
            scripts = scripts.filter(kind__in=kinds)
    if scope.status:
        scripts = scripts.filter(live=scope.status == "live")
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

    from .models import KIND_MODELS

    personas = {
        pk: (slug, name)
        for pk, slug, name in Persona.objects.filter(
            pk__in={s.persona_id for s in scripts}
        ).values_list("pk", "slug", "name")
    }
    return [
        Shown(s.pk, None, s.kind, personas.get(s.persona_id, (None,))[0], (s.title, s.search_text),
              pk=s.pk, status=status_of(s), detail=personas.get(s.persona_id, (None, ""))[1],
              model=KIND_MODELS.get(s.kind))
        for s in scripts
    ]  # fmt: skip


def register_types() -> None:
    register(
        SearchType(
            name="script",
            model="content.Script",
            index_name="scripts",
            candidates=candidates,
            title_field="title",
            describe=describe,
            order=10,
            persona_bound=True,
        )
    )
