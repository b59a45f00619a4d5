"""Unit tests for the pure invitation state machine (invitations/domain/invitation.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.invitations.domain.invitation import (
    FINAL,
    OPEN,
    Event,
    Outcome,
    Policy,
    Status,
    apply,
    lateness,
    next_action_at,
    timed_event,
)
from tests.unit.forward_order import is_forward

DEADLINE = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
POLICY = Policy()  # 48 h grace
GRACE = POLICY.grace
GRACE_END = DEADLINE + GRACE

BEFORE_DEADLINE = DEADLINE - timedelta(hours=1)
IN_GRACE = DEADLINE + timedelta(hours=1)
AFTER_GRACE = GRACE_END + timedelta(hours=1)

NON_FINAL = frozenset(Status) - FINAL


def step(status: Status, event: Event, at: datetime, policy: Policy = POLICY) -> Outcome:
    return apply(status, event, deadline=DEADLINE, at=at, policy=policy)


# --- the forward order the machine must respect -------------------------------------------

def test_forward_order_sanity() -> None:
    # The order itself: a strict partial order in which the final states are maximal.
    assert all(not is_forward(s, s) for s in Status)
    assert is_forward(Status.INVITED, Status.COMPLETED_LATE)
    assert is_forward(Status.STARTED, Status.CLOSED)
    assert not is_forward(Status.COMPLETED, Status.NO_SHOW)
    assert not is_forward(Status.NO_SHOW, Status.COMPLETED)
    # final states are maximal, but a closed one still takes a late completion
    assert all(not is_forward(f, s) for f in FINAL for s in Status
               if (f, s) != (Status.CLOSED, Status.COMPLETED_LATE))


# --- constants and helpers ----------------------------------------------------------------


def test_open_and_final_partition_with_no_show_in_between() -> None:
    assert OPEN.isdisjoint(FINAL)
    assert frozenset(Status) == OPEN | FINAL | {Status.NO_SHOW}


@pytest.mark.parametrize("status", sorted(OPEN))
def test_open_states_wait_for_the_deadline(status: Status) -> None:
    assert next_action_at(status, DEADLINE, POLICY) == DEADLINE
    assert timed_event(status) is Event.DEADLINE_PASSED


def test_no_show_waits_for_the_end_of_grace() -> None:
    assert next_action_at(Status.NO_SHOW, DEADLINE, POLICY) == GRACE_END
    assert timed_event(Status.NO_SHOW) is Event.GRACE_ENDED


@pytest.mark.parametrize("status", sorted(FINAL))
def test_final_states_have_no_timed_action(status: Status) -> None:
    assert next_action_at(status, DEADLINE, POLICY) is None
    assert timed_event(status) is None


# --- the happy path -----------------------------------------------------------------------


def test_happy_path_invited_to_completed() -> None:
    # GIVEN a fresh invitation
    status = Status.INVITED
    events = [
        (Event.MESSAGE_SENT, Status.SENT),
        (Event.OPENED, Status.OPENED),
        (Event.STARTED, Status.STARTED),
        (Event.COMPLETED, Status.COMPLETED),
    ]
    for i, (event, expected) in enumerate(events):
        # WHEN each engagement event arrives before the deadline
        out = step(status, event, BEFORE_DEADLINE + timedelta(minutes=i))
        # THEN it moves one step forward
        assert out == Outcome(expected, True, next_action_at(expected, DEADLINE, POLICY))
        status = out.status
    assert status is Status.COMPLETED
    assert step(status, Event.COMPLETED, BEFORE_DEADLINE).next_action_at is None


def test_completion_exactly_at_the_deadline_is_on_time() -> None:
    out = step(Status.STARTED, Event.COMPLETED, DEADLINE)
    assert out.status is Status.COMPLETED


def test_engagement_can_skip_steps() -> None:
    assert step(Status.INVITED, Event.STARTED, BEFORE_DEADLINE).status is Status.STARTED
    assert step(Status.INVITED, Event.COMPLETED, BEFORE_DEADLINE).status is Status.COMPLETED


@pytest.mark.parametrize("status", [Status.OPENED, Status.STARTED])
def test_earlier_engagement_event_does_not_move_backwards(status: Status) -> None:
    out = step(status, Event.MESSAGE_SENT, BEFORE_DEADLINE)
    assert out == Outcome(status, False, DEADLINE)


# --- the deadline -------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(OPEN))
def test_completion_after_the_deadline_is_late(status: Status) -> None:
    out = step(status, Event.COMPLETED, DEADLINE + timedelta(seconds=1))
    assert out.status is Status.COMPLETED_LATE
    assert out.changed
    assert out.next_action_at is None


@pytest.mark.parametrize("status", sorted(OPEN))
@pytest.mark.parametrize("at", [DEADLINE, IN_GRACE, AFTER_GRACE])
def test_deadline_passed_on_open_state_is_a_no_show_with_a_reminder(
        status: Status, at: datetime) -> None:
    # WHEN the sweep fires the deadline on an unfinished invitation
    out = step(status, Event.DEADLINE_PASSED, at)
    # THEN it becomes a no-show and waits for the end of grace (rounds: test_reminders.py)
    assert out.status is Status.NO_SHOW
    assert out.changed
    assert out.next_action_at == DEADLINE + GRACE


@pytest.mark.parametrize("status", sorted(OPEN))
def test_deadline_not_yet_reached_changes_nothing(status: Status) -> None:
    out = step(status, Event.DEADLINE_PASSED, DEADLINE - timedelta(seconds=1))
    assert out == Outcome(status, False, DEADLINE)


# --- the grace window ---------------------------------------------------------------------


@pytest.mark.parametrize("at", [GRACE_END, AFTER_GRACE])
def test_grace_end_closes_a_no_show(at: datetime) -> None:
    out = step(Status.NO_SHOW, Event.GRACE_ENDED, at)
    assert out == Outcome(Status.CLOSED, True, None)


@pytest.mark.parametrize("at", [BEFORE_DEADLINE, IN_GRACE, GRACE_END - timedelta(seconds=1)])
def test_grace_end_before_its_time_changes_nothing(at: datetime) -> None:
    out = step(Status.NO_SHOW, Event.GRACE_ENDED, at)
    assert out == Outcome(Status.NO_SHOW, False, GRACE_END)


@pytest.mark.parametrize("status", sorted(OPEN))
def test_grace_end_does_not_touch_open_states(status: Status) -> None:
    assert not step(status, Event.GRACE_ENDED, AFTER_GRACE).changed


@pytest.mark.parametrize("at", [IN_GRACE, GRACE_END])
def test_completion_during_grace_is_late(at: datetime) -> None:
    out = step(Status.NO_SHOW, Event.COMPLETED, at)
    assert out == Outcome(Status.COMPLETED_LATE, True, None)


def test_completion_after_grace_end_is_recorded_late_never_dropped() -> None:
    # GIVEN a no-show whose grace window is over, swept (closed) or not yet
    after = GRACE_END + timedelta(seconds=1)
    # WHEN the vendor reports a completion after the end of grace
    # THEN it is completed_late: the interview exists and HR must see it
    for status in (Status.NO_SHOW, Status.CLOSED):
        assert step(status, Event.COMPLETED, after) == Outcome(Status.COMPLETED_LATE, True,
                                                               None)
        assert lateness(status, Event.COMPLETED, deadline=DEADLINE, at=after,
                        policy=POLICY) == "after_close"


def test_lateness_flags() -> None:
    def late(status: Status, at: datetime) -> str | None:
        return lateness(status, Event.COMPLETED, deadline=DEADLINE, at=at, policy=POLICY)

    assert late(Status.STARTED, BEFORE_DEADLINE) is None
    assert late(Status.NO_SHOW, IN_GRACE) == "after_deadline"
    assert late(Status.CANCELLED, BEFORE_DEADLINE) == "after_cancel"
    assert late(Status.COMPLETED, AFTER_GRACE) is None
    assert lateness(Status.NO_SHOW, Event.OPENED, deadline=DEADLINE, at=AFTER_GRACE,
                    policy=POLICY) is None


@pytest.mark.parametrize("event", [Event.MESSAGE_SENT, Event.OPENED, Event.STARTED])
def test_engagement_on_a_no_show_changes_nothing(event: Event) -> None:
    out = step(Status.NO_SHOW, event, IN_GRACE)
    assert out == Outcome(Status.NO_SHOW, False, GRACE_END)


# --- cancellation and final states --------------------------------------------------------


@pytest.mark.parametrize("status", sorted(NON_FINAL))
@pytest.mark.parametrize("at", [BEFORE_DEADLINE, IN_GRACE, AFTER_GRACE])
def test_cancel_from_open_states_and_no_show(status: Status, at: datetime) -> None:
    out = step(status, Event.CANCELLED, at)
    assert out == Outcome(Status.CANCELLED, True, None)


@pytest.mark.parametrize(("status", "event"),
                         [(s, e) for s, e in product(sorted(FINAL), list(Event))
                          if (s, e) != (Status.CLOSED, Event.COMPLETED)])
@pytest.mark.parametrize("at", [BEFORE_DEADLINE, IN_GRACE, AFTER_GRACE])
def test_final_states_never_change(status: Status, event: Event, at: datetime) -> None:
    out = step(status, event, at)
    assert out == Outcome(status, False, None)


def test_late_opened_after_completed_changes_nothing() -> None:
    # GIVEN a completed invitation
    # WHEN the vendor's "opened" webhook arrives late (it happened earlier)
    out = step(Status.COMPLETED, Event.OPENED, BEFORE_DEADLINE)
    # THEN the status stays completed
    assert out == Outcome(Status.COMPLETED, False, None)


# --- exhaustive table ---------------------------------------------------------------------

TABLE_TIMES = [
    BEFORE_DEADLINE,
    DEADLINE,
    IN_GRACE,
    GRACE_END,
    AFTER_GRACE,
]


@pytest.mark.parametrize(("status", "event"), list(product(list(Status), list(Event))))
def test_every_status_event_pair_gives_a_valid_forward_outcome(
        status: Status, event: Event) -> None:
    for at in TABLE_TIMES:
        out = step(status, event, at)
        assert isinstance(out.status, Status)
        assert out.changed == (out.status is not status)
        assert out.next_action_at == next_action_at(out.status, DEADLINE, POLICY)
        if status in FINAL and (status, event) != (Status.CLOSED, Event.COMPLETED):
            assert not out.changed
        if out.changed:
            assert is_forward(status, out.status), (status, event, at, out.status)


# --- property: random event sequences -----------------------------------------------------

_BOUNDARY_OFFSETS = [
    timedelta(0),
    timedelta(seconds=-1),
    timedelta(seconds=1),
    GRACE,
    GRACE - timedelta(seconds=1),
    GRACE + timedelta(seconds=1),
]

offsets = st.one_of(
    st.sampled_from(_BOUNDARY_OFFSETS),
    st.integers(min_value=-72 * 60, max_value=120 * 60).map(lambda m: timedelta(minutes=m)),
)
steps = st.lists(st.tuples(st.sampled_from(list(Event)), offsets), max_size=12)


@settings(max_examples=300, deadline=None)
@given(start=st.sampled_from(list(Status)), sequence=steps)
def test_random_sequences_only_move_forward(
        start: Status, sequence: list[tuple[Event, timedelta]]) -> None:
    status = start
    for event, offset in sequence:
        out = step(status, event, DEADLINE + offset)
        assert isinstance(out.status, Status)
        assert out.changed == (out.status is not status)
        if out.changed:
            assert is_forward(status, out.status), (status, event, offset, out.status)
        if status in FINAL and (status, event) != (Status.CLOSED, Event.COMPLETED):
            assert out.status is status
        assert out.next_action_at == next_action_at(out.status, DEADLINE, POLICY)
        assert (timed_event(out.status) is None) == (out.next_action_at is None)
        status = out.status
