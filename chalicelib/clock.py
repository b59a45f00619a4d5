"""Time as an input.

This is the only module that reads the wall clock. Handlers take `now` from the event
(the scheduled event's `time`, the request time) or from a `Clock`, which is what lets the
local demo and the tests jump three days ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told (`set` it to jump ahead); for tests."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at


def parse_instant(value: str) -> datetime:
    """Parse an ISO-8601 instant; a value without an offset is rejected, not guessed."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return parsed.astimezone(UTC)
