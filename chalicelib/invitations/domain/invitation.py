"""The invitation state machine: a pure function, no I/O.

    invited -> sent -> opened -> started -> completed
    at the deadline an unfinished invitation becomes no_show; completing after the deadline
    gives completed_late; the end of the grace window closes it; HR may cancel.

The machine only moves forward. An event that would move an invitation backwards (a late
"opened" after "completed") changes nothing and is kept in the timeline only.

Nothing the vendor says is dropped: a completion after the grace window (the sweep has
closed it, or not yet) is still `completed_late` - the interview exists and HR must see it;
`lateness` says how late (after the deadline, after close, after a cancel). Only a cancel
stays as it is (an HR decision); the result is kept on it as a flagged late result.
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
#: Nothing moves these any more (but a closed invitation takes a late completion).
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
    if status is Status.CLOSED and event is Event.COMPLETED:
        return Status.COMPLETED_LATE  # the vendor still took it: recorded, never dropped
    if status in FINAL:
        return None
    if event is Event.CANCELLED:
        return Status.CANCELLED
    if event is Event.COMPLETED:
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


def lateness(status: Status, event: Event, *, deadline: datetime, at: datetime,
             policy: Policy) -> str | None:
    """How late a completion in `status` at `at` is, for HR's flag (None: on time, or not
    a completion): after_deadline (inside the grace window), after_close (the grace window
    was over), after_cancel (HR had cancelled: the status stays, the result is flagged)."""
    if event is not Event.COMPLETED or status in (Status.COMPLETED, Status.COMPLETED_LATE):
        return None
    if status is Status.CANCELLED:
        return "after_cancel"
    if status is Status.CLOSED or at > deadline + policy.grace:
        return "after_close"
    if status is Status.NO_SHOW or at > deadline:
        return "after_deadline"
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
