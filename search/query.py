"""One query interface for the admin and the delivery API.

`search(q, ...)` validates the query, runs it through the configured search backend over
scripts, personas and hot topics, applies the caller's scope and filters, and returns hits
with HTML-safe highlights. The admin passes `live_only=False` (copywriters find drafts); bots
get live scripts inside their validity window only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.search.backends import get_search_backend

from . import analysis

MAX_QUERY_LENGTH = 200
CANDIDATES = 200  # re-ranked in Python; backends return at most this many per type
HIT_FIELDS = ("id", "title", "kind", "search_text", "persona_id")


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


def search(
    q: str,
    *,
    persona_ids=None,
    kind: str | None = None,
    stage: str | None = None,
    audience: str | None = None,
    tags: list[str] | None = None,
    types=("script", "persona", "hot_topic"),
    live_only: bool = True,
    limit: int = 20,
) -> list[Hit]:
    """Best hits first across scripts, personas and hot topics.

    `persona_ids` (None = all) restricts scripts and personas, e.g. to a bot's scope.
    """
    q = clean_query(q)
    words, grams = analysis.query_tokens(q)
    if not words and not grams:
        return []
    backend = get_search_backend()
    hits: list[Hit] = []
    if persona_ids is not None:
        persona_ids = list(persona_ids)
        if not persona_ids:  # nothing in scope: no scripts or personas (backends reject IN ())
            types = tuple(t for t in types if t not in {"script", "persona"})

    if "script" in types:
        Script = apps.get_model("content", "Script")
        scripts = Script.objects.all()
        if live_only:
            scripts = scripts.deliverable(timezone.now())
        if persona_ids is not None:
            scripts = scripts.filter(persona_id__in=persona_ids)
        scripts = scripts.narrow(kind=kind, stage=stage, audience=audience or None, tags=tags)
        if audience or tags:  # search backends filter on plain values, not subqueries
            ids = list(scripts.values_list("pk", flat=True))
            scripts = Script.objects.filter(pk__in=ids)
        # Only what a hit shows: up to CANDIDATES scripts are loaded, and their message
        # blocks (JSON) and personas would cost more to load than the search itself.
        scripts = scripts.only(*HIT_FIELDS)
        best = _ranked(backend.search(q, scripts), q, lambda s: s.title)[:limit]
        Persona = apps.get_model("personas", "Persona")
        slugs = dict(
            Persona.objects.filter(pk__in={s.persona_id for s in best}).values_list("pk", "slug")
        )
        for script in best:
            text = script.title if _matches(script.title, q) else script.search_text
            hits.append(
                Hit(
                    "script",
                    script.pk,
                    None,
                    script.title,
                    script.kind,
                    slugs.get(script.persona_id),
                    str(analysis.highlight(text, q)),
                    float(getattr(script, "_score", 0) or 0),
                )
            )

    if "persona" in types and not kind:
        Persona = apps.get_model("personas", "Persona")
        personas = Persona.objects.all()
        if live_only:
            personas = personas.deliverable(timezone.now())
        if persona_ids is not None:
            personas = personas.filter(pk__in=persona_ids)
        for persona in _ranked(backend.search(q, personas), q, lambda p: p.name)[:limit]:
            text = " ".join(filter(None, [persona.name, persona.positioning, persona.bio]))
            hits.append(
                Hit("persona", None, persona.slug, persona.name, None, persona.slug,
                    str(analysis.highlight(text, q)), float(getattr(persona, "_score", 0) or 0))
            )  # fmt: skip

    if "hot_topic" in types and not kind:
        HotTopic = apps.get_model("editorial_calendar", "HotTopic")
        for topic in _ranked(backend.search(q, HotTopic.objects.all()), q, lambda t: t.name)[
            :limit
        ]:
            text = " ".join(filter(None, [topic.name, topic.description]))
            hits.append(
                Hit("hot_topic", None, topic.slug, topic.name, None, None,
                    str(analysis.highlight(text, q)), float(getattr(topic, "_score", 0) or 0))
            )  # fmt: skip

    hits.sort(key=lambda hit: -hit.score)
    return hits[:limit]


def _ranked(results, q: str, title_of) -> list:
    """Backend order, refined: whole-word title matches first, then title matches, then the
    rest; `_score` is set on each object (higher is better) so hits of different types merge."""
    words, grams = analysis.query_tokens(q)
    candidates = list(results[:CANDIDATES])

    def key(pair):
        position, obj = pair
        title = analysis.normalise(title_of(obj))
        whole = bool(words) and all(word in title for word in words)
        partial = all(gram in title for gram in grams) if grams else whole
        return (not whole, not partial, position)

    ranked = [obj for _position, obj in sorted(enumerate(candidates), key=key)]
    for rank, obj in enumerate(ranked):
        title = analysis.normalise(title_of(obj))
        bonus = 2.0 if words and all(w in title for w in words) else 0.0
        obj._score = round(bonus + 1.0 / (rank + 1), 4)
    return ranked


def _matches(text: str, q: str) -> bool:
    words, grams = analysis.query_tokens(q)
    folded = analysis.normalise(text)
    return any(token in folded for token in words + grams)
