"""The invitation state machine: a pure function, no I/O.

    invited -> sent -> opened -> started -> completed
    at the deadline an unfinished invitation becomes no_show; completing inside the grace
    window gives completed_late; the end of the grace window closes it; HR may cancel.

The machine only moves forward. An event that would move an invitation backwards (a late
"opened" after "completed") changes nothing and is kept in the timeline only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    INVITED = "invited"
    SENT = "sent"
    OPENED = "opened"
    STARTED = "started"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    COMPLETED_LATE = "completed_late"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Event(StrEnum):
    MESSAGE_SENT = "message.sent"
    OPENED = "interview.opened"
    STARTED = "interview.started"
    COMPLETED = "interview.completed"
    DEADLINE_PASSED = "deadline.passed"
    GRACE_ENDED = "grace.ended"
    CANCELLED = "invitation.cancelled"


#: Before the deadline: the candidate can still act.
OPEN = frozenset({Status.INVITED, Status.SENT, Status.OPENED, Status.STARTED})
#: Nothing moves these any more.
FINAL = frozenset({Status.COMPLETED, Status.COMPLETED_LATE, Status.CLOSED, Status.CANCELLED})

# Progress order among the open states; used to refuse backwards moves.
_PROGRESS = {Status.INVITED: 0, Status.SENT: 1, Status.OPENED: 2, Status.STARTED: 3}
_ENGAGEMENT = {Event.MESSAGE_SENT: Status.SENT, Event.OPENED: Status.OPENED,
               Event.STARTED: Status.STARTED}


@dataclass(frozen=True)
class Policy:
    """What the status machine needs of a campaign's reminder policy
    (invitations/domain/reminders.py plans the rounds themselves)."""

    grace: timedelta = timedelta(hours=48)


@dataclass(frozen=True)
class Outcome:
    status: Status
    changed: bool
    #: when the next timed event (deadline or end of grace) is due; None when none is
    next_action_at: datetime | None


def next_action_at(status: Status, deadline: datetime, policy: Policy) -> datetime | None:
    """When the sweep must look at an invitation in `status` again."""
    if status in OPEN:
        return deadline
    if status is Status.NO_SHOW:
        return deadline + policy.grace
    return None


def apply(status: Status, event: Event, *, deadline: datetime, at: datetime,
          policy: Policy) -> Outcome:
    """Return the invitation's state after `event` happened at `at`.

    `at` is when the event happened (the webhook's own timestamp, the sweep's tick time), so
    a completion reported late but done before the deadline is still on time.
    """
    new = _next_status(status, event, deadline=deadline, at=at, policy=policy)
    if new is None or new is status:
        return Outcome(status, False, next_action_at(status, deadline, policy))
    return Outcome(new, True, next_action_at(new, deadline, policy))


def _next_status(status: Status, event: Event, *, deadline: datetime, at: datetime,
                 policy: Policy) -> Status | None:
    if status in FINAL:
        return None
    if event is Event.CANCELLED:
        return Status.CANCELLED
    if event is Event.COMPLETED:
        if at > deadline + policy.grace:
            return None  # after the grace window the link no longer works, swept or not
        late = status is Status.NO_SHOW or at > deadline
        return Status.COMPLETED_LATE if late else Status.COMPLETED
    if event in _ENGAGEMENT:
        target = _ENGAGEMENT[event]
        if status in OPEN and _PROGRESS[target] > _PROGRESS[status]:
            return target
        return None
    if event is Event.DEADLINE_PASSED:
        return Status.NO_SHOW if status in OPEN and at >= deadline else None
    if event is Event.GRACE_ENDED:
        ended = at >= deadline + policy.grace
        return Status.CLOSED if status is Status.NO_SHOW and ended else None
    return None


def timed_event(status: Status) -> Event | None:
    """The event the sweep fires for an invitation whose next action is due."""
    if status in OPEN:
        return Event.DEADLINE_PASSED
    if status is Status.NO_SHOW:
        return Event.GRACE_ENDED
    return None


#: The statuses HR may extend: still open, or a no-show inside or after its grace window.
EXTENDABLE = OPEN | {Status.NO_SHOW}


def extended_status(status: Status, new_deadline: datetime, now: datetime) -> Status | None:
    """The status after HR moves the deadline to `new_deadline` (None: not allowed).

    The one sanctioned move backwards, and deliberately not an `Event`: an HR decision, not
    something a candidate or vendor can cause. A no-show is open again (`sent`: its message
    went out); an open invitation keeps its progress.
    """
    if status not in EXTENDABLE or new_deadline <= now:
        return None
    return Status.SENT if status is Status.NO_SHOW else status
