"""Delivery API: search (GET /api/v1/search/) over live scripts, personas and hot topics."""

from __future__ import annotations

from dataclasses import asdict

from django.apps import apps
from django.http import HttpRequest
from ninja import Query, Router

from bots.auth import visible_persona_ids
from content.schemas import KindName
from site_config.api_support import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    invalid,
    json_response,
    strict_query,
)

from .query import MAX_QUERY_LENGTH, BadQuery, search
from .schemas import HitList

router = Router(tags=["search"])
Persona = apps.get_model("personas", "Persona")


@router.get("", response={200: HitList, **ERRORS},
            summary="Search")  # fmt: skip
@strict_query
def search_endpoint(
    request: HttpRequest,
    q: str = Query(..., description=f"1–{MAX_QUERY_LENGTH} characters after trimming"),
    persona: str | None = None,
    kind: KindName | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """Live scripts, personas and hot topics matching `q`, best first. Traditional and
    Simplified characters find the same content; `highlight` wraps matches in <mark>."""
    persona_ids = visible_persona_ids(request)
    types = ("script", "persona", "hot_topic")
    if persona is not None:  # that persona's scripts and the persona itself, if visible
        persona_ids = set(
            Persona.objects.filter(pk__in=persona_ids, slug=persona).values_list("pk", flat=True)
        )
        types = ("script", "persona")
    try:
        hits = search(q, persona_ids=persona_ids, kind=kind, types=types, limit=limit)
    except BadQuery as error:
        raise invalid(["query", "q"], str(error)) from None
    items = [asdict(hit) for hit in hits]
    return json_response(request, {"count": len(items), "next": None, "items": items})
