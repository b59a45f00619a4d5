"""When a failed delivery is tried again, and when an endpoint is given up on (pure).

The schedule is Standard Webhooks' own: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h,
10 h and 10 h after the previous attempt (8 attempts over about 27.6 hours). Each wait gets
+-`JITTER` so that one endpoint's outage does not make every message retry in lockstep. A
receiver's `Retry-After` (seconds or an HTTP date) lengthens a wait, never shortens it, and
at most to `RETRY_AFTER_CAP`. 410 Gone disables the endpoint at once; other failures disable
it when `DisableRule` says the endpoint has been failing persistently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

#: waits before attempt 1, 2, ... 8 (the first attempt is immediate)
SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0), timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
    timedelta(hours=2), timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
ATTEMPTS = len(SCHEDULE)
JITTER = 0.1
RETRY_AFTER_CAP = timedelta(hours=10)


class Verdict(StrEnum):
    DELIVERED = "delivered"  # 2xx
    RETRY = "retry"  # any other answer, a timeout or a refused connection
    GONE = "gone"  # 410: the receiver asks us to stop: the endpoint is disabled


def verdict(status: int | None) -> Verdict:
    """2xx delivered; 410 gone; everything else (3xx too: redirects are not followed,
    4xx, 5xx, no answer) is a failed attempt."""
    if status is not None and 200 <= status < 300:
        return Verdict.DELIVERED
    if status == 410:
        return Verdict.GONE
    return Verdict.RETRY


def jittered(wait: timedelta, rng: random.Random) -> timedelta:
    """`wait` +- JITTER (uniform); zero stays zero."""
    if wait <= timedelta(0):
        return timedelta(0)
    return wait * (1 + rng.uniform(-JITTER, JITTER))


def retry_after(header: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` value as a wait from `now`: delta-seconds or an HTTP date; None when
    absent or unreadable; capped at RETRY_AFTER_CAP; a date in the past is no wait."""
    if not header or not header.strip():
        return None
    text = header.strip()
    if text.isdigit():
        wait = timedelta(seconds=int(text))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = max(timedelta(0), when - now)
    return min(wait, RETRY_AFTER_CAP)


def next_wait(attempts_made: int, rng: random.Random,
              asked: timedelta | None = None) -> timedelta | None:
    """The wait before the next attempt after `attempts_made` attempts of this round failed;
    None when the schedule is used up. `asked` is the receiver's Retry-After."""
    if attempts_made >= ATTEMPTS:
        return None
    wait = jittered(SCHEDULE[attempts_made], rng)
    if asked is not None and asked > wait:
        wait = asked
    return wait


@dataclass(frozen=True)
class DisableRule:
    """An endpoint is disabled after `messages` consecutive messages used up every attempt,
    or when it has failed without a single success for `failing_for` (checked whenever a
    message gives up)."""

    messages: int = 5
    failing_for: timedelta = timedelta(days=5)

    def should_disable(self, exhausted_in_a_row: int, failing_since: datetime | None,
                       now: datetime) -> bool:
        if exhausted_in_a_row >= self.messages:
            return True
        return failing_since is not None and now - failing_since >= self.failing_for
