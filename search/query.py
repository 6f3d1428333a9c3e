"""One query interface for the admin and the delivery API.

`search(q, ...)` validates the query, analyses it once into a plan (search.plan), runs it
through the configured search backend over every searchable type the apps registered
(core.search_types: scripts, personas, hot topics), applies the caller's scope and filters,
and returns hits with HTML-safe highlights. The admin passes `live_only=False` (copywriters find
drafts); bots get live scripts inside their validity window only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.search.backends import get_search_backend

from core import search_types

from . import analysis
from .backends import having_pks
from .plan import SearchPlan, plan_for

MAX_QUERY_LENGTH = 200
CANDIDATES = 200  # re-ranked in Python; backends return at most this many per type
#: The attribute the backend's own relevance is put in (higher is better).
BACKEND_SCORE = "_backend_score"


class BadQuery(ValueError):
    pass


@dataclass
class Hit:
    type: str  # "script" | "persona" | "hot_topic"
    id: int | None
    slug: str | None
    title: str
    kind: str | None
    persona: str | None
    highlight: str
    score: float


def clean_query(q: str | None) -> str:
    q = (q or "").strip()
    if not q:
        raise BadQuery(_("Type something to search for."))
    if len(q) > MAX_QUERY_LENGTH:
        raise BadQuery(
            _("A query has at most %(n)d characters; this one has %(m)d.")
            % {"n": MAX_QUERY_LENGTH, "m": len(q)}
        )
    return q


@dataclass
class Found:
    """One of the best objects of a search, before it becomes an API `Hit` (the admin's
    results read the object and its `Shown` directly)."""

    type: search_types.SearchType
    obj: object
    shown: search_types.Shown
    highlight: str
    score: float


def search(
    q: str,
    *,
    persona_ids=None,
    kind: str | None = None,
    stage: str | None = None,
    audience: str | None = None,
    tags: list[str] | None = None,
    types=None,
    live_only: bool = True,
    limit: int = 20,
) -> list[Hit]:
    """Best hits first across the registered types (scripts, personas and hot topics; `types`
    None = all of them).

    `persona_ids` (None = all) restricts scripts and personas, e.g. to a bot's scope.
    """
    if persona_ids is not None:
        persona_ids = list(persona_ids)
    scope = search_types.Scope(
        now=timezone.now(),
        persona_ids=persona_ids,
        kind=kind,
        stage=stage,
        audience=audience,
        tags=tags,
        live_only=live_only,
    )
    return [
        Hit(found.type.name, found.shown.id, found.shown.slug, found.type.title(found.obj),
            found.shown.kind, found.shown.persona, found.highlight, found.score)
        for found in find(q, scope, types=types, limit=limit)
    ]  # fmt: skip


def find(q: str, scope: search_types.Scope, *, types=None, limit: int = 20) -> list[Found]:
    """The best objects for `q` within `scope` across the registered types (`types` None = all
    of them), best first: the one matching path of the API, MCP, Dify and the admin."""
    q = clean_query(q)
    plan = plan_for(q)
    if plan.empty:
        return []
    backend = get_search_backend()
    found: list[Found] = []
    for search_type in search_types.registered():
        if types is not None and search_type.name not in types:
            continue
        if search_type.persona_bound and scope.persona_ids is not None and not scope.persona_ids:
            continue  # nothing in scope (and backends reject IN ())
        candidates = search_type.candidates(scope)
        if candidates is None:
            continue
        results = backend.search(q, candidates).annotate_score(BACKEND_SCORE)
        best = _best(results, candidates, plan, search_type, limit)
        for obj, shown in zip(best, search_type.describe(best), strict=True):
            # The first text holding a query token, else the last one (not checked: it is
            # the highlight's text either way).
            text = next((t for t in shown.texts[:-1] if plan.matches(t)), shown.texts[-1])
            highlight = str(analysis.highlight(text, q, terms=plan.terms))
            found.append(
                Found(search_type, obj, shown, highlight, float(getattr(obj, "_score", 0) or 0))
            )
    found.sort(key=lambda item: -item.score)
    return found[:limit]


def _best(results, candidates, plan: SearchPlan, search_type, limit: int) -> list:
    """The best `limit` objects of the backend's first CANDIDATES, in the backend's order
    refined: whole-word title matches first, then title matches, then the rest; within each,
    the backend's score, and equal scores newest first (higher primary key): the same order on
    every backend and after a backup is restored (a rebuilt index lists equal scores in another
    order). `_score` is set on each object (higher is better) so hits of different types merge.

    When the backend tells its matches without loading them (`scored_pks`) and the type names
    its title field, the candidates' titles are read as values and only the best are loaded
    (loading 200 scripts costs more than finding them)."""
    window = results[:CANDIDATES]
    if search_type.title_field and hasattr(window, "scored_pks"):
        scored = window.scored_pks()
        pks = [pk for pk, _score in scored]
        titles = (
            dict(having_pks(candidates.order_by(), pks).values_list("pk", search_type.title_field))
            if pks
            else {}
        )
        rows = [(pk, titles[pk], _rounded(score), None) for pk, score in scored if pk in titles]
    else:
        rows = [(obj.pk, search_type.title(obj), _rounded(getattr(obj, BACKEND_SCORE, None)), obj)
                for obj in window]  # fmt: skip
    in_title = [plan.in_title(title) for _pk, title, _score, _obj in rows]
    order = sorted(
        range(len(rows)),
        key=lambda i: (not in_title[i][0], not in_title[i][1], -rows[i][2], -rows[i][0]),
    )[:limit]
    unloaded = [rows[i][0] for i in order if rows[i][3] is None]
    loaded = candidates.in_bulk(unloaded) if unloaded else {}
    best = []
    for rank, i in enumerate(order):
        pk, _title, score, obj = rows[i]
        obj = loaded.get(pk) if obj is None else obj
        if obj is None:  # deleted meanwhile
            continue
        setattr(obj, BACKEND_SCORE, score)
        obj._score = round((2.0 if in_title[i][0] else 0.0) + 1.0 / (rank + 1), 4)
        best.append(obj)
    return best


def _rounded(score) -> float:
    """The backend's relevance, rounded so that equal scores compare equal after float noise
    (a rebuilt index's statistics sum in another order)."""
    return round(float(score), 6) if score is not None else 0.0
