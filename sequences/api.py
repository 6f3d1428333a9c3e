"""Delivery API: sequences (list, detail, due). A sequence is visible when it is published
(go-live/expiry applied at query time) and its persona is visible to the client
(``BotClient.visible``/``sees``, the one rule); invisible = 404 like an unknown slug."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from content import messages as msgs
from content import variables as vars_
from content.models import Script
from core.api import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    ApiError,
    Problem,
    aware,
    cached_answer,
    dumps,
    etag_response,
    invalid,
    iso,
    make_etag,
    memo,
    page,
    site_address,
    strict_query,
)
from core.api.input_guard import string_map

from . import schedule
from .enums import LOCAL_TZ
from .models import Sequence
from .parsed import MESSAGES, RawStep, parsed_scripts, parsed_sequence, script_fields, step_fields
from .schemas import ChannelName, DueOut, SequenceDetail, SequenceList, TriggerName
from .window import Window, answer

router = Router(tags=["sequences"])


def visible_sequences(request: HttpRequest, moment=None):
    return request.auth.visible(Sequence.objects.all(), moment)


def summary(sequence: Sequence) -> dict:
    quiet = None
    if sequence.quiet_start is not None and sequence.quiet_end is not None:
        quiet = {
            "start": sequence.quiet_start.strftime("%H:%M"),
            "end": sequence.quiet_end.strftime("%H:%M"),
        }
    return {
        "id": sequence.pk,
        "slug": sequence.slug,
        "name": sequence.name,
        "persona": sequence.persona.slug,
        "channel": sequence.channel,
        "audiences": [segment.slug for segment in sequence.audiences.all()],
        "trigger": sequence.trigger,
        "custom_trigger": sequence.custom_trigger or None,
        "quiet_hours": quiet,
        "start_at": iso(sequence.start_at),
        "cycle_days": sequence.cycle_days,
        "exit_conditions": list(sequence.exit_conditions or []),
        "step_count": len(sequence.steps.raw_data),
        "steps_count": len(sequence.steps.raw_data),  # API.md's name (step_count came first)
        "updated_at": iso(sequence.updated_at),
    }


# Steps ---------------------------------------------------------------------------------------
def _reason(script: Script | None, persona_id: int, moment: datetime) -> str | None:
    """Why a step's script cannot be sent at `moment` (None: it can). The sequence is visible,
    so its persona is: the script is sent when it is that persona's (a script moved to
    another persona after the sequence was published is one the bot may not see, so it does
    not exist, as a calendar entry's does not) and deliverable at `moment`."""
    if script is None or script.persona_id != persona_id:
        return "script_missing"
    if not script.is_deliverable(moment):
        inside = (script.valid_from is None or script.valid_from <= moment) and (
            script.valid_until is None or script.valid_until > moment
        )
        return "script_out_of_window" if inside is False else "script_unpublished"
    return None


def _values(declared, variables: dict[str, str] | None, where: str) -> dict[str, str] | None:
    """Values for one step's texts: the given ones it declares, defaults applied (None: texts
    as stored). A missing required value is a 422 naming the step."""
    if variables is None:
        return None
    names = {variable.name for variable in declared}
    try:
        return vars_.resolve(declared, {k: v for k, v in variables.items() if k in names})
    except vars_.VariableError as error:
        message = _("%(step)s: missing values for required variables: %(names)s.") % {
            "step": where,
            "names": ", ".join(error.names),
        }
        raise ApiError(
            422, error.code, message, missing=error.names,
            errors=[{"loc": ["query", "variables"], "message": message}],
        ) from None  # fmt: skip


class RawSteps:
    """The sequence's timing fields with its steps as RawStep: the engine's input."""

    def __init__(self, sequence: Sequence):
        self.quiet_start = sequence.quiet_start
        self.quiet_end = sequence.quiet_end
        self.cycle_days = sequence.cycle_days
        self.start_at = sequence.start_at
        self.steps = [RawStep(raw) for raw in sequence.steps.raw_data]


def _scripts(steps) -> dict[int, Script]:
    """The scripts `steps` send, by id, in one query (none when no step sends one)."""
    ids = {step.value.get("script") for step in steps if step.value.get("script")}
    return {script.pk: script for script in Script.objects.filter(pk__in=ids)} if ids else {}


def step_to_api(
    sequence: Sequence,
    index: int,
    step: RawStep,
    scripts: dict[int, Script],
    request: HttpRequest,
    moment: datetime,
    variables: dict[str, str] | None = None,
) -> dict:
    value = step.value
    script_id = value.get("script")
    script = scripts.get(script_id) if script_id else None
    reason = _reason(script, sequence.persona_id, moment) if script_id else None
    where = value.get("title") or _("Step %(n)d") % {"n": index + 1}
    absolute = request.build_absolute_uri
    messages = []
    if script_id:
        if reason is None:
            values = _values(script.declared_variables(), variables, where)
            messages = msgs.to_api(script.messages, values, absolute)
    else:
        values = _values(sequence.declared_variables(), variables, where)
        stream = MESSAGES.to_python(value.get("messages") or [])
        messages = msgs.to_api(stream, values, absolute)
    return step_fields(index, step) | script_fields(script, reason, messages)


def detail(sequence: Sequence, request: HttpRequest, moment: datetime | None = None) -> dict:
    moment = moment or timezone.now()
    data = summary(sequence)
    data["description"] = sequence.description
    data["variables"] = [
        {"name": v.name, "required": v.required, "default": v.default,
         "description": v.description}
        for v in sequence.declared_variables()
    ]  # fmt: skip
    steps = RawSteps(sequence).steps
    scripts = _scripts(steps)
    data["steps"] = [
        step_to_api(sequence, index, step, scripts, request, moment)
        for index, step in enumerate(steps)
    ]
    return data


def _load(request: HttpRequest, slug: str, moment=None, related: bool = True) -> Sequence:
    sequences = visible_sequences(request, moment).filter(slug=slug)
    if related:
        sequences = sequences.select_related("persona").prefetch_related("audiences")
    sequence = sequences.first()
    if sequence is None:
        raise ApiError(404, "not_found", _("No sequence “%(slug)s”.") % {"slug": slug})
    return sequence


# Due -----------------------------------------------------------------------------------------
def _moment(value: datetime | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        schedule.require_aware(value, name)
    except schedule.ScheduleError as error:
        raise invalid(["query", name], error.message) from None
    return aware(value, name).astimezone(LOCAL_TZ)


def _parse_variables(raw: str | None) -> dict[str, str] | None:
    if raw is None:
        return None
    values = string_map(raw)
    if values is None:
        raise invalid(["query", "variables"], _("Send a JSON object of strings."))
    return values


def due_window(
    request: HttpRequest,
    slug: str,
    started_at: datetime,
    now: datetime | None = None,
    since: datetime | None = None,
) -> Window:
    """The window of a /due call: the visible sequence `slug` (parsed), the member's timeline
    and the slice due in (since, now]. ApiError 404/422."""
    started_at = _moment(started_at, "started_at")
    now = _moment(now, "now") or timezone.now().astimezone(LOCAL_TZ)
    since = _moment(since, "since")
    sequence = parsed_sequence(request, slug)  # one stamp query; parsed once per stamp
    try:
        member = sequence.member(started_at)
        lo, hi = schedule.window(member.ats, started_at, now, since)
    except schedule.ScheduleError as error:
        raise ApiError(
            422, error.code, error.message,
            errors=[{"loc": ["query", error.field or "steps"], "message": error.message}],
        ) from None  # fmt: skip
    return Window(sequence, member, lo, hi, started_at, now, since)


def due_steps(request: HttpRequest, window: Window, variables: dict[str, str] | None) -> list:
    """The due steps of `window` in the API shape, with their messages."""
    sequence, now = window.sequence, window.now
    items = window.items
    scripts = parsed_scripts(request, {item.block.value.get("script") for item in items} - {None})
    steps = []
    for item in items:
        script_id = item.block.value.get("script")
        data = dict(sequence.fields[item.index])
        where = data["title"] or _("Step %(n)d") % {"n": item.index + 1}
        if script_id:
            entry = scripts.get(script_id)
            script = entry.script if entry else None
            reason = _reason(script, sequence.persona_id, now)
            messages = []
            if reason is None:
                messages = entry.messages(request, _values(entry.declared, variables, where))
        else:
            script, reason = None, None
            values = _values(sequence.declared, variables, where)
            messages = sequence.messages(item.index, request, values)
        data |= script_fields(script, reason, messages)
        data["due_at"] = iso(item.at)
        data["scheduled_at"] = iso(item.nominal)
        steps.append(data)
    return steps


def due_body(
    request: HttpRequest,
    slug: str,
    started_at: datetime,
    now: datetime | None = None,
    since: datetime | None = None,
    variables: dict[str, str] | None = None,
) -> dict:
    """The body of /due: the steps due in (since, now] for a member who started at
    `started_at`, with their messages, and `next_due_at`. ApiError 404/422. MCP's sop_due
    calls it too."""
    return _body(request, due_window(request, slug, started_at, now, since), variables)


def _body(request: HttpRequest, window: Window, variables: dict[str, str] | None) -> dict:
    steps = due_steps(request, window, variables)
    return {
        "sequence": window.sequence.slug,
        "started_at": iso(window.started_at),
        "since": iso(window.since or window.started_at),
        "now": iso(window.now),
        "items": steps,
        "steps": steps,
        "next_due_at": iso(window.member.next_due_at(window.hi)),
        "exit_conditions": list(window.sequence.exit_conditions),
    }


def due_answer(
    request: HttpRequest,
    slug: str,
    started_at: datetime,
    now: datetime | None = None,
    since: datetime | None = None,
    variables: dict[str, str] | None = None,
) -> tuple[str, bytes]:
    """(ETag, body) of /due: ``dumps(due_body(...))`` byte for byte, and its hash. Without
    variables and with `now` given, the answer depends on nothing but delivered content, the
    client, the times, the site's address and the time zone, so it is kept in the process
    (``core.api.memo``) while the delivery generation and the clock boundary stand: a camp's
    cohort asks the same question, and an edit, a publish or a script's change is a new
    generation. A call it does not answer is joined from kept pieces (``sequences.window``)."""
    if variables is None and now is not None:
        parts = ("due-answer", *request.auth.scope_key(), slug, started_at, now, since,
                 site_address(request), timezone.get_current_timezone())  # fmt: skip
        build = partial(_tagged, request, slug, started_at, now, since, None)
        return memo(request, parts, build, size=lambda entry: len(entry[1]))
    return _tagged(request, slug, started_at, now, since, variables)


def _tagged(request, slug, started_at, now, since, variables) -> tuple[str, bytes]:
    """``dumps(due_body(...))``, byte for byte, and its ETag: joined from kept pieces when the
    answer's steps depend on nothing but the window (``sequences.window``)."""
    window = due_window(request, slug, started_at, now, since)
    if variables is not None or window.sends_scripts():
        body = dumps(_body(request, window, variables))
    else:
        body = answer(window, request, lambda: due_steps(request, window, None), iso)
    return make_etag(body), body


# Endpoints -----------------------------------------------------------------------------------
@router.get("", response={200: SequenceList, **ERRORS}, summary="List sequences",
            operation_id="list_sequences", url_name="sequences")  # fmt: skip
@strict_query
def list_sequences(
    request: HttpRequest,
    persona: str | None = None,
    channel: ChannelName | None = None,
    trigger: TriggerName | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """Summaries, most recently updated first; every filter narrows."""

    def build():
        sequences = visible_sequences(request)
        if persona is not None:
            sequences = sequences.filter(persona__slug=persona)
        if channel is not None:
            sequences = sequences.filter(channel=channel)
        if trigger is not None:
            sequences = sequences.filter(trigger=trigger)
        sequences = sequences.select_related("persona").prefetch_related("audiences")
        sequences = sequences.order_by("-updated_at", "-pk")
        return page(request, sequences, limit, offset, lambda items: [summary(s) for s in items])

    return cached_answer(request, build)


@router.get("{slug}/", response={200: SequenceDetail, **ERRORS, 404: Problem},
            summary="One sequence", operation_id="get_sequence", url_name="sequence")  # fmt: skip
@strict_query
def get_sequence(request: HttpRequest, slug: str):
    """A sequence with its steps and their messages; a step whose script cannot be sent now
    has `available: false` and a `reason`. Answered from the cache until the sequence, one of
    its scripts or the clock (a script's validity window) changes it."""
    return cached_answer(request, lambda: detail(_load(request, slug), request))


@router.get(
    "{slug}/due",
    response={200: DueOut, **ERRORS, 404: Problem},
    summary="Steps due now",
    operation_id="sequence_due",
    url_name="sequence_due",
)
@strict_query
def sequence_due(
    request: HttpRequest,
    slug: str,
    started_at: datetime,
    now: datetime | None = None,
    since: datetime | None = None,
    variables: str | None = Query(
        None,
        max_length=60_000,
        description='{{variable}} values, a JSON object of strings: {"nickname": "Amy"}.',
    ),  # fmt: skip
):
    """The steps due in (since, now] for a member or group that started at `started_at`
    (`since` defaults to `started_at`, `now` to the server's time; every time needs an
    offset), moved out of quiet hours, plus `next_due_at`. Call again with since = the
    previous now: each step is returned once."""
    etag, body = due_answer(request, slug, started_at, now, since, _parse_variables(variables))
    return etag_response(request, body, etag)
