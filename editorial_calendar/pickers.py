"""The entry form's script picker: a persona's scripts labelled with kind and status, found by
the project's Chinese search (search.query) when there is a query."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from content import compliance_status
from content.moderation import workflow_states

MAX_OPTIONS = 300
LEVEL_LABELS = {
    "ok": gettext_lazy("No findings"),
    "warning": gettext_lazy("Warnings"),
    "error": gettext_lazy("Compliance errors"),
    "stale": gettext_lazy("Not checked with the current rules"),
    "": gettext_lazy("Not checked yet"),
}


def _in_review(scripts) -> set[str]:
    return set(
        workflow_states()
        .filter(object_id__in=[str(s.pk) for s in scripts])
        .values_list("object_id", flat=True)
    )


def script_options(persona_id: int | None, q: str = "", *, include: int | None = None):
    """[(script, label)] of the persona's scripts (all personas' when None): the best matches
    of `q` (search.query, drafts included) or, without a query, by title; `include` (the
    current script) is always among them. At most MAX_OPTIONS."""
    from content.models import Script

    scripts = Script.objects.all()
    if persona_id:
        scripts = scripts.filter(persona_id=persona_id)
    fields = ("id", "title", "kind", "live", "persona_id", "compliance_level", "compliance_version")
    q = (q or "").strip()
    if q:
        rows = _search(scripts, persona_id, q, fields)
    else:
        rows = list(scripts.order_by("title", "pk").only(*fields)[:MAX_OPTIONS])
    if include and include not in {s.pk for s in rows}:
        rows += list(Script.objects.filter(pk=include).only(*fields))
    in_review = _in_review(rows)
    levels = compliance_status.levels(rows)  # the cached status: no lint per option

    def label(script) -> str:
        if str(script.pk) in in_review:
            status = _("in review")
        elif script.live:
            status = _("live")
        else:
            status = _("draft")
        level = LEVEL_LABELS.get(levels.get(script.pk, ""), LEVEL_LABELS[""])
        return f"{script.title} · {script.get_kind_display()} · {status} · {level} · #{script.pk}"

    return [(s, label(s)) for s in rows]


def _search(scripts, persona_id, q: str, fields) -> list:
    """search.query's ranking (jieba words + bigrams), or a title/body filter in the database
    when the search backend cannot answer."""
    from search.query import BadQuery, search

    try:
        hits = search(
            q,
            persona_ids=[persona_id] if persona_id else None,
            types=("script",),
            live_only=False,
            limit=MAX_OPTIONS,
        )
    except BadQuery:
        return []
    except Exception:  # noqa: BLE001 - a search outage must not break the entry form
        from django.db.models import Q

        return list(
            scripts.filter(Q(title__icontains=q) | Q(search_text__icontains=q))
            .order_by("title", "pk")
            .only(*fields)[:MAX_OPTIONS]
        )
    order = [hit.id for hit in hits]
    found = {s.pk: s for s in scripts.filter(pk__in=order).only(*fields)}
    return [found[pk] for pk in order if pk in found]
