"""Delivery API: search (GET /api/v1/search/) over live scripts, personas and hot topics."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Query, Router

from content.schemas import KindName
from core.api import (
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


@router.get("", response={200: HitList, **ERRORS},
            summary="Search", operation_id="search", url_name="search")  # fmt: skip
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
    items = search_hits(request.auth, q, persona, kind, limit)
    return json_response(request, {"count": len(items), "next": None, "items": items})


def search_hits(client, q, persona=None, kind=None, limit=DEFAULT_LIMIT, types=None) -> list[dict]:
    """The hits `client` may see, best first, as the API's items (422 for a bad `q`); MCP's
    search_scripts and Dify's retrieval use it with `types=("script",)`."""
    # One query for the ids: search backends filter on plain values, not subqueries.
    visible = client.visible_personas()
    types = types or ("script", "persona", "hot_topic")
    if persona is not None:  # that persona's scripts and the persona itself, if visible
        visible = visible.filter(slug=persona)
        types = tuple(t for t in types if t in ("script", "persona"))
    persona_ids = set(visible.values_list("pk", flat=True))
    try:
        hits = search(q, persona_ids=persona_ids, kind=kind, types=types, limit=limit)
    except BadQuery as error:
        raise invalid(["query", "q"], str(error)) from None
    return [asdict(hit) for hit in hits]
