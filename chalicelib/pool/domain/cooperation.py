"""The cooperation score: 0-100 from a candidate's interview behaviour. Pure, no I/O.

Each behaviour event weighs 2^(-age / half-life): a no-show two years ago counts far less than
one last week. The score is a base of 50 plus saturating components (each bounded, each a
function of one kind of event only), clamped to 0-100, so it is monotone by construction:
one more completion never lowers it, one more no-show never raises it. `components` explain it.

Decayed sums can be kept with plain additions (DynamoDB ADD, exactly once per stream record):
an event adds `scaled_weight(at)` = 2^((at - EPOCH) / half-life) and a reader divides by
`scaled_weight(now)`. `decayed(totals, now)` does that division.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

KINDS = ("delivered", "opened", "clicked", "started", "completed", "completed_late", "no_show",
         "reason", "opt_out")
#: the decayed sum of hours from invitation to first open (an average with `opened`)
OPEN_HOURS = "open_hours"
HALF_LIFE = timedelta(days=180)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
BASE = 50.0

# (kind, points at saturation, events for ~63% of them); negative points lower the score
_WEIGHTS: tuple[tuple[str, float, float], ...] = (
    ("completed", 30.0, 1.5), ("completed_late", 10.0, 1.5), ("started", 5.0, 2.0),
    ("opened", 5.0, 2.0), ("reason", 5.0, 1.0), ("no_show", -35.0, 1.2),
    ("opt_out", -40.0, 0.5))
_SPEED_POINTS = 5.0
_SPEED_HOURS = 48.0  # opening within hours earns most of the speed points
_UNOPENED_POINTS = -5.0


@dataclass(frozen=True)
class Behaviour:
    kind: str
    at: datetime
    hours_to_open: float | None = None  # for "opened"


@dataclass(frozen=True)
class Score:
    value: float
    components: dict[str, float]


def weight(at: datetime, now: datetime, half_life: timedelta = HALF_LIFE) -> float:
    age = max((now - at).total_seconds(), 0.0)
    return float(0.5 ** (age / half_life.total_seconds()))


def scaled_weight(at: datetime, half_life: timedelta = HALF_LIFE) -> float:
    return float(2.0 ** ((at - EPOCH).total_seconds() / half_life.total_seconds()))


def decayed(scaled_totals: Mapping[str, float], now: datetime,
            half_life: timedelta = HALF_LIFE) -> dict[str, float]:
    """Stored sums of `scaled_weight` -> decayed weights at `now`."""
    divisor = scaled_weight(now, half_life)
    return {k: float(v) / divisor for k, v in scaled_totals.items()}


def totals(events: Iterable[Behaviour], now: datetime,
           half_life: timedelta = HALF_LIFE) -> dict[str, float]:
    """Decayed weights per kind (and OPEN_HOURS) of a list of events."""
    out: dict[str, float] = {}
    for e in events:
        w = weight(e.at, now, half_life)
        out[e.kind] = out.get(e.kind, 0.0) + w
        if e.kind == "opened" and e.hours_to_open is not None:
            out[OPEN_HOURS] = out.get(OPEN_HOURS, 0.0) + w * max(e.hours_to_open, 0.0)
    return out


def _saturate(x: float, k: float) -> float:
    return 1.0 - math.exp(-max(x, 0.0) / k)


def from_totals(t: Mapping[str, float]) -> Score:
    """The score of decayed weights per kind."""
    components: dict[str, float] = {"base": BASE}
    for kind, points, k in _WEIGHTS:
        x = t.get(kind, 0.0) + (t.get("clicked", 0.0) if kind == "opened" else 0.0)
        components[kind] = round(points * _saturate(x, k), 2)
    opened = t.get("opened", 0.0)
    if opened > 0:
        hours = t.get(OPEN_HOURS, 0.0) / opened
        speed = _SPEED_POINTS * _saturate(opened, 2.0) * math.exp(-hours / _SPEED_HOURS)
        components["speed"] = round(speed, 2)
    else:
        components["speed"] = 0.0
    unopened = t.get("delivered", 0.0) - opened - t.get("clicked", 0.0)
    components["unopened"] = round(_UNOPENED_POINTS * _saturate(unopened, 3.0), 2)
    value = min(max(sum(components.values()), 0.0), 100.0)
    return Score(round(value, 1), components)


#: every component `from_totals` gives, in the order a reader explains them
PARTS = ("base", *(kind for kind, _, _ in _WEIGHTS), "speed", "unopened")


@dataclass(frozen=True)
class Part:
    """One component of a score explained: its points, the most (or, negative, the least)
    it can reach, and the decayed weight of the events behind it."""

    name: str
    points: float
    limit: float
    events: float


def explain(t: Mapping[str, float], result: Score) -> list[Part]:
    """The parts of `result` (= from_totals(t)), base first; they add up to the value
    before it is clamped to 0-100."""
    limits = {"base": BASE, **{kind: points for kind, points, _ in _WEIGHTS},
              "speed": _SPEED_POINTS, "unopened": _UNOPENED_POINTS}
    opened = t.get("opened", 0.0) + t.get("clicked", 0.0)
    weights = {"base": 0.0, **{kind: t.get(kind, 0.0) for kind, _, _ in _WEIGHTS},
               "opened": opened, "speed": t.get("opened", 0.0),
               "unopened": max(t.get("delivered", 0.0) - opened, 0.0)}
    return [Part(name, result.components.get(name, 0.0), limits[name],
                 round(weights[name], 3)) for name in PARTS]


def score(events: Iterable[Behaviour], now: datetime,
          half_life: timedelta = HALF_LIFE) -> Score:
    return from_totals(totals(events, now, half_life))


_PROGRESS = {"invited": 0, "sent": 1, "opened": 2, "started": 3}
_DONE = ("completed", "completed_late")


def behaviour_of_change(old_status: str | None, new_status: str, old_reason: str | None,
                        new_reason: str | None, created_at: datetime, changed_at: datetime,
                        at: datetime) -> list[Behaviour]:
    """The behaviour one invitation change shows (statuses skipped on the way count too:
    a completion reported without a `started` event still means the candidate started)."""
    out: list[Behaviour] = []
    if new_status != old_status:
        before = _PROGRESS.get(old_status or "invited", -1)
        reached = 4 if new_status in _DONE else _PROGRESS.get(new_status, -1)
        if before >= 0 and before < 2 <= reached:
            hours = (changed_at - created_at).total_seconds() / 3600
            out.append(Behaviour("opened", changed_at, hours))
        if before >= 0 and before < 3 <= reached:
            out.append(Behaviour("started", changed_at))
        if new_status in _DONE or new_status == "no_show":
            out.append(Behaviour(new_status, changed_at))
    if new_reason and new_reason != old_reason:
        out.append(Behaviour("reason", at))
    return out


def sums(events: Sequence[Behaviour], half_life: timedelta = HALF_LIFE) -> dict[str, float]:
    """What to ADD to the stored scaled sums for these events."""
    out: dict[str, float] = {}
    for e in events:
        w = scaled_weight(e.at, half_life)
        out[e.kind] = out.get(e.kind, 0.0) + w
        if e.kind == "opened" and e.hours_to_open is not None:
            out[OPEN_HOURS] = out.get(OPEN_HOURS, 0.0) + w * max(e.hours_to_open, 0.0)
    return out
