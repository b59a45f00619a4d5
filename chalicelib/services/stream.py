"""Reactions to the table's change stream. Every one is idempotent, because the stream
delivers at least once:

- a new invitation gets its invitation message(s) in the outbox (deterministic ids);
- a new outbox item is handed to the SQS outbox queue (the sender ignores items already sent);
- every invitation status change moves its campaign's counts once (marker per version);
- an invitation that turns no_show goes into its campaign's digest (talent-pool tags:
  services/pool_stream.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from chalicelib.adapters.catalog_store import CatalogStore
from chalicelib.adapters.counts_store import CountDelta, CountsStore
from chalicelib.adapters.invitation_store import InvitationStore
from chalicelib.adapters.models import (
    DigestItem,
    InvitationItem,
    OutboxItem,
    from_image,
)
from chalicelib.adapters.pool_store import PoolStore
from chalicelib.domain.due import REDRIVE_AFTER
from chalicelib.domain.invitation import Status
from chalicelib.domain.ports import MessageQueue

DIGEST_HOUR = 9  # the morning after, in the tenant's time zone


@dataclass(frozen=True)
class Handled:
    done: str
    #: the status move to count; counted for the whole batch at once (see count())
    delta: CountDelta | None = None
    #: an outbox item to hand to the queue; sent for the whole batch at once (see enqueue())
    message: dict[str, str] | None = None


class StreamService:
    def __init__(self, invitations: InvitationStore, counts: CountsStore, pool: PoolStore,
                 queue: MessageQueue, catalog: CatalogStore,
                 zone_of_tenant: Callable[[str], tzinfo] | None = None) -> None:
        self._zone = zone_of_tenant or (lambda _tenant: UTC)  # the digest's morning
        self._catalog = catalog
        self._invitations = invitations
        self._counts = counts
        self._pool = pool
        self._queue = queue

    def handle(self, event_name: str, new_image: dict[str, Any] | None,
               old_image: dict[str, Any] | None, at: datetime) -> Handled:
        """Handle one change; returns what was done and what is left to count."""
        new = from_image(new_image) if new_image else None
        old = from_image(old_image) if old_image else None
        if isinstance(new, InvitationItem):
            return self._invitation_changed(new, old if isinstance(old, InvitationItem) else None,
                                            at)
        if isinstance(new, OutboxItem) and event_name == "INSERT":
            return Handled("to_enqueue", message={"pk": new.pk, "sk": new.sk})
        return Handled("ignored")

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]:
        """Hand outbox items to the queue (SendMessageBatch, 10 a call); returns the indexes
        that failed. A duplicate message is harmless: the sender skips items already sent."""
        return self._queue.enqueue_many(list(messages))

    def _digest(self, inv: InvitationItem) -> bool:
        """The campaign owner's digest for the day the invitation turned no_show (one item
        per campaign and day, due the next morning at DIGEST_HOUR UTC)."""
        campaign = self._catalog.get_campaign(inv.tenant_id, inv.campaign_id)
        if campaign is None or not campaign.owner_email:
            return False
        zone = self._zone(inv.tenant_id)
        changed = inv.status_changed_at.astimezone(zone)  # the tenant's day and morning
        day = changed.strftime("%Y-%m-%d")
        due = datetime.combine(changed.date() + timedelta(days=1), time(DIGEST_HOUR),
                               zone).astimezone(UTC)
        pk, sk = DigestItem.key(inv.tenant_id, inv.campaign_id, day)
        item = DigestItem(pk, sk, tenant_id=inv.tenant_id, campaign_id=inv.campaign_id,
                          day=day, owner_email=campaign.owner_email, created_at=changed)
        item.due_pk, item.due_sk = self._invitations.due_keys_for(inv.tenant_id, item.item_id,
                                                                  due)
        return self._invitations.put_if_absent(item)

    def count(self, deltas: Sequence[CountDelta], at: datetime) -> list[int]:
        """Count a batch's status moves, exactly once each; returns the failed indexes."""
        return self._counts.apply_many(deltas, at)

    def _invitation_changed(self, new: InvitationItem, old: InvitationItem | None,
                            at: datetime) -> Handled:
        before = Status(old.status) if old else None
        after = Status(new.status)
        done = []
        delta = None
        if before != after:
            delta = CountDelta(new.tenant_id, new.campaign_id, new.pk, int(new.version or 0),
                               before, after)
        if old is None:
            # dated by the invitation itself, not by the record: DynamoDB Streams round
            # ApproximateCreationDateTime down to the second (and a local writer may run on
            # another clock), so the record time can be before the invitation was created
            created = new.created_at
            for channel in map(str, new.channels):
                pk, sk = OutboxItem.key(new.tenant_id, new.invitation_id, "invite", channel)
                item = OutboxItem(pk, sk, tenant_id=new.tenant_id,
                                  invitation_id=new.invitation_id, kind="invite",
                                  channel=channel, created_at=created)
                self._invitations.watch_outbox(item, created + REDRIVE_AFTER)
                self._invitations.put_if_absent(item)
            done.append("outbox")
        # the no_show tag and the other pool tags: services/pool_stream.py (tag rules)
        if after is Status.NO_SHOW and before is not Status.NO_SHOW and self._digest(new):
            done.append("digest")
        return Handled(",".join(done) or ("to_count" if delta else "ignored"), delta)
