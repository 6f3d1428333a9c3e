"""What `due` reads from a sequence and its scripts, parsed once per process and stamp.

A `due` answer depends on the member's window, so it cannot be cached as one body (as the script
detail is; ``sequences.window`` keeps the parts that do not depend on `now`). What it is made
of can: the sequence's timing fields and steps, each step's fixed
fields, the messages written in place (as blocks, and in the API shape per site address), and
each sent script (its loaded row and its messages in the API shape). Entries are keyed by a
stamp read from the database and kept in the process only while the delivery generation and
the next clock boundary stand (``core.api.memo``, as the script detail's stamp is), so an
edit, a publish or an unpublish in any process is seen on the next call:

- a sequence by (id, updated_at, live revision), read by the visibility query itself
  (``sequence_stamp``: compiled once per client and scope, ``core.api.statements``);
- a script by (id, updated_at, live revision, live, go-live, expiry, validity window): every
  field ``Script.is_deliverable`` reads, read (``script_stamp``, a compiled statement) only
  when a due step sends a script, so the availability of a step is decided, as before, by
  ``is_deliverable`` at the member's `now`.

Entries also expire after ``BODY_CACHE_SECONDS`` (as the detail's bodies do), which bounds
staleness from writes that bypass the stamp (a bulk ``update()``).
"""

from __future__ import annotations

import time as clock
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from content import messages as msgs
from content.models import Script
from core.api import ApiError, iso, memo, site_address
from core.api.responses import BODY_CACHE_SECONDS
from core.api.statements import first_row

from . import labels, schedule
from .blocks import StepBlock
from .models import Sequence

MAX_ENTRIES = 200  # per kind (sequences, scripts); worst case ≈ 200 × 64 timelines of steps
MAX_TIMELINES = 64  # per sequence: a camp's cohort shares one start, a nurture's members not
MESSAGES = StepBlock().child_blocks["messages"]
_sequences: dict[tuple, ParsedSequence] = {}
_scripts: dict[tuple, ParsedScript] = {}

STEP_FIELDS = ("id", "position", "title", "timing", "day", "time", "offset", "unit", "week",
               "weekday", "at", "condition")  # fmt: skip
SCRIPT_STAMP = ("pk", "updated_at", "live_revision_id", "live", "go_live_at", "expire_at",
                "valid_from", "valid_until")  # fmt: skip


class RawStep:
    """A step as stored (its raw StreamField data): what the engine and the API read, so a call
    never converts the steps that are not due into blocks (chooser queries, images)."""

    __slots__ = ("id", "value")

    def __init__(self, raw: dict):
        self.id = raw.get("id")
        self.value = raw["value"]


#: The fields of each timing that `when` repeats (the others are null for it).
WHEN_FIELDS = {"day": ("day", "time"), "after": ("offset", "unit"),
               "weekday": ("week", "weekday", "time"), "fixed": ("at",)}  # fmt: skip


def step_fields(index: int, step: RawStep) -> dict:
    """A step's own fields in the API shape (neither its script nor its messages). `when` is
    API.md's name for the step's time: its timing, the fields that timing uses and how it reads
    ("D3 09:00"); the flat fields came first and stay."""
    value = step.value
    at = value.get("time")
    fields = {
        "id": step.id,
        "position": index + 1,
        "title": value.get("title") or "",
        "timing": value.get("timing"),
        "day": value.get("day"),
        "time": str(at)[:5] if at else None,
        "offset": value.get("offset"),
        "unit": value.get("unit") or None,
        "week": value.get("week"),
        "weekday": int(value["weekday"]) if value.get("weekday") else None,
        "at": iso(schedule.nominal(value, timezone.now())) if value.get("at") else None,
    }
    timing = fields["timing"]
    fields["when"] = {"timing": timing,
                      **{name: fields[name] for name in WHEN_FIELDS.get(timing, ())},
                      "label": labels.when(value)}  # fmt: skip
    fields["condition"] = value.get("condition") or None
    return fields


def script_fields(script, reason: str | None, messages: list) -> dict:
    """The rest of a step in the API shape: its script (named only when it can be sent: one
    that cannot is one /scripts/{id}/ calls nonexistent, and the row of a script that is not
    live holds its draft), availability and messages."""
    shown = script is not None and reason is None
    return {
        "script": {"id": script.pk, "title": script.title, "kind": script.kind} if shown else None,
        "available": reason is None,
        "reason": reason,
        "messages": messages,
    }


def _fresh(entry) -> bool:
    return clock.monotonic() - entry.built < BODY_CACHE_SECONDS


def _store(cache: dict, key, entry, limit: int = MAX_ENTRIES):
    if len(cache) >= limit:
        cache.clear()
    cache[key] = entry
    return entry


class Member:
    """One member's timeline (``schedule.timeline``) with its times, for ``schedule.window``."""

    __slots__ = ("items", "ats")

    def __init__(self, items: list[schedule.Scheduled]):
        self.items = items
        self.ats = [item.at for item in items]

    def next_due_at(self, hi: int) -> datetime | None:
        """The time of the first step after a window ending at `hi` (None: nothing left)."""
        return self.ats[hi] if hi < len(self.ats) else None


class ParsedSequence:
    """One published sequence as `due` reads it (also the engine's input: the timing fields
    and ``steps``)."""

    def __init__(self, sequence: Sequence, stamp: tuple = ()):
        self.built = clock.monotonic()
        self.stamp = stamp
        self.pk = sequence.pk
        self.slug = sequence.slug
        self.persona_id = sequence.persona_id
        self.quiet_start = sequence.quiet_start
        self.quiet_end = sequence.quiet_end
        self.cycle_days = sequence.cycle_days
        self.start_at = sequence.start_at
        self.exit_conditions = list(sequence.exit_conditions or [])
        self.declared = sequence.declared_variables()
        self.steps = [RawStep(raw) for raw in sequence.steps.raw_data]
        self.fields = [step_fields(index, step) for index, step in enumerate(self.steps)]
        self._streams: dict[int, object] = {}
        self._api: dict[tuple[int, str], list] = {}
        self._timelines: dict[datetime, Member] = {}

    def member(self, started_at: datetime) -> Member:
        """``schedule.timeline`` for a member who started at `started_at` (kept for the
        latest starts asked about: a cohort's members share one). ScheduleError as there."""
        member = self._timelines.get(started_at)
        if member is None:  # (read once: another thread may clear the dict meanwhile)
            member = Member(schedule.timeline(self, started_at))
            _store(self._timelines, started_at, member, MAX_TIMELINES)
        return member

    def stream(self, index: int):
        """The messages written in place in step `index`, as blocks."""
        if index not in self._streams:
            self._streams[index] = MESSAGES.to_python(self.steps[index].value.get("messages") or [])
        return self._streams[index]

    def messages(self, index: int, request: HttpRequest, values) -> list:
        """Step `index`'s messages written in place, in the API shape (`values` substituted)."""
        if values is not None:
            return msgs.to_api(self.stream(index), values, request.build_absolute_uri)
        key = (index, site_address(request))
        if key not in self._api:
            self._api[key] = msgs.to_api(self.stream(index), None, request.build_absolute_uri)
        return self._api[key]


class ParsedScript:
    """A script a step sends: its row (for ``is_deliverable`` and the variables) and its
    messages in the API shape per site address."""

    def __init__(self, script: Script):
        self.built = clock.monotonic()
        self.script = script
        self.declared = script.declared_variables()
        self._api: dict[str, list] = {}

    def messages(self, request: HttpRequest, values) -> list:
        if values is not None:
            return msgs.to_api(self.script.messages, values, request.build_absolute_uri)
        key = site_address(request)
        if key not in self._api:
            self._api[key] = msgs.to_api(self.script.messages, None, request.build_absolute_uri)
        return self._api[key]


def sequence_stamp(request: HttpRequest, slug: str, moment: datetime | None = None) -> tuple:
    """(id, updated_at, live revision) of the visible sequence `slug`, or 404: one compiled
    query (the scope and publication rule is ``BotClient.visible``)."""
    client = request.auth
    key = ("sequence-stamp", *client.scope_key())

    def build(at, value):
        rows = client.visible(Sequence.objects.all(), at).filter(slug=value).order_by()
        return rows.values_list("pk", "updated_at", "live_revision_id")[:1]

    if moment is None:  # now: kept while the delivery generation and the clock stand
        stamp = memo(request, (*key, slug), lambda: first_row(key, build, timezone.now(), slug))
    else:
        stamp = first_row(key, build, moment, slug)
    if not stamp:
        raise ApiError(404, "not_found", _("No sequence “%(slug)s”.") % {"slug": slug})
    return stamp


def parsed_sequence(request: HttpRequest, slug: str) -> ParsedSequence:
    """The visible sequence `slug`, parsed (from this process's cache when its stamp is)."""
    stamp = sequence_stamp(request, slug)
    entry = _sequences.get(stamp)
    if entry is None or not _fresh(entry):
        entry = _store(_sequences, stamp, ParsedSequence(Sequence.objects.get(pk=stamp[0]), stamp))
    return entry


def script_stamp(request: HttpRequest, script_id: int) -> tuple | None:
    """(id, updated_at, live revision, live, go-live, expiry, validity window) of script
    `script_id` as the database returns them, or None: one statement compiled once per
    process (``core.api.statements``), kept while the delivery generation stands."""
    key = ("due-script-stamp",)

    def build(_moment, value):
        return Script.objects.filter(pk=value).order_by().values_list(*SCRIPT_STAMP)[:1]

    return memo(request, (*key, script_id),
                lambda: first_row(key, build, timezone.now(), script_id))  # fmt: skip


def parsed_scripts(request: HttpRequest, ids) -> dict[int, ParsedScript]:
    """The scripts `ids` by id (missing ones left out): one stamp per script (a window sends
    one or two), the rows loaded only for stamps not cached."""
    out, missing = {}, {}
    for script_id in ids:
        row = script_stamp(request, script_id)
        if row is None:
            continue
        entry = _scripts.get(row)
        if entry is None or not _fresh(entry):
            missing[row[0]] = row
        else:
            out[row[0]] = entry
    if missing:
        for script in Script.objects.filter(pk__in=list(missing)):
            out[script.pk] = _store(_scripts, missing[script.pk], ParsedScript(script))
    return out


def clear() -> None:
    """Forget every entry (tests)."""
    _sequences.clear()
    _scripts.clear()
