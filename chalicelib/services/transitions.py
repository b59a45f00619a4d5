"""Applying one event to one invitation, with optimistic locking and retry.

Shared by the webhook, the sweep and the sender: read the invitation, ask the pure state
machine, write the outcome and its side items in one conditional transaction; on a version
conflict, read again and decide again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.adapters.invitation_store import (
    InvitationStore,
    SentMark,
    TransitionWrite,
    TxResult,
)
from chalicelib.adapters.models import InvitationItem, Item, MarkerItem
from chalicelib.domain.invitation import Event, Outcome, Policy, Status, apply

MAX_ATTEMPTS = 4

#: Builds the items to write with an outcome: (must-not-exist items, plain items).
SideItems = Callable[[InvitationItem, Outcome], tuple[list[Item], list[Item]]]


@dataclass(frozen=True)
class Applied:
    result: TxResult
    before: Status | None
    outcome: Outcome | None
    invitation: InvitationItem | None


def policy_of(inv: InvitationItem) -> Policy:
    return Policy(grace=timedelta(hours=int(inv.grace_hours)))


def apply_event(store: InvitationStore, inv: InvitationItem | None, event: Event,
                at: datetime, *, side_items: SideItems | None = None,
                marker: MarkerItem | None = None, score: float | None = None,
                sent: SentMark | None = None,
                reload: Callable[[], InvitationItem | None] | None = None) -> Applied:
    """Apply `event` to `inv`; re-read with `reload` and retry on a version conflict."""
    for _ in range(MAX_ATTEMPTS):
        if inv is None:
            return Applied(TxResult.CONFLICT, None, None, None)
        before = Status(inv.status)
        outcome = apply(before, event, deadline=inv.deadline_at, at=at, policy=policy_of(inv))
        new_items, plain = side_items(inv, outcome) if side_items else ([], [])
        if not outcome.changed and marker is None and not new_items and not plain and not sent:
            return Applied(TxResult.APPLIED, before, outcome, inv)
        write = TransitionWrite(inv, outcome, at, new_items, plain, marker, score, sent)
        result = store.transition(write)
        if result is not TxResult.CONFLICT:
            return Applied(result, before, outcome, inv)
        inv = reload() if reload else None
    return Applied(TxResult.CONFLICT, None, None, inv)
