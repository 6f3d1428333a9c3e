"""Dify: the external knowledge API (``POST /api/v1/dify/retrieval``) and the API-based
extension (``POST /api/v1/dify/extension``), answering in Dify's own shapes.

Same bearer tokens, scope and rate limit as the REST API (``integrations.auth``); a persona
slug is a knowledge id (``all`` = every persona of the bot); scripts come from the same search
and are read as plain text (``content.formats.to_text``)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from compliance.engine import check as compliance_check
from content import api as scripts_api
from content.formats import to_text
from core.api import Problem, invalid, problem, strict_query
from editorial_calendar.api import entries_for
from personas.brief import build_brief
from search.api import search_hits

from .auth import check
from .schemas import DifyError, ExtensionIn, Records, RetrievalIn

ERRORS = {400: Problem, 422: Problem, 429: Problem, 503: Problem}  # 401: Dify's 403 instead

router = Router(tags=["dify"])
ALL = "all"
AUTH_FORMAT, AUTH_FAILED, NO_KNOWLEDGE = 1001, 1002, 2001  # Dify's suggested error codes


def _error(status: int, code: int, message: str, headers=None) -> JsonResponse:
    response = JsonResponse({"error_code": code, "error_msg": message}, status=status)
    response.foreign_error_format = True  # not turned into a problem document (ApiMiddleware)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _refused(request: HttpRequest):
    """Dify's error shape for a missing or bad token; the REST problem for the rate limit."""
    refusal = check(request)
    if refusal is None:
        return None
    if refusal.status == 429:
        return problem(429, refusal.code, refusal.detail, headers=refusal.headers)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        message = _("Invalid Authorization header format. Expected “Bearer <api-key>”.")
        return _error(403, AUTH_FORMAT, message, refusal.headers)
    return _error(403, AUTH_FAILED, _("Authorization failed."), refusal.headers)


# Retrieval ------------------------------------------------------------------------------------
def _matches(metadata: dict, condition) -> bool:
    names = condition.name if isinstance(condition.name, list) else [condition.name]
    op, want = condition.comparison_operator, condition.value
    results = []
    for name in names:
        have = metadata.get(name)
        values = [str(v) for v in have] if isinstance(have, list) else [str(have or "")]
        wanted = [str(v) for v in want] if isinstance(want, list) else [str(want or "")]
        wanted = wanted or [""]
        if op in ("is", "="):
            ok = wanted[0] in values
        elif op in ("is not", "≠"):
            ok = wanted[0] not in values
        elif op == "contains":
            ok = any(wanted[0] in v for v in values)
        elif op == "not contains":
            ok = not any(wanted[0] in v for v in values)
        elif op == "start with":
            ok = any(v.startswith(wanted[0]) for v in values)
        elif op == "end with":
            ok = any(v.endswith(wanted[0]) for v in values)
        elif op == "in":
            ok = bool(set(values) & set(wanted))
        elif op == "not in":
            ok = not set(values) & set(wanted)
        elif op == "empty":
            ok = not any(values)
        elif op == "not empty":
            ok = any(values)
        elif op in ("before", "<", "≤"):
            ok = any(v and v < wanted[0] or (op == "≤" and v == wanted[0]) for v in values)
        elif op in ("after", ">", "≥"):
            ok = any(v and v > wanted[0] or (op == "≥" and v == wanted[0]) for v in values)
        else:
            ok = True  # an operator Dify adds later filters nothing rather than everything
        results.append(ok)
    return all(results)


def _keep(metadata: dict, condition_set) -> bool:
    if condition_set is None or not condition_set.conditions:
        return True
    checks = [_matches(metadata, c) for c in condition_set.conditions]
    return all(checks) if condition_set.logical_operator == "and" else any(checks)


def records(request: HttpRequest, payload: RetrievalIn) -> list[dict]:
    """Dify records for `payload`: scripts of the knowledge id's persona (or all) matching the
    query, best first, scores relative to the best hit (0–1)."""
    setting = payload.retrieval_setting
    persona = None if payload.knowledge_id == ALL else payload.knowledge_id
    if not payload.query.strip():
        return []
    limit = 100 if payload.metadata_condition else setting.top_k
    hits = search_hits(request.auth, payload.query, persona, None, limit, ("script",))
    best = max((hit["score"] for hit in hits), default=0) or 1
    scored = [(hit["id"], round(min(1.0, max(0.0, hit["score"] / best)), 4)) for hit in hits]
    scored = [(pk, score) for pk, score in scored if score >= setting.score_threshold]
    bodies = scripts_api.details(request, [pk for pk, _score in scored])
    out = []
    for pk, score in scored:
        data = bodies.get(pk)
        if data is None:
            continue
        metadata = {
            "id": pk,
            "kind": data["kind"],
            "persona": data["persona"],
            "stage": data["stage"],
            "tags": data["tags"],
            "audiences": data["audiences"],
            "hot_topic": data["hot_topic"] or "",
            "updated_at": data["updated_at"],
            "url": request.build_absolute_uri(f"/api/v1/scripts/{pk}/"),
        }
        if not _keep(metadata, payload.metadata_condition):
            continue
        out.append({"content": to_text(data), "score": score, "title": data["title"],
                    "metadata": metadata})  # fmt: skip
        if len(out) == setting.top_k:
            break
    return out


@router.post(
    "retrieval",
    auth=None,
    throttle=[],
    response={200: Records, 403: DifyError, 404: DifyError, **ERRORS},
    summary="Dify external knowledge: retrieval",
    operation_id="dify_retrieval",
    url_name="dify_retrieval",
)
@strict_query
def retrieval(request: HttpRequest, payload: RetrievalIn):
    """Dify's external knowledge API. `knowledge_id`: a persona slug, or `all`. Records are
    scripts as plain text; `metadata` has id, kind, persona, stage, tags, audiences, hot_topic,
    updated_at and url (all usable in `metadata_condition`)."""
    refused = _refused(request)
    if refused is not None:
        return refused
    kid = payload.knowledge_id
    if kid != ALL and not request.auth.visible_personas().filter(slug=kid).exists():
        return _error(404, NO_KNOWLEDGE, _("The knowledge does not exist."))
    return JsonResponse({"records": records(request, payload)},
                        json_dumps_params={"ensure_ascii": False})  # fmt: skip


# API-based extension --------------------------------------------------------------------------
def _mask(text: str, persona=None) -> tuple[bool, str]:
    """(flagged, text with every error finding masked by asterisks)."""
    report = compliance_check(text, persona=persona)
    chars = list(text)
    flagged = False
    for hit in report.findings:
        if hit.is_error:
            flagged = True
            chars[hit.start : hit.end] = "*" * (hit.end - hit.start)
    return flagged, "".join(chars)


def _persona(request: HttpRequest, slug: str | None):
    personas = request.auth.visible_personas()
    if slug:
        return personas.filter(slug=slug).first()
    only = list(personas[:2])
    return only[0] if len(only) == 1 else None


def _due_text(request: HttpRequest, persona) -> str:
    today = timezone.localdate()
    entries = entries_for(request.auth, today, today, persona.slug, None)
    lines = []
    for entry in entries[:100]:
        when = entry.time.strftime("%H:%M") if entry.time else ""
        script = f"（话术 #{entry.script_id}）" if getattr(entry, "script_visible", False) else ""
        lines.append(f"{today.isoformat()} {when} [{entry.channel}] {entry.title}{script}".strip())
    return "\n".join(lines)


def extension_result(request: HttpRequest, point: str, params: dict):
    if point == "ping":
        return {"result": "pong"}
    if point == "app.external_data_tool.query":
        inputs = params.get("inputs") or {}
        slug = inputs.get("persona") if isinstance(inputs, dict) else None
        persona = _persona(request, slug if isinstance(slug, str) else None)
        if persona is None:
            return _error(404, NO_KNOWLEDGE, _("The knowledge does not exist."))
        variable = str(params.get("tool_variable") or "")
        wants_due = "due" in variable or (isinstance(inputs, dict) and inputs.get("what") == "due")
        return {"result": _due_text(request, persona) if wants_due else build_brief(persona)}
    if point == "app.moderation.input":
        inputs = params.get("inputs") if isinstance(params.get("inputs"), dict) else {}
        query = params.get("query") if isinstance(params.get("query"), str) else ""
        flagged, query = _mask(query)
        masked = {}
        for name, value in inputs.items():
            if isinstance(value, str):
                hit, value = _mask(value)
                flagged = flagged or hit
            masked[name] = value
        if not flagged:
            return {"flagged": False, "action": "direct_output", "preset_response": ""}
        return {"flagged": True, "action": "overridden", "inputs": masked, "query": query}
    if point == "app.moderation.output":
        text = params.get("text") if isinstance(params.get("text"), str) else ""
        flagged, text = _mask(text)
        if not flagged:
            return {"flagged": False, "action": "direct_output", "preset_response": ""}
        return {"flagged": True, "action": "overridden", "text": text}
    return None


@router.post(
    "extension",
    auth=None,
    throttle=[],
    response={200: dict, 403: DifyError, 404: DifyError, **ERRORS},
    summary="Dify API-based extension",
    operation_id="dify_extension",
    url_name="dify_extension",
)
@strict_query
def extension(request: HttpRequest, payload: ExtensionIn):
    """`ping` → `pong`; `app.external_data_tool.query` → the brief of `inputs.persona` (or of
    the bot's only persona), or today's calendar when `tool_variable` contains `due`;
    `app.moderation.input` / `.output` → the compliance engine, offending words masked."""
    refused = _refused(request)
    if refused is not None:
        return refused
    result = extension_result(request, payload.point, payload.params)
    if result is None:
        raise invalid(["point"], _("Unknown point: %(point)s.") % {"point": payload.point})
    if isinstance(result, JsonResponse):
        return result
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})
