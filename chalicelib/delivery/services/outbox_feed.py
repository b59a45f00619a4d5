"""Delivery's stream consumer. Every reaction is idempotent, because the stream delivers at
least once:

- a new invitation gets its invitation message(s) in the outbox (deterministic ids);
- a new outbox item is handed to the SQS outbox queue (the sender ignores items already
  sent), for the whole batch at once;
- an invitation that turns no_show goes into its campaign's digest (one per campaign and day,
  due the next morning in the tenant's time zone) when the campaign has an owner or
  interviewers or the tenant a chat bot.

Campaign counts: reports/stores/aggregates_store.py (with the funnel); talent-pool tags: pool/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta, tzinfo

from chalicelib.delivery.models import DigestItem
from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.models import CampaignItem, InvitationItem, OutboxItem
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.invitations.stores.outbox_store import OutboxStore
from chalicelib.shared.domain.due import REDRIVE_AFTER
from chalicelib.shared.domain.ports import MessageQueue
from chalicelib.shared.fanout import Pending, StreamRecord

DIGEST_HOUR = 9  # the morning after, in the tenant's time zone


class OutboxFeed:
    def __init__(self, invitations: InvitationStore, outbox: OutboxStore, queue: MessageQueue,
                 catalog: CatalogStore,
                 zone_of_tenant: Callable[[str], tzinfo] | None = None,
                 has_chat_bot: Callable[[str], bool] | None = None) -> None:
        self._zone = zone_of_tenant or (lambda _tenant: UTC)  # the digest's morning
        self._has_chat_bot = has_chat_bot or (lambda _tenant: False)
        self._bots: dict[str, bool] = {}  # per batch (one consumer per stream batch)
        self._campaigns: dict[tuple[str, str], CampaignItem | None] = {}  # per batch too
        self._catalog = catalog
        self._invitations = invitations
        self._outbox = outbox
        self._queue = queue
        self._messages: Pending[dict[str, str]] = Pending()
        self._new_outbox: Pending[OutboxItem] = Pending()

    def collect(self, record: StreamRecord) -> None:
        new, old = record.new, record.old
        if isinstance(new, InvitationItem):
            self._invitation_changed(new, old if isinstance(old, InvitationItem) else None,
                                     record.sequence)
        elif isinstance(new, OutboxItem) and record.event_name == "INSERT":
            self._messages.add(record.sequence, {"pk": new.pk, "sk": new.sk})

    def flush(self, now: datetime) -> list[str]:
        """Create the batch's new invitations' message items (batched, only those absent) and
        hand the batch's new outbox items to the queue (SendMessageBatch, 10 a call). A
        duplicate message is harmless: the sender skips items already sent."""
        return (self._new_outbox.flush(self._outbox.create_absent)
                + self._messages.flush(self._queue.enqueue_many))

    def _invitation_changed(self, new: InvitationItem, old: InvitationItem | None,
                            sequence: str) -> None:
        before = Status(old.status) if old else None
        after = Status(new.status)
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
                self._outbox.watch(item, created + REDRIVE_AFTER)
                self._new_outbox.add(sequence, item)
        if after is Status.NO_SHOW and before is not Status.NO_SHOW:
            self._digest(new)

    def _digest(self, inv: InvitationItem) -> bool:
        """The campaign's digest for the day the invitation turned no_show (one item per
        campaign and day, due the next morning at DIGEST_HOUR in the tenant's zone), if anyone
        hears it: the owner, an interviewer or the tenant's chat bot."""
        key = (inv.tenant_id, inv.campaign_id)
        if key not in self._campaigns:  # a batch's no-shows are mostly one campaign's
            self._campaigns[key] = self._catalog.get_campaign(*key)
        campaign = self._campaigns[key]
        if campaign is None:
            return False
        if not campaign.owner_email and not campaign.interviewer_emails:
            if inv.tenant_id not in self._bots:
                self._bots[inv.tenant_id] = self._has_chat_bot(inv.tenant_id)
            if not self._bots[inv.tenant_id]:
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
