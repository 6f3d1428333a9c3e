"""One member's `due` window, and its answer as bytes without rebuilding what did not change.

A `due` answer is ``{"sequence", "started_at", "since", "now", "items", "steps", "next_due_at",
"exit_conditions"}``. For a given parsed sequence (its stamp), member start and window
``timeline[lo:hi]`` everything in it but `since` and `now` is fixed when no due step sends a
script (a script's availability depends on `now` and on its own stamp) and no variables are
given: the steps written in place, their times, the next time and the exit conditions. Those
two pieces are kept as JSON bytes, keyed by everything they depend on (the sequence's
stamp and parse, the start, the slice, the site's address and the time zone; they live as
long as the parse they come from), and a call joins them around its own `since` and `now`.
The join is ``dumps`` of the whole dict byte for byte: with the separators ``dumps`` uses, a
dict is ``{`` + ``"key":value`` joined by ``,`` + ``}``, and an ISO time needs no escaping
(tests/api/test_sequence_window.py holds the two paths to identical answers over the camp).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from django.http import HttpRequest
from django.utils import timezone

from core.api import dumps, site_address

from .parsed import Member, ParsedSequence

MAX_PIECES = 1000  # all sequences together; a piece is one window's steps (≈ 0.2–10 kB)
_pieces: dict[tuple, tuple[bytes, bytes]] = {}


class Window:
    """What one `due` call asks about, resolved: the parsed sequence, the member's timeline,
    the slice ``lo:hi`` due in (since, now] and the times (Beijing time)."""

    __slots__ = ("sequence", "member", "lo", "hi", "started_at", "now", "since")

    def __init__(self, sequence: ParsedSequence, member: Member, lo: int, hi: int,
                 started_at: datetime, now: datetime, since: datetime | None):  # fmt: skip
        self.sequence = sequence
        self.member = member
        self.lo = lo
        self.hi = hi
        self.started_at = started_at
        self.now = now
        self.since = since

    @property
    def items(self) -> list:
        return self.member.items[self.lo : self.hi]

    def sends_scripts(self) -> bool:
        return any(item.block.value.get("script") for item in self.items)


def answer(window: Window, request: HttpRequest, steps: Callable[[], list], iso) -> bytes:
    """The JSON body of `window`'s answer; `steps()` builds its steps (only when the pieces
    are not kept), `iso` formats a time as the answer does."""
    zone = timezone.get_current_timezone()
    sequence = window.sequence
    key = (sequence.stamp, sequence.built, window.started_at, window.lo, window.hi,
           site_address(request), zone)  # fmt: skip
    pieces = _pieces.get(key)
    if pieces is None:  # (read once: another thread may clear the dict meanwhile)
        pieces = _build(window, steps(), iso)
        if len(_pieces) >= MAX_PIECES:
            _pieces.clear()
        _pieces[key] = pieces
    head, tail = pieces
    since = _iso(window.since or window.started_at, zone)
    return b"".join((head, b'"', since, b'","now":"', _iso(window.now, zone), b'"', tail))


def _iso(value: datetime, zone: tzinfo) -> bytes:
    """``iso(value)`` in the current time zone `zone` (what ``timezone.localtime`` does)."""
    return value.astimezone(zone).isoformat().encode()


def _build(window: Window, steps: list, iso) -> tuple[bytes, bytes]:
    """The answer's JSON before `since` and after `now`."""
    sequence = window.sequence
    head = b"".join((b'{"sequence":', dumps(sequence.slug), b',"started_at":',
                     dumps(iso(window.started_at)), b',"since":'))  # fmt: skip
    after = dumps(iso(window.member.next_due_at(window.hi)))
    exits = dumps(list(sequence.exit_conditions))
    listed = dumps(steps)  # API.md's `items`, and `steps`, the same list
    tail = b"".join((b',"items":', listed, b',"steps":', listed, b',"next_due_at":', after,
                     b',"exit_conditions":', exits, b"}"))  # fmt: skip
    return head, tail


def clear() -> None:
    """Forget every piece (tests)."""
    _pieces.clear()
