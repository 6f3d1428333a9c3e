"""Sequence shapes of the delivery API (README “Sequences (SOP)”)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema

from content.messages import Message
from content.schemas import KindName, VariableOut
from personas.enums import Channel

from .enums import OffsetUnit, SequenceTrigger, Timing

ChannelName = Literal[tuple(Channel.values)]
TriggerName = Literal[tuple(SequenceTrigger.values)]
Reason = Literal["script_unpublished", "script_out_of_window", "script_missing"]


class QuietHours(Schema):
    start: str  # HH:MM, Beijing time
    end: str  # HH:MM; earlier than start = wraps midnight


class SequenceSummary(Schema):
    id: int
    slug: str
    name: str
    persona: str
    channel: ChannelName
    audiences: list[str]
    trigger: TriggerName
    custom_trigger: str | None
    quiet_hours: QuietHours | None
    start_at: datetime | None
    cycle_days: int | None
    exit_conditions: list[str]
    step_count: int
    steps_count: int  # API.md's name; the same number
    updated_at: datetime


class SequenceList(Schema):
    count: int
    next: str | None
    items: list[SequenceSummary]


class StepScript(Schema):
    id: int
    title: str
    kind: KindName


class StepWhen(Schema):
    """When a step is sent (API.md's `when`): its timing and the fields it uses (`day` + `time`,
    `offset` + `unit`, `week` + `weekday` + `time`, or `at`), and how it reads ("D3 09:00")."""

    timing: Literal[tuple(Timing.values)]
    day: int | None = None
    time: str | None = None
    offset: int | None = None
    unit: Literal[tuple(OffsetUnit.values)] | None = None
    week: int | None = None
    weekday: int | None = None
    at: datetime | None = None
    label: str


class StepOut(Schema):
    """One step. `id` is stable across edits and reorders: name it in usage events (`step`).
    `messages` are in the script detail's shape (the chosen script's, or written in place);
    when the script cannot be sent, `available` is false, `reason` says why and `messages` is
    empty."""

    id: str
    position: int
    title: str
    timing: Literal[tuple(Timing.values)]
    day: int | None
    time: str | None
    offset: int | None
    unit: Literal[tuple(OffsetUnit.values)] | None
    week: int | None
    weekday: int | None
    at: datetime | None
    when: StepWhen
    condition: str | None
    script: StepScript | None
    available: bool
    reason: Reason | None
    messages: list[Message]


class SequenceDetail(SequenceSummary):
    description: str
    variables: list[VariableOut]
    steps: list[StepOut]


class DueStep(StepOut):
    due_at: datetime  # moved out of quiet hours
    scheduled_at: datetime  # as written (day N at HH:MM …), before quiet hours


class DueOut(Schema):
    """`items` is API.md's name for the due steps; `steps` (the same list) came first and stays."""

    sequence: str
    started_at: datetime
    since: datetime
    now: datetime
    items: list[DueStep]
    steps: list[DueStep]
    next_due_at: datetime | None
    exit_conditions: list[str]
