"""Applying one event to one invitation, with optimistic locking and retry.

Shared by the webhook, the sweep and the sender: read the invitation, ask the pure state
machine, write the outcome and its side items in one conditional transaction; on a version
conflict, read again and decide again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.invitations.domain.invitation import (
    Event,
    Outcome,
    Policy,
    Status,
    apply,
    timed_event,
)
from chalicelib.invitations.domain.policy_text import policy_from_text
from chalicelib.invitations.domain.reminders import (
    DEFAULT_POLICY,
    ReminderPolicy,
    RoundPlan,
    next_action,
    plan_rounds,
    policy_from_json,
    zone_of,
)
from chalicelib.invitations.models import InvitationItem
from chalicelib.invitations.stores.invitation_store import (
    InvitationStore,
    TransitionWrite,
    TxResult,
)
from chalicelib.invitations.stores.outbox_store import SentMark
from chalicelib.shared.models import Item, MarkerItem

MAX_ATTEMPTS = 4

#: Builds the items to write with an outcome: (must-not-exist items, plain items).
SideItems = Callable[[InvitationItem, Outcome], tuple[list[Item], list[Item]]]


@dataclass(frozen=True)
class Applied:
    result: TxResult
    before: Status | None
    outcome: Outcome | None
    invitation: InvitationItem | None


def policy_of(inv: InvitationItem) -> ReminderPolicy:
    if inv.policy:
        return policy_from_text(inv.policy)
    if inv.reminder_policy:
        return policy_from_json(inv.reminder_policy)
    return replace(DEFAULT_POLICY, grace=timedelta(hours=int(inv.grace_hours)))


def outbox_kind(kind: str, epoch: int) -> str:
    """Outbox ids are per deadline epoch: after an extension, round 2 is a new message."""
    return kind if epoch == 0 else f"e{epoch}-{kind}"


def with_rounds(inv: InvitationItem, outcome: Outcome, rounds_done: int,
                now: datetime) -> Outcome:
    """The outcome, its next action moved to the next reminder round when that is earlier -
    and never before `now`: a due key in an hour the sweep has already passed would never be
    read again (a round already overdue is due right away instead)."""
    policy = policy_of(inv)
    at = next_action(outcome.status, rounds_done, policy, inv.deadline_at, zone_of(inv.timezone))
    return replace(outcome, next_action_at=max(at, now) if at is not None else None)


Build = Callable[[InvitationItem], "TransitionWrite | None"]


def retrying(store: InvitationStore, inv: InvitationItem | None, build: Build,
              reload: Callable[[], InvitationItem | None] | None) -> Applied:
    for _ in range(MAX_ATTEMPTS):
        if inv is None:
            return Applied(TxResult.CONFLICT, None, None, None)
        before = Status(inv.status)
        write = build(inv)
        if write is None:  # nothing to write
            return Applied(TxResult.APPLIED, before, None, inv)
        result = store.transition(write)
        if result is not TxResult.CONFLICT:
            return Applied(result, before, write.outcome, inv)
        inv = reload() if reload else None
    return Applied(TxResult.CONFLICT, None, None, inv)


def apply_event(store: InvitationStore, inv: InvitationItem | None, event: Event,
                at: datetime, *, side_items: SideItems | None = None,
                marker: MarkerItem | None = None, score: float | None = None,
                sent: SentMark | None = None,
                reload: Callable[[], InvitationItem | None] | None = None,
                now: datetime | None = None) -> Applied:
    """Apply `event` (which happened at `at`; received `now`) to `inv`; re-read with
    `reload` and retry on a version conflict."""

    def build(current: InvitationItem) -> TransitionWrite | None:
        before = Status(current.status)
        outcome = apply(before, event, deadline=current.deadline_at, at=at,
                        policy=Policy(policy_of(current).grace))
        outcome = with_rounds(current, outcome, int(current.rounds_done or 0), now or at)
        new_items, plain = side_items(current, outcome) if side_items else ([], [])
        if not outcome.changed and marker is None and not new_items and not plain and not sent:
            return None
        return TransitionWrite(current, outcome, at, new_items, plain, marker, score, sent)

    applied = retrying(store, inv, build, reload)
    if applied.outcome is None and applied.result is TxResult.APPLIED and applied.invitation:
        current = applied.invitation
        unchanged = Outcome(Status(current.status), False, None)
        return replace(applied, outcome=unchanged)
    return applied


@dataclass(frozen=True)
class Timers:
    """What the sweep did to one invitation: its status move and the rounds it claimed."""

    outcome: Outcome
    plan: RoundPlan


def advance_timers(store: InvitationStore, inv: InvitationItem, now: datetime,
                   outbox: Callable[[InvitationItem, RoundPlan], list[Item]],
                   reload: Callable[[], InvitationItem | None]) -> tuple[Applied, Timers | None]:
    """Fire what is due at `now`: the deadline or the end of grace, and reminder rounds. The
    rounds are claimed (rounds_done moves on) in the same conditional transaction that
    creates their outbox items, so each round is claimed once."""
    done: list[Timers] = []

    def build(current: InvitationItem) -> TransitionWrite | None:
        done.clear()
        policy = policy_of(current)
        before = Status(current.status)
        outcome = Outcome(before, False, None)
        # several timers may be overdue after an outage (deadline, then end of grace)
        while (event := timed_event(outcome.status)) is not None:
            step = apply(outcome.status, event, deadline=current.deadline_at, at=now,
                         policy=Policy(policy.grace))
            if not step.changed:
                break
            outcome = Outcome(step.status, True, step.next_action_at)
        zone = zone_of(current.timezone)
        rounds_before = int(current.rounds_done or 0)
        plan = plan_rounds(outcome.status, rounds_before, policy, current.deadline_at, now, zone)
        moved = plan.rounds_done != rounds_before
        outcome = with_rounds(current, outcome, plan.rounds_done, now)
        done.append(Timers(outcome, plan))
        if not outcome.changed and not moved:
            return None
        # how far the candidate got: a vendor's later word re-attributes the inferred reason
        fields = {"no_show_from": before.value} if outcome.status is Status.NO_SHOW \
            and before is not Status.NO_SHOW else {}
        return TransitionWrite(current, outcome, now, outbox(current, plan), [],
                               rounds_done=plan.rounds_done if moved else None, fields=fields)

    applied = retrying(store, inv, build, reload)
    return applied, (done[0] if done else None)
