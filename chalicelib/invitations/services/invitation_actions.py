"""HR actions on invitations: cancel, extend the deadline, resend the invitation.

Each invitation is handled on its own (one conditional transaction each) and reported on its
own, so one wrong id does not stop the others. Extending re-plans the reminder rounds from the
new deadline (rounds whose new moment has already passed are skipped, not sent late) and opens
a new outbox epoch, so a round can go out again for the new deadline; resending also queues
the invitation message again - with the new deadline in it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.invitations.domain.invitation import Event, Outcome, Status, extended_status
from chalicelib.invitations.domain.reminders import next_action, round_time, zone_of
from chalicelib.invitations.models import InvitationItem, OutboxItem
from chalicelib.invitations.services.transitions import (
    apply_event,
    outbox_kind,
    policy_of,
    retrying,
)
from chalicelib.invitations.stores.invitation_store import (
    InvitationStore,
    TransitionWrite,
    TxResult,
)
from chalicelib.invitations.stores.outbox_store import OutboxStore
from chalicelib.shared.domain.due import REDRIVE_AFTER
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed
from chalicelib.shared.models import Item

ACTIONS = ("cancel", "extend", "resend")
MAX_IDS = 100


def fresh_window(inv: InvitationItem, now: datetime) -> datetime:
    """Resending without a new deadline gives the candidate the invitation's full window again
    (the link's expiry is reset - not left at a deadline that has already passed)."""
    return max(inv.deadline_at, now + (inv.deadline_at - inv.created_at))


class InvitationActions:
    def __init__(self, store: InvitationStore, outbox: OutboxStore) -> None:
        self._store = store
        self._outbox = outbox

    def run(self, tenant_id: str, action: str, invitation_ids: list[str],
            deadline: datetime | None, now: datetime) -> dict[str, Any]:
        if action not in ACTIONS:
            raise ValidationFailed(f"action must be one of {', '.join(ACTIONS)}",
                                   code="invalid_action")
        if not invitation_ids or len(invitation_ids) > MAX_IDS:
            raise ValidationFailed(f"give 1 to {MAX_IDS} invitation_ids",
                                   code="invalid_invitation_ids")
        if action == "extend" and deadline is None:
            raise Unprocessable("deadline_at is required to extend", code="missing_deadline")
        if deadline is not None and deadline <= now:
            raise Unprocessable("deadline_at must be in the future", code="invalid_deadline")
        results = [self._one(tenant_id, action, inv_id, deadline, now)
                   for inv_id in dict.fromkeys(invitation_ids)]
        return {"action": action, "results": results}

    def _one(self, tenant_id: str, action: str, inv_id: str, deadline: datetime | None,
             now: datetime) -> dict[str, Any]:
        inv = self._store.get(tenant_id, inv_id)
        if inv is None:
            return {"invitation_id": inv_id, "result": "not_found"}

        def reload() -> InvitationItem | None:
            return self._store.get(tenant_id, inv_id)

        if action == "cancel":
            applied = apply_event(self._store, inv, Event.CANCELLED, now, reload=reload)
            ok = applied.outcome is not None and applied.outcome.status is Status.CANCELLED
        else:
            applied = retrying(self._store, inv, lambda current: self._extend(
                current, deadline or fresh_window(current, now), now,
                resend=action == "resend"), reload)
            ok = applied.result is TxResult.APPLIED and applied.outcome is not None
        if applied.result is TxResult.CONFLICT:
            return {"invitation_id": inv_id, "result": "conflict"}
        status = applied.outcome.status.value if applied.outcome else inv.status
        return {"invitation_id": inv_id, "result": "done" if ok else "not_allowed",
                "status": status}

    def _extend(self, inv: InvitationItem, deadline: datetime, now: datetime, *,
                resend: bool) -> TransitionWrite | None:
        before = Status(inv.status)
        status = extended_status(before, deadline, now)
        if status is None:
            return None
        policy, zone = policy_of(inv), zone_of(inv.timezone)
        # rounds whose moment (for the new deadline) has passed are skipped, not sent late
        rounds_done = sum(1 for i in range(len(policy.rounds))
                          if round_time(policy, i, deadline, zone) <= now)
        at = next_action(status, rounds_done, policy, deadline, zone)
        outcome = Outcome(status, status is not before, max(at, now) if at else None)
        epoch = int(inv.epoch or 0) + 1
        items: list[Item] = []
        if resend:
            for channel in map(str, inv.channels):
                pk, sk = OutboxItem.key(inv.tenant_id, inv.invitation_id,
                                        outbox_kind("invite", epoch), channel)
                item = OutboxItem(pk, sk, tenant_id=inv.tenant_id,
                                  invitation_id=inv.invitation_id,
                                  kind=outbox_kind("invite", epoch), channel=channel,
                                  template="invite", created_at=now)
                self._outbox.watch(item, now + REDRIVE_AFTER)
                items.append(item)
        # the stored deadline moves with the write, so the outcome is computed against it
        inv.deadline_at = deadline
        return replace(TransitionWrite(inv, outcome, now, items, []), rounds_done=rounds_done,
                       deadline=deadline)
