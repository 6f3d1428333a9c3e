"""Delivery API: usage events (POST /api/v1/events/, 数据反哺).

A batch is validated whole — one bad event and nothing is stored — then stored with each
idempotency key once per client, and the counts are added to the scripts' usage totals and the
calendar entries' outcomes, which the admin shows.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import ValidationError as PydanticError

from content.models import Script, ScriptUsage
from core.api import ApiError, Problem, json_response, strict_query
from core.api.input_guard import parse_json, text_errors
from editorial_calendar.models import CalendarEntry
from sequences.models import Sequence, StepUsage

from .models import ReportedEvent
from .schemas import MAX_BATCH_COUNT, MAX_EVENTS, Accepted, EventIn, events_body_schema

router = Router(tags=["events"])
FUTURE_TOLERANCE_SECONDS = 300


def _invalid(errors: list[dict]) -> ApiError:
    return ApiError(
        422,
        "invalid_events",
        _("%(n)d problem(s) in the events; nothing was stored.") % {"n": len(errors)},
        errors=errors,
    )


def _parse(body) -> tuple[list[EventIn | None], list[dict]]:
    """The events (None where one is invalid) and every problem found, with its location."""
    text = text_errors(body)
    if text:
        raise _invalid(text)
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        raise _invalid([{"loc": ["events"], "message": _("Send {“events”: [...]}.")}])
    extra = sorted(set(body) - {"events"})
    if extra:
        raise _invalid([{"loc": [name], "message": _("Unknown field.")} for name in extra])
    raw = body["events"]
    if len(raw) > MAX_EVENTS:
        raise ApiError(
            413,
            "too_many_events",
            _("At most %(n)d events per request; this one has %(m)d.")
            % {"n": MAX_EVENTS, "m": len(raw)},
        )
    if not raw:
        raise _invalid([{"loc": ["events"], "message": _("Send at least one event.")}])
    events: list[EventIn | None] = []
    errors: list[dict] = []
    for index, item in enumerate(raw):
        try:
            events.append(EventIn.model_validate(item))
        except PydanticError as error:
            events.append(None)
            errors.extend(
                {"loc": ["events", index, *e["loc"]], "message": e["msg"]} for e in error.errors()
            )
            continue
        if problem := _what_was_sent(events[-1]):
            events[-1] = None
            errors.append({"loc": ["events", index, problem[0]], "message": problem[1]})
    total = sum(event.count for event in events if event is not None)
    if total > MAX_BATCH_COUNT:
        message = _("The counts of one request add up to at most %(n)s; these add up to %(m)s.")
        errors.append({"loc": ["events"], "message": message % {"n": MAX_BATCH_COUNT, "m": total}})
    return events, errors


def _what_was_sent(event: EventIn) -> tuple[str, str] | None:
    """An event names a script, or a sequence and its step (or both): (field, problem)."""
    if event.sequence is not None and event.step is None:
        return "step", _("Name the step of the sequence.")
    if event.step is not None and event.sequence is None:
        return "sequence", _("Name the sequence of the step.")
    if event.script is None and event.step is None:
        return "script", _("Name a script, or a sequence and its step.")
    return None


# What BotClient.sees() reads of a script or an entry and of its persona (not the bodies).
_PERSONA = ("persona__live", "persona__go_live_at", "persona__expire_at")
_SCRIPT = ("pk", "persona", "live", "go_live_at", "expire_at", "valid_from", "valid_until")
_SEQUENCE = ("pk", "slug", "persona", "live", "go_live_at", "expire_at", "steps")


def _step_scripts(client, events: list[EventIn | None], now) -> tuple[dict, list[dict]]:
    """{index: (sequence id, script id of the step or None)} for the events naming a sequence
    step the client sees (as of the event, like scripts), and the problems of the others."""
    slugs = {event.sequence for event in events if event is not None and event.sequence}
    if not slugs:
        return {}, []
    rows = Sequence.objects.select_related("persona").only(*_SEQUENCE, *_PERSONA)
    sequences = {sequence.slug: sequence for sequence in rows.filter(slug__in=slugs)}
    steps: dict[int, tuple[int, int | None]] = {}
    errors = []
    for index, event in enumerate(events):
        if event is None or not event.sequence:
            continue
        sequence = sequences.get(event.sequence)
        if sequence is None or not client.sees(sequence, min(event.occurred_at or now, now)):
            errors.append({"loc": ["events", index, "sequence"], "message": _("No such sequence.")})
            continue
        raw = next((b for b in sequence.steps.raw_data if b.get("id") == event.step), None)
        if raw is None:
            errors.append({"loc": ["events", index, "step"], "message": _("No such step.")})
            continue
        script_id = raw["value"].get("script")
        if event.script is not None and event.script != script_id:
            message = _("This step does not send that script.")
            errors.append({"loc": ["events", index, "script"], "message": message})
            continue
        steps[index] = (sequence.pk, script_id)
    return _own_scripts(steps, sequences), errors


def _own_scripts(steps: dict, sequences: dict) -> dict:
    """`steps` with each step's script kept only when it still exists and is its sequence's
    persona's (as ``due`` sends it): usage is not added to a deleted script (the database
    refuses it at commit) nor to another persona's."""
    ids = {script_id for _sequence, script_id in steps.values() if script_id}
    if not ids:
        return steps
    personas = dict(Script.objects.filter(pk__in=ids).values_list("pk", "persona_id"))
    owners = {sequence.pk: sequence.persona_id for sequence in sequences.values()}
    return {
        index: (sequence_id, script_id if personas.get(script_id) == owners[sequence_id] else None)
        for index, (sequence_id, script_id) in steps.items()
    }


def _check_references(client, events: list[EventIn | None]) -> tuple[list[dict], dict]:
    """Scripts, sequences and entries must be ones the client sees (``BotClient.sees``, the
    API's rule), else they are reported as nonexistent: a script or sequence as it was when the
    event occurred (usage may be reported after its validity window ended), an entry as it is
    now. Also returns {event index: (sequence id, the step's script id)} for sequence steps."""
    valid = [event for event in events if event is not None]
    now = timezone.now()
    steps, errors = _step_scripts(client, events, now)
    script_ids = {event.script for event in valid if event.script}
    entry_ids = {event.calendar_entry for event in valid if event.calendar_entry}
    scripts = Script.objects.select_related("persona").only(*_SCRIPT, *_PERSONA)
    scripts = {script.pk: script for script in scripts.filter(pk__in=script_ids)}
    entries = CalendarEntry.objects.select_related("persona").only(
        "pk", "status", "persona", *_PERSONA
    )
    entries = {entry.pk: entry for entry in entries.filter(pk__in=entry_ids)}
    latest = now.timestamp() + FUTURE_TOLERANCE_SECONDS
    for index, event in enumerate(events):
        if event is None:
            continue
        script = scripts.get(event.script)
        if event.script is None:
            pass  # a step written in place (its sequence was judged above)
        elif script is None or not client.sees(script, min(event.occurred_at or now, now)):
            script = None
            errors.append({"loc": ["events", index, "script"], "message": _("No such script.")})
        if event.calendar_entry:
            entry = entries.get(event.calendar_entry)
            if entry is None or not client.sees(entry, now):
                message = _("No such calendar entry.")
                errors.append({"loc": ["events", index, "calendar_entry"], "message": message})
            elif script is not None and entry.persona_id != script.persona_id:
                message = _("The calendar entry belongs to another persona than the script.")
                errors.append({"loc": ["events", index, "calendar_entry"], "message": message})
        if event.occurred_at and event.occurred_at.timestamp() > latest:
            errors.append(
                {"loc": ["events", index, "occurred_at"], "message": _("This is in the future.")}
            )
    return errors, steps


def _store(client, events: list[EventIn], steps: dict) -> tuple[int, int]:
    now = timezone.now()
    with transaction.atomic():
        keys = {event.idempotency_key for event in events if event.idempotency_key}
        seen = set(
            ReportedEvent.objects.filter(client=client, idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        rows, usage, outcome, step_usage = [], {}, {}, {}
        for index, event in enumerate(events):
            key = event.idempotency_key
            if key:
                if key in seen:
                    continue
                seen.add(key)
            occurred = event.occurred_at or now  # the schema made it aware, in UTC
            sequence_id, step_script = steps.get(index, (None, None))
            script_id = event.script or step_script
            rows.append(
                ReportedEvent(
                    client=client,
                    idempotency_key=key,
                    script_id=script_id,
                    sequence_id=sequence_id,
                    step=event.step or "",
                    calendar_entry_id=event.calendar_entry,
                    type=event.type,
                    count=event.count,
                    occurred_at=occurred,
                    channel=event.channel or "",
                )
            )
            if script_id:
                usage[script_id, event.type] = usage.get((script_id, event.type), 0) + event.count
            if sequence_id:
                key3 = (sequence_id, event.step, event.type)
                step_usage[key3] = step_usage.get(key3, 0) + event.count
            if event.calendar_entry:
                pair = (event.calendar_entry, event.type)
                outcome[pair] = outcome.get(pair, 0) + event.count
        ReportedEvent.objects.bulk_create(rows)
        ScriptUsage.add(usage)
        StepUsage.add(step_usage)
        CalendarEntry.add_outcome(outcome)
    return len(rows), len(events) - len(rows)


@router.post(
    "",
    response={202: Accepted, 400: Problem, 401: Problem, 413: Problem, 422: Problem, 429: Problem},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": events_body_schema()}},
        }
    },
    summary="Report usage events",
    operation_id="report_events",
    url_name="events",
)
@strict_query
def report_events(request: HttpRequest):
    """Up to 500 events; an `idempotency_key` already seen from this client is counted once."""
    accepted, duplicates = record_events(request.auth, parse_json(request.body))
    return json_response(request, {"accepted": accepted, "duplicates": duplicates}, status=202)


def record_events(client, body) -> tuple[int, int]:
    """Validate a parsed `{"events": [...]}` body whole and store it: (accepted, duplicates).
    ApiError 413/422 as the endpoint answers them; MCP's report_usage calls it too."""
    events, errors = _parse(body)
    reference_errors, steps = _check_references(client, events)
    errors += reference_errors
    if errors:
        errors.sort(key=lambda error: error["loc"][1] if len(error["loc"]) > 1 else -1)
        raise _invalid(errors)
    try:
        return _store(client, events, steps)
    except IntegrityError:  # the same key arrived in a concurrent request: count it once
        return _store(client, events, steps)
