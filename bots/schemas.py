"""Usage-event shapes of the delivery API (../shared/API.md, “events”)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from core.api import MAX_ID, to_utc
from personas.enums import Channel

EventType = Literal["sent", "delivered", "read", "clicked", "replied", "converted"]
MAX_EVENTS = 500
# Plausibility caps on reported counts (a bot's bug must not inflate the totals without
# bound): one event counts at most MAX_EVENT_COUNT, one batch at most MAX_BATCH_COUNT in all.
# With 64-bit totals, no sequence of batches can overflow a counter.
MAX_EVENT_COUNT = 100_000
MAX_BATCH_COUNT = 1_000_000


class EventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    script: int | None = Field(None, ge=1, le=MAX_ID)
    # A step of a sequence (its slug and the step's id from the sequence API): counted in the
    # step's funnel, and for the step's script too when `script` is left out.
    sequence: str | None = Field(None, min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    step: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")
    calendar_entry: int | None = Field(None, ge=1, le=MAX_ID)
    type: EventType
    count: int = Field(1, ge=1, le=MAX_EVENT_COUNT)
    occurred_at: datetime | None = None
    channel: Literal[tuple(Channel.values)] | None = None
    idempotency_key: str | None = Field(None, min_length=1, max_length=200, pattern=r"^[^\x00]+$")

    @field_validator("occurred_at")
    @classmethod
    def _in_range(cls, value: datetime | None) -> datetime | None:
        """Without an offset it is Asia/Shanghai time; the year must be plausible."""
        return None if value is None else to_utc(value, earliest=2000)


def events_body_schema() -> dict:
    """The request body as JSON Schema, for the OpenAPI document (the view parses the body
    itself so that an oversized batch is a 413 before any event is validated)."""
    return {
        "type": "object",
        "required": ["events"],
        "additionalProperties": False,
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                # Not "maxItems": the contract answers a longer batch with 413, not 422.
                "description": (
                    f"1 to {MAX_EVENTS} events (a longer batch gets 413) whose counts add up "
                    f"to at most {MAX_BATCH_COUNT:,}."
                ),
                "items": EventIn.model_json_schema(),
            }
        },
    }


class Accepted(Schema):
    accepted: int
    duplicates: int
