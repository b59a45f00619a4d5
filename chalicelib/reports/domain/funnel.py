"""The interview funnel: what a status move counts, no-show reasons, rates and medians. Pure.

Counters are "invitations that reached this stage" per tenant x campaign x position x channel
mix x day. A move that skips stages (a `completed` webhook for an invitation still `sent`)
counts the skipped stages too, so the funnel never widens: opened >= started >= completed.
The time to complete is kept as a histogram of minutes (fixed buckets), so a median can be
computed from a handful of numbers instead of every value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed

COUNTERS = ("invited", "sent", "delivered", "opened", "started", "completed",
            "completed_late", "no_show", "reminded", "recovered", "closed", "cancelled")

#: Upper bounds (minutes, inclusive) of the time-to-complete buckets; the last is open.
MINUTE_BUCKETS = (15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 7200, 10080)
HISTOGRAM_SIZE = len(MINUTE_BUCKETS) + 1

#: What candidates can answer on the self-service page (services/self_service.REASONS).
GIVEN_REASONS = ("schedule_conflict", "technical_problem", "did_not_see_message",
                 "not_interested", "accepted_other_offer", "other")
#: What their behaviour (and the vendor's word: link expired, abandoned) says, at the
#: moment the invitation turned no_show.
INFERRED_REASONS = ("not_delivered", "never_opened", "opened_not_started",
                    "started_not_completed", "link_expired", "abandoned")
#: Recovered completions are also counted by the reminder round they followed (the rounds
#: the invitation had gone past when it completed: 1..6, invitations/domain/reminders.py).
ROUNDS = 6


def round_counter(rounds_done: int) -> str:
    """The counter of a completion recovered after `rounds_done` rounds (rr_1 .. rr_6)."""
    return f"rr_{max(1, min(int(rounds_done), ROUNDS))}"

_CHAIN = ("invited", "sent", "opened", "started", "completed")
_RANK = {name: rank for rank, name in enumerate(_CHAIN)}


def reached(old: str | None, new: str) -> list[str]:
    """Counters a status move adds to. `old` None: the invitation was created.

    Along invited -> sent -> opened -> started -> completed every stage passed is counted
    (a skipped one included). Reaching no_show, completed_late, closed or cancelled counts
    that stage. An extension (no_show back to an open stage) counts nothing: the candidate
    reached those stages before.
    """
    if old is None:
        return ["invited"] + (reached("invited", new) if new != "invited" else [])
    if old == new:
        return []
    if new in _RANK:
        if old not in _RANK:
            return []
        return [s for s in _CHAIN if _RANK[old] < _RANK[s] <= _RANK[new]]
    if new in ("no_show", "completed_late", "closed", "cancelled"):
        return [new]
    return []


def inferred_reason(old: str, delivery_problem: str | None,
                    vendor_signal: str | None = None) -> str | None:
    """Why an invitation in `old` turned no_show, judged from what the candidate did.

    Still `invited` at the deadline: its message never went out (failed, suppressed, no
    address left). `sent` with a bounce or complaint on record: not delivered either. The
    vendor's word (InvitationItem.vendor_signal) comes next: it saw the link expire unused
    or the interview abandoned.
    """
    if old == "invited" or (old == "sent" and delivery_problem):
        return "not_delivered"
    if vendor_signal in ("expired", "abandoned"):
        return "link_expired" if vendor_signal == "expired" else "abandoned"
    return {"sent": "never_opened", "opened": "opened_not_started",
            "started": "started_not_completed"}.get(old)


def given_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    return reason if reason in GIVEN_REASONS else "other"


def minute_bucket(minutes: float) -> int:
    """Index of the histogram bucket that holds `minutes`."""
    for index, bound in enumerate(MINUTE_BUCKETS):
        if minutes <= bound:
            return index
    return len(MINUTE_BUCKETS)


def median_minutes(histogram: Sequence[int]) -> float | None:
    """The median of a time-to-complete histogram, interpolated linearly inside its bucket
    (the open last bucket answers its lower bound). None for an empty histogram."""
    total = sum(histogram)
    if total <= 0:
        return None
    half = total / 2
    seen = 0
    for index, count in enumerate(histogram):
        if count and seen + count >= half:
            low = 0 if index == 0 else MINUTE_BUCKETS[index - 1]
            if index >= len(MINUTE_BUCKETS):
                return float(low)
            high = MINUTE_BUCKETS[index]
            return round(low + (high - low) * (half - seen) / count, 1)
        seen += count
    return None  # pragma: no cover - unreachable with total > 0


@dataclass(frozen=True)
class Totals:
    """Summed counters, histogram and reasons of some aggregate rows."""

    counts: dict[str, int]
    histogram: list[int]
    given: dict[str, int]
    inferred: dict[str, int]
    #: recovered completions by the reminder round they followed (index 0: round 1)
    by_round: list[int] = field(default_factory=lambda: [0] * ROUNDS)


def empty() -> Totals:
    return Totals({c: 0 for c in COUNTERS}, [0] * HISTOGRAM_SIZE,
                  {r: 0 for r in GIVEN_REASONS}, {r: 0 for r in INFERRED_REASONS})


def add(into: Totals, other: Totals) -> Totals:
    return Totals({k: into.counts[k] + other.counts.get(k, 0) for k in into.counts},
                  [a + b for a, b in zip(into.histogram, other.histogram, strict=True)],
                  {k: into.given[k] + other.given.get(k, 0) for k in into.given},
                  {k: into.inferred[k] + other.inferred.get(k, 0) for k in into.inferred},
                  [a + b for a, b in zip(into.by_round, other.by_round, strict=True)])


def total(rows: Iterable[Totals]) -> Totals:
    result = empty()
    for row in rows:
        result = add(result, row)
    return result


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def rates(t: Totals) -> dict[str, float | None]:
    """Ratios of the counters (None where the denominator is 0).

    completion: completed on time or late / invited. response: opened or further / invited.
    no_show: turned no_show / invited. final_no_show: closed (no-shows that did not recover
    in the grace window) / invited - the figure reminders are meant to push down.
    reminder_recovery: completed after a reminder / reminded.
    """
    c: Mapping[str, int] = t.counts
    invited = c["invited"]
    return {
        "completion": _rate(c["completed"] + c["completed_late"], invited),
        "response": _rate(c["opened"], invited),
        "no_show": _rate(c["no_show"], invited),
        "final_no_show": _rate(c["closed"], invited),
        "reminder_recovery": _rate(c["recovered"], c["reminded"]),
        "median_minutes_to_complete": median_minutes(t.histogram),
    }


MAX_RANGE_DAYS = 366

#: What rates can be grouped by: a dimension of the aggregate rows, alone or two together.
DIMENSIONS = ("position", "channel", "campaign")
GROUP_BY_PATTERN = r"^(position|channel|campaign)(,(position|channel|campaign))?$"


def group_dimensions(value: str | None) -> tuple[str, ...]:
    """`position` (the default), `channel`, `campaign`, or two of them comma-separated
    (`position,channel`). Anything else the document refuses (400 invalid_group_by); the
    same dimension twice, or campaign with position (a campaign has one position, so its
    rows already carry it), is a pair the pattern admits but the report does not (422)."""
    if value is None:
        return ("position",)
    if not re.fullmatch(GROUP_BY_PATTERN, value):
        raise ValidationFailed("group_by is one or two of position, channel, campaign, "
                               "comma-separated", code="invalid_group_by")
    dims = tuple(value.split(","))
    if len(set(dims)) != len(dims):
        raise Unprocessable("group_by names a dimension twice", code="duplicate_group_by")
    if set(dims) == {"campaign", "position"}:
        raise Unprocessable("a campaign has one position: group_by=campaign already carries "
                            "the position's id and name", code="redundant_group_by")
    return dims


def day_range(start: str | None, end: str | None, today: date,
              default_days: int = 30) -> tuple[str, str]:
    """Validate a `from`/`to` pair of YYYY-MM-DD days (inclusive). Missing `to` is today;
    missing `from` is `default_days` before `to`. At most MAX_RANGE_DAYS days."""
    last = _day(end, "to") if end else today
    first = _day(start, "from") if start else last - timedelta(days=default_days - 1)
    if first > last:  # 422: each day alone is valid, the pair is not
        raise Unprocessable("from must not be after to", code="invalid_range")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise Unprocessable(f"a range covers at most {MAX_RANGE_DAYS} days",
                            code="range_too_large")
    return first.isoformat(), last.isoformat()


def _day(value: str, name: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as err:
        raise ValidationFailed(f"{name} must be a day as YYYY-MM-DD, got {value!r}",
                               code="invalid_date") from err
