"""Reminder policy and round planning (pure: no I/O).

A campaign's policy is an ordered list of rounds, each `{offset from the deadline (negative =
before), channels, template}`, a grace window after the deadline, and quiet hours in the
candidate's time zone. An invitation remembers how many rounds it has gone past
(`rounds_done`); the sweep asks `plan_rounds` which rounds are due now, claims them with a
conditional write, and asks `next_action` when to look again.

Rules: a round before the deadline goes only to invitations still open and only before the
deadline (after it, "tomorrow is the deadline" would be a lie: it is skipped); a round at or
after the deadline goes only to no-shows. Final states get nothing. A round whose moment falls
in quiet hours is deferred to the next allowed minute (a round deferred past the end of grace is
skipped: the interview is closed by then). After a scheduler outage, one tick catches up every
missed round, once each, in order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.invitations.domain.invitation import FINAL, OPEN, Status
from chalicelib.shared.domain.channels import NAMES
from chalicelib.shared.domain.contacts import ContactProblem, check_timezone

CHANNELS = NAMES
TEMPLATES = ("due_tomorrow", "no_show", "final_call")
MAX_ROUNDS = 6
MAX_GRACE = timedelta(days=30)
MAX_LEAD_HOURS = 24 * 30  # a round at most 30 days before the deadline


@dataclass(frozen=True)
class Round:
    offset: timedelta
    channels: tuple[str, ...]
    template: str

    @property
    def before_deadline(self) -> bool:
        return self.offset < timedelta(0)


@dataclass(frozen=True)
class QuietHours:
    """A daily local window (may wrap midnight) in which nothing is sent."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def defer(self, at: datetime, zone: ZoneInfo) -> datetime:
        """`at`, or the end of the quiet window it falls in (the next allowed minute)."""
        local = at.astimezone(zone)
        if not self.contains(local.time()):
            return at
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        # re-resolve the wall time in the zone (a DST change overnight shifts the offset)
        return datetime.combine(end.date(), end.time(), zone).astimezone(at.tzinfo)


@dataclass(frozen=True)
class ReminderPolicy:
    rounds: tuple[Round, ...]
    grace: timedelta = timedelta(hours=48)
    quiet: QuietHours | None = field(default_factory=QuietHours)

    def to_json(self) -> dict[str, Any]:
        return {"rounds": [{"offset_hours": r.offset / timedelta(hours=1),
                            "channels": list(r.channels), "template": r.template}
                           for r in self.rounds],
                "grace_hours": self.grace / timedelta(hours=1),
                "quiet_hours": ({"start": self.quiet.start.strftime("%H:%M"),
                                 "end": self.quiet.end.strftime("%H:%M")}
                                if self.quiet else None)}


DEFAULT_POLICY = ReminderPolicy(rounds=(
    Round(timedelta(hours=-24), ("email",), "due_tomorrow"),
    Round(timedelta(0), ("email", "sms"), "no_show"),
    Round(timedelta(hours=24), ("sms",), "final_call"),
))


def default_for(channels: tuple[str, ...]) -> ReminderPolicy:
    """The default policy, keeping only the channels the campaign sends by."""
    rounds = tuple(Round(r.offset, kept, r.template) for r in DEFAULT_POLICY.rounds
                   if (kept := tuple(c for c in r.channels if c in channels)))
    return replace(DEFAULT_POLICY, rounds=rounds)


class PolicyProblem(ValueError):
    """`across`: a rule between fields (offsets in order, rounds before the end of grace, a
    round's channels among the campaign's, quiet start and end apart), which a JSON Schema
    cannot state: the API answers 422 for those, 400 for the rest."""

    def __init__(self, code: str, message: str, *, across: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.across = across


def parse_policy(data: Any, campaign_channels: tuple[str, ...]) -> ReminderPolicy:
    """Validate a policy from JSON; raises PolicyProblem with a code and a message."""
    if not isinstance(data, dict):
        raise PolicyProblem("invalid_policy", "reminder_policy must be an object")
    grace_hours = _number(data.get("grace_hours", 48), "grace_hours")
    if not 0 <= grace_hours <= MAX_GRACE / timedelta(hours=1):
        raise PolicyProblem("invalid_grace", "grace_hours must be between 0 and 720")
    grace = timedelta(hours=grace_hours)
    raw_rounds = data.get("rounds", [])
    if not isinstance(raw_rounds, list) or len(raw_rounds) > MAX_ROUNDS:
        raise PolicyProblem("invalid_rounds", f"rounds must be a list of at most {MAX_ROUNDS}")
    rounds = [_round(i, r, campaign_channels) for i, r in enumerate(raw_rounds)]
    offsets = [r.offset for r in rounds]
    if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
        raise PolicyProblem("overlapping_rounds",
                            "rounds must have distinct offsets, in increasing order", across=True)
    for i, r in enumerate(rounds):
        if r.offset >= timedelta(0) and r.offset >= grace:
            # the tick at the end of grace closes the invitation: such a round never goes out
            raise PolicyProblem("round_after_grace",
                                f"rounds[{i}] is not before the end of the grace window",
                                across=True)
    return ReminderPolicy(tuple(rounds), grace, _quiet(data.get("quiet_hours", {})))


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value):
        raise PolicyProblem("invalid_policy", f"{name} must be a finite number")
    return float(value)


def _round(index: int, raw: Any, campaign_channels: tuple[str, ...]) -> Round:
    if not isinstance(raw, dict):
        raise PolicyProblem("invalid_rounds", f"rounds[{index}] must be an object")
    offset = _number(raw.get("offset_hours"), f"rounds[{index}].offset_hours")
    if offset < -MAX_LEAD_HOURS:
        raise PolicyProblem("invalid_rounds", f"rounds[{index}] is more than {MAX_LEAD_HOURS} "
                                              "hours before the deadline")
    channels = raw.get("channels")
    if (not isinstance(channels, list) or not channels
            or any(c not in CHANNELS for c in channels) or len(set(channels)) != len(channels)):
        raise PolicyProblem("unknown_channel",
                            f"rounds[{index}].channels must be distinct values among "
                            f"{', '.join(CHANNELS)}")
    missing = [c for c in channels if c not in campaign_channels]
    if missing:
        raise PolicyProblem("unknown_channel", f"rounds[{index}] uses {', '.join(missing)}, "
                                               "which the campaign does not send by",
                            across=True)
    template = raw.get("template")
    if template is None:
        template = "no_show" if offset >= 0 else "due_tomorrow"
    if template not in TEMPLATES:
        raise PolicyProblem("unknown_template",
                            f"rounds[{index}].template must be one of {', '.join(TEMPLATES)}")
    return Round(timedelta(hours=offset), tuple(channels), template)


def _quiet(raw: Any) -> QuietHours | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise PolicyProblem("invalid_quiet_hours", "quiet_hours must be an object or null")
    start, end = _hh_mm(raw.get("start", "21:00")), _hh_mm(raw.get("end", "08:00"))
    if start == end:
        raise PolicyProblem("invalid_quiet_hours", "quiet_hours.start and .end must differ",
                            across=True)
    return QuietHours(start, end)


def _hh_mm(value: Any) -> time:
    """Local wall time, exactly HH:MM (no seconds, no offset: the zone is the candidate's)."""
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value) if isinstance(value, str) else None
    if match is None:
        raise PolicyProblem("invalid_quiet_hours", "quiet_hours.start and .end must be HH:MM")
    return time(int(match[1]), int(match[2]))


def policy_from_json(data: dict[str, Any] | None) -> ReminderPolicy:
    """A stored policy (already validated) back to a value; None means the default."""
    if not data:
        return DEFAULT_POLICY
    return parse_policy(data, CHANNELS)


def zone_of(timezone: str | None) -> ZoneInfo:
    checked = check_timezone(timezone) if timezone else None
    return ZoneInfo(checked) if checked and not isinstance(checked, ContactProblem) \
        else ZoneInfo("UTC")


def round_time(policy: ReminderPolicy, index: int, deadline: datetime,
               zone: ZoneInfo) -> datetime:
    at = deadline + policy.rounds[index].offset
    return policy.quiet.defer(at, zone) if policy.quiet else at


@dataclass(frozen=True)
class RoundPlan:
    send: tuple[int, ...]  # round indexes to claim and send now, in order
    skip: tuple[int, ...]  # rounds whose moment passed while they could not apply
    rounds_done: int  # how many rounds the invitation has gone past after this step


def plan_rounds(status: Status, rounds_done: int, policy: ReminderPolicy, deadline: datetime,
                now: datetime, zone: ZoneInfo) -> RoundPlan:
    """Which rounds are due at `now` for an invitation in `status` (its status after any
    timed transition at `now`), having gone past `rounds_done` rounds."""
    send: list[int] = []
    skip: list[int] = []
    index = rounds_done
    while index < len(policy.rounds):
        if status not in FINAL and round_time(policy, index, deadline, zone) > now:
            break
        current = policy.rounds[index]
        if status in FINAL:
            skip.append(index)
        elif current.before_deadline:
            (send if status in OPEN and now < deadline else skip).append(index)
        else:
            in_grace = now < deadline + policy.grace
            (send if status is Status.NO_SHOW and in_grace else skip).append(index)
        index += 1
    return RoundPlan(tuple(send), tuple(skip), index)


def next_action(status: Status, rounds_done: int, policy: ReminderPolicy, deadline: datetime,
                zone: ZoneInfo) -> datetime | None:
    """When the sweep must look at the invitation again: its next round, its deadline (open)
    or the end of its grace window (no_show), whichever comes first; None when final."""
    if status in FINAL:
        return None
    timer = deadline if status in OPEN else deadline + policy.grace
    if rounds_done < len(policy.rounds):
        return min(timer, round_time(policy, rounds_done, deadline, zone))
    return timer
