"""Delivery API: scripts (list, detail, render). Only live revisions inside their validity
window, of published personas in the client's scope, are ever visible."""

from __future__ import annotations

import json
from datetime import datetime

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from core.api import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_ID,
    MAX_LIMIT,
    MAX_VALUES_PER_PARAMETER,
    ApiError,
    Problem,
    aware,
    cached_answer,
    cached_json,
    conditional,
    invalid,
    iso,
    json_response,
    make_etag,
    memo,
    page,
    site_address,
    strict_query,
)
from core.api.input_guard import string_map
from core.api.statements import first_row
from personas.models import AudienceSegment

from . import formats
from . import messages as msgs
from . import variables as vars_
from .models import Script, ScriptTag
from .schemas import (
    Format,
    KindName,
    Rendered,
    RenderFlatIn,
    RenderIn,
    ScriptDetail,
    ScriptList,
    StageName,
)

router = Router(tags=["scripts"])


def visible_scripts(request: HttpRequest, moment=None):
    """Scripts the calling bot may see right now (``BotClient.visible``: the one rule)."""
    return request.auth.visible(Script.objects.all(), moment)


def _with_relations(queryset):
    return queryset.select_related("persona").prefetch_related(
        "audiences", Prefetch("tagged_items", queryset=ScriptTag.objects.select_related("tag"))
    )


def summary(script: Script) -> dict:
    return {
        "id": script.pk,
        "kind": script.kind,
        "persona": script.persona.slug,
        "title": script.title,
        "stage": script.stage,
        "audiences": [segment.slug for segment in script.audiences.all()],
        "tags": sorted(item.tag.name for item in script.tagged_items.all()),
        "hot_topic": script.hot_topic or None,
        "valid_from": iso(script.valid_from),
        "valid_until": iso(script.valid_until),
        "updated_at": iso(script.updated_at),
    }


def detail(script: Script, request: HttpRequest) -> dict:
    """Summary plus variables, messages and the kind's own fields, texts as stored (with their
    ``{{variables}}``: ``with_values`` substitutes them)."""
    absolute = request.build_absolute_uri
    data = summary(script)
    data["variables"] = [
        {
            "name": variable.name,
            "required": variable.required,
            "default": variable.default,
            "description": variable.description,
        }
        for variable in script.declared_variables()
    ]
    data["messages"] = msgs.to_api(script.messages, absolute=absolute)
    if script.kind == "moment":
        data["first_comment"] = script.first_comment
    elif script.kind == "group":
        data["group_types"] = list(script.group_types or [])
        data["purpose"] = script.purpose
        data["trigger"] = script.trigger
    elif script.kind == "livestream":
        data["segments"] = msgs.segments_to_api(script.segments)
        data["warmup_messages"] = data["messages"]
    elif script.kind == "chat":
        data["triggers"] = list(script.triggers or [])
    return data


def with_values(data: dict, values: dict[str, str]) -> dict:
    """A detail (``detail()``, or its cached JSON read back) with every text's variables
    substituted: messages, a post's first comment, a livestream's segments."""
    out = {**data, "messages": msgs.render_api(data["messages"], values)}
    if "first_comment" in out:
        out["first_comment"] = vars_.render(out["first_comment"], values)
    if "segments" in out:
        out["segments"] = msgs.render_segments(out["segments"], values)
    if "warmup_messages" in out:
        out["warmup_messages"] = out["messages"]
    return out


@router.get(
    "",
    response={200: ScriptList, **ERRORS},
    summary="List scripts",
    operation_id="list_scripts",
    url_name="scripts",
)
@strict_query
def list_scripts(
    request: HttpRequest,
    persona: str | None = None,
    kind: KindName | None = None,
    stage: StageName | None = None,
    audience: str | None = None,
    tag: list[str] = Query(
        default_factory=list,
        max_length=MAX_VALUES_PER_PARAMETER,
        description=f"Repeatable, at most {MAX_VALUES_PER_PARAMETER} times; all must match.",
    ),
    hot_topic: str | None = None,
    updated_since: datetime | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """Summaries, most recently updated first. Every filter narrows; `tag` may repeat (all must
    match); a persona outside the client's scope gives an empty list."""

    def build():
        scripts = visible_scripts(request).narrow(
            kind=kind, stage=stage, audience=audience, tags=tag, hot_topic=hot_topic
        )
        if persona is not None:
            scripts = scripts.filter(persona__slug=persona)
        if updated_since:
            scripts = scripts.filter(updated_at__gt=aware(updated_since))
        scripts = scripts.order_by("-updated_at", "-pk")
        return page(request, scripts, limit, offset, list, load=summaries)

    return cached_answer(request, build)


SUMMARY_FIELDS = ("id", "kind", "persona__slug", "title", "stage", "hot_topic", "valid_from",
                  "valid_until", "updated_at")  # fmt: skip


def summaries(ids: list[int]) -> list[dict]:
    """summary() of the scripts `ids` (already known visible), in that order, from three
    narrow queries of plain rows: a page of 20 model instances with their StreamFields,
    personas and prefetches cost more than the whole rest of the request."""
    rows = {row[0]: row for row in Script.objects.filter(pk__in=ids).values_list(*SUMMARY_FIELDS)}
    audiences: dict[int, list[str]] = {pk: [] for pk in ids}
    through = Script.audiences.through.objects.filter(script_id__in=ids)
    order = [f"audiencesegment__{field}" for field in AudienceSegment._meta.ordering]
    for script_id, slug in through.order_by(*order).values_list(
        "script_id", "audiencesegment__slug"
    ):
        audiences[script_id].append(slug)
    tags: dict[int, list[str]] = {pk: [] for pk in ids}
    for script_id, name in ScriptTag.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__name"
    ):
        tags[script_id].append(name)
    out = []
    for pk in ids:
        if pk not in rows:
            continue
        _id, kind, persona, title, stage, hot_topic, valid_from, valid_until, updated = rows[pk]
        out.append({
            "id": pk, "kind": kind, "persona": persona, "title": title, "stage": stage,
            "audiences": audiences[pk], "tags": sorted(tags[pk]), "hot_topic": hot_topic or None,
            "valid_from": iso(valid_from), "valid_until": iso(valid_until),
            "updated_at": iso(updated),
        })  # fmt: skip
    return out


STAMP_FIELDS = ("pk", "updated_at", "live_revision_id", "persona__slug")


def _stamp(request: HttpRequest, script_id: int):
    """(id, updated_at, live revision, persona) of a visible script as the database returns
    them, without loading its body: the statement is compiled once per client and scope
    (``core.api.statements``), and kept in the process while the delivery generation stands
    (``core.api.answers.memo``), so a 304 costs little more than the token check."""
    key = ("script-stamp", *request.auth.scope_key())

    def build(moment, pk):
        rows = visible_scripts(request, moment).filter(pk=pk).order_by()
        return rows.values_list(*STAMP_FIELDS)[:1]

    stamp = script_id <= MAX_ID and memo(
        request, (*key, script_id), lambda: first_row(key, build, timezone.now(), script_id)
    )
    if not stamp:
        raise ApiError(404, "not_found", _("No script %(id)s.") % {"id": script_id})
    return stamp


def details(request: HttpRequest, ids) -> dict[int, dict]:
    """The details of the scripts among `ids` the calling bot may see, by id (one query for
    the lot): Dify's retrieval and FastGPT's file library read scripts this way."""
    scripts = _with_relations(visible_scripts(request).filter(pk__in=list(ids)))
    return {script.pk: detail(script.as_kind(), request) for script in scripts}


def detail_json(request: HttpRequest, script_id: int) -> bytes:
    """The detail's JSON bytes from the body cache the endpoint fills (same ETag key), built
    only when not cached: MCP's get_script answers at the cost of the REST detail."""
    stamp = _stamp(request, script_id)
    etag = make_etag("script", *stamp, site_address(request))
    return cached_json(request, etag, lambda: detail(_load(script_id), request)).content


def _load(script_id: int) -> Script:
    return _with_relations(Script.objects.filter(pk=script_id)).get().as_kind()


@router.get("{int:script_id}/", response={200: ScriptDetail, **ERRORS, 404: Problem},
            summary="One script", operation_id="get_script", url_name="script")  # fmt: skip
@strict_query
def get_script(request: HttpRequest, script_id: int):
    """A script with its variables and messages; send `If-None-Match` to get 304 cheaply."""
    return script_detail_response(request, script_id)


def script_detail_response(request: HttpRequest, script_id: int):
    """The detail's 200 or 304 (ApiError 404): ninja's route and the lean one
    (site_config/lean_api.py) both answer with it."""
    stamp = _stamp(request, script_id)
    return conditional(request, "script", stamp, lambda: detail(_load(script_id), request))


@router.post(
    "{int:script_id}/render",
    response={200: Rendered, **ERRORS, 400: Problem, 404: Problem, 413: Problem},
    summary="Render a script with variables",
    operation_id="render_script",
    url_name="script_render",
)
@strict_query
def render_script(
    request: HttpRequest,
    script_id: int,
    payload: RenderIn,
    format: Format = "native",
):
    """Every `{{name}}` replaced by its value (defaults applied), inserted literally.
    422 `missing_variables` (with `missing`) or `unknown_variables` (with `unknown`)."""
    return json_response(request, render(request, script_id, payload.variables, format))


@router.post(
    "{int:script_id}/render-flat",
    response={200: Rendered, **ERRORS, 400: Problem, 404: Problem, 413: Problem},
    summary="Render a script (flat inputs for tool importers)",
    operation_id="render_script_flat",
    url_name="script_render_flat",
)
@strict_query
def render_script_flat(request: HttpRequest, script_id: int, payload: RenderFlatIn):
    """The same as render, for Coze/Dify tool import: `variables_json` is the variables object
    as a JSON string, `format` is native, wecom or text."""
    _stamp(request, script_id)  # 404 before 422: a script the bot cannot see does not exist
    variables = string_map(payload.variables_json)
    if variables is None:
        raise invalid(["variables_json"], _("Send a JSON object of strings."))
    return json_response(request, render(request, script_id, variables, payload.format))


def render(request: HttpRequest, script_id: int, variables: dict[str, str], format: str) -> dict:
    """The body of /render: the detail of a script the calling bot may see (from the body
    cache the detail fills) with `variables` substituted, in `format`; 404 `not_found`, 422
    `missing_variables` / `unknown_variables` as ApiError. MCP's render_script calls it too."""
    data = json.loads(detail_json(request, script_id))
    declared = [vars_.Variable(**variable) for variable in data["variables"]]
    try:
        values = vars_.resolve(declared, variables)
    except vars_.VariableError as error:
        if error.code == "missing_variables":
            message = _("Missing values for required variables: %(names)s.")
            extra = {"missing": error.names}
        else:
            message = _("These variables are not declared by the script: %(names)s.")
            extra = {"unknown": error.names}
        message %= {"names": ", ".join(error.names)}
        raise ApiError(
            422,
            error.code,
            message,
            errors=[{"loc": ["variables", name], "message": message} for name in error.names],
            **extra,
        ) from None
    data = with_values(data, values)
    data.update(format=format, values=values, text=None)
    if format == "wecom":
        data["messages"] = formats.to_wecom(data["messages"])
        if "warmup_messages" in data:
            data["warmup_messages"] = data["messages"]
    elif format == "text":
        data["text"] = formats.to_text(data)
    return data
