"""Delivery's due-item consumers (registered with the sweep in bootstrap.py):

- an invitation at its deadline or the end of a grace round moves on (claim, then act: a
  conditional write on its version with its reminder outbox items, services/transitions.py);
- an outbox item not sent in time is queued again (a lost queue message never strands it);
- a campaign's digest is claimed with its messages (one transaction): an email to the owner
  and to each interviewer, and a chat message if the tenant has a chat bot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from chalicelib.delivery.models import DigestItem
from chalicelib.delivery.stores.digest_store import DigestStore
from chalicelib.invitations.domain.invitation import Event
from chalicelib.invitations.domain.reminders import RoundPlan
from chalicelib.invitations.models import CampaignItem, InvitationItem, OutboxItem
from chalicelib.invitations.services.transitions import (
    advance_timers,
    apply_event,
    outbox_kind,
    policy_of,
)
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore, TxResult
from chalicelib.invitations.stores.outbox_store import OutboxStore
from chalicelib.shared.domain.due import REDRIVE_AFTER
from chalicelib.shared.domain.ports import MessageQueue
from chalicelib.shared.fanout import DueOutcome
from chalicelib.shared.models import Item


class InvitationTimers:
    """Deadlines and reminder rounds of invitations. An invitation of a campaign HR closed
    early is cancelled instead (invitations/services/campaign_closing.py ends the rest a page
    at a time; one that comes due first never gets a reminder or turns no_show)."""

    entities: tuple[type[Item], ...] = (InvitationItem,)

    def __init__(self, invitations: InvitationStore, outbox: OutboxStore,
                 closed: Callable[[str, str, datetime], bool] | None = None) -> None:
        self._invitations = invitations
        self._outbox = outbox
        self._closed = closed

    def due(self, inv: InvitationItem, now: datetime) -> DueOutcome:
        if self._closed is not None and self._closed(inv.tenant_id, inv.campaign_id, now):
            return self._cancel(inv, now)

        def outbox(current: InvitationItem, plan: RoundPlan) -> list[Item]:
            policy = policy_of(current)
            items: list[Item] = []
            for index in plan.send:
                reminder = policy.rounds[index]
                kind = outbox_kind(f"round{index + 1}", int(current.epoch or 0))
                for channel in (c for c in reminder.channels if c in current.channels):
                    pk, sk = OutboxItem.key(current.tenant_id, current.invitation_id, kind,
                                            channel)
                    item = OutboxItem(pk, sk, tenant_id=current.tenant_id,
                                      invitation_id=current.invitation_id, kind=kind,
                                      channel=channel, template=reminder.template,
                                      created_at=now)
                    self._outbox.watch(item, now + REDRIVE_AFTER)
                    items.append(item)
            return items

        def reload() -> InvitationItem | None:
            return self._invitations.get(inv.tenant_id, inv.invitation_id)

        applied, timers = advance_timers(self._invitations, inv, now, outbox, reload)
        if applied.result is TxResult.CONFLICT:
            return DueOutcome(False, {"conflicts": 1})
        if timers is None or applied.outcome is None:
            return DueOutcome()
        outcome = DueOutcome(counts={"rounds_sent": len(timers.plan.send),
                                     "rounds_skipped": len(timers.plan.skip)})
        if timers.outcome.changed:
            outcome.counts["transitioned"] = 1
            outcome.statuses[timers.outcome.status.value] = 1
        return outcome

    def _cancel(self, inv: InvitationItem, now: datetime) -> DueOutcome:
        applied = apply_event(self._invitations, inv, Event.CANCELLED, now,
                              reload=lambda: self._invitations.get(inv.tenant_id,
                                                                   inv.invitation_id))
        if applied.result is TxResult.CONFLICT:
            return DueOutcome(False, {"conflicts": 1})
        if applied.outcome is not None and applied.outcome.changed:
            return DueOutcome(counts={"closed_early": 1, "transitioned": 1},
                              statuses={"cancelled": 1})
        return DueOutcome()


class OutboxRedrive:
    """Outbox items still unsent when their check came due: queued again."""

    entities: tuple[type[Item], ...] = (OutboxItem,)

    def __init__(self, outbox: OutboxStore, queue: MessageQueue) -> None:
        self._outbox = outbox
        self._queue = queue

    def due(self, item: OutboxItem, now: datetime) -> DueOutcome:
        if self._outbox.redrive(item, now, now + REDRIVE_AFTER):
            self._queue.enqueue_many([{"pk": item.pk, "sk": item.sk}])
            return DueOutcome(counts={"redriven": 1})
        return DueOutcome()


def digest_recipients(campaign: CampaignItem | None,
                      owner: str | None) -> list[tuple[str, str]]:
    """(outbox kind suffix, address) per digest email: the owner keeps the plain kind
    `digest-<day>` (as before), each interviewer `digest-<day>-<hash of the address>`; an
    address listed twice gets one email."""
    if campaign is not None:  # the campaign as it is now (`owner_email: null` removed it)
        owner = campaign.owner_email
    out: list[tuple[str, str]] = [("", owner)] if owner else []
    seen = {owner}
    for address in map(str, (campaign.interviewer_emails or []) if campaign else []):
        if address not in seen:
            seen.add(address)
            out.append(("-" + hashlib.sha256(address.encode()).hexdigest()[:10], address))
    return out


class DigestSend:
    """A campaign's digest, due the morning after: claimed with its messages, once. The
    recipients are the campaign's when the digest comes due (a PATCH the evening before
    counts), the chat message goes if the tenant has a bot then."""

    entities: tuple[type[Item], ...] = (DigestItem,)

    def __init__(self, outbox: OutboxStore, digests: DigestStore,
                 catalog: CatalogStore | None = None,
                 has_chat_bot: Callable[[str], bool] | None = None) -> None:
        self._outbox = outbox
        self._digests = digests
        self._catalog = catalog
        self._has_chat_bot = has_chat_bot or (lambda _tenant: False)

    def due(self, digest: DigestItem, now: datetime) -> DueOutcome:
        campaign = (self._catalog.get_campaign(digest.tenant_id, digest.campaign_id)
                    if self._catalog is not None else None)
        kind = f"digest-{digest.day}"
        messages = [self._message(digest, kind + suffix, "email", address, now)
                    for suffix, address in digest_recipients(campaign, digest.owner_email)]
        if self._has_chat_bot(digest.tenant_id):
            messages.append(self._message(digest, kind, "chat", None, now))
        if self._digests.claim(digest, messages):
            return DueOutcome(counts={"digests": 1} if messages else {})
        return DueOutcome()

    def _message(self, digest: DigestItem, kind: str, channel: str, recipient: str | None,
                 now: datetime) -> OutboxItem:
        item = OutboxItem(digest.pk, f"OUTBOX#{kind}#{channel}", tenant_id=digest.tenant_id,
                          invitation_id=digest.campaign_id, kind=kind, channel=channel,
                          template="digest", recipient=recipient, created_at=now)
        self._outbox.watch(item, now + REDRIVE_AFTER)
        return item
