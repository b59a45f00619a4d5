"""An invitation's outbox items outside the invitation's own transactions.

The items live in the invitation's partition (invitations/models.py); the transactions that
create them together with an invitation's move are invitation_store.py's. Here: reading an
item with its invitation, the stream's batched creation of invitation messages, the sender's
claim and what ends it (sent - only ever with the provider's id - released, skipped), and
the due keys through which the sweep finds a message that was not sent in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.invitations.models import InvitationItem, OutboxItem
from chalicelib.shared.domain.due import due_keys
from chalicelib.shared.domain.sms import SmsLength
from chalicelib.shared.models import Item
from chalicelib.shared.stores.dynamo import get_or_none

#: an invitation's sort key in its partition (InvitationItem.key)
INVITATION_SK = "INV"


@dataclass(frozen=True)
class SentMark:
    """Mark an outbox item sent - only ever with the provider's message id."""

    item: OutboxItem
    provider_id: str
    subject: str | None
    at: datetime
    sms: SmsLength | None = None

    def actions(self) -> list[Action]:
        billing: list[Action] = []
        if self.sms is not None:
            billing = [OutboxItem.sms_parts.set(self.sms.parts),
                       OutboxItem.sms_encoding.set(self.sms.encoding)]
        return [*billing, OutboxItem.status.set("sent"),
                OutboxItem.provider_message_id.set(self.provider_id),
                OutboxItem.subject.set(self.subject or ""),
                OutboxItem.sent_at.set(self.at),
                OutboxItem.claim_until.remove(),
                OutboxItem.due_pk.remove(), OutboxItem.due_sk.remove()]


class OutboxStore:
    def __init__(self, due_shards: int) -> None:
        self._due_shards = due_shards

    def get(self, pk: str, sk: str) -> OutboxItem | None:
        return get_or_none(OutboxItem, (pk, sk), True)

    def with_invitation(self, pk: str, sk: str) -> tuple[OutboxItem | None, InvitationItem | None]:
        """An outbox item and its invitation in one strongly consistent Query: both live in
        the invitation's partition (``INV``, ``OUTBOX#*`` and small ``HOOK#*`` markers), so
        one request and one read unit replace two GetItems. Other partitions (digests): the
        item alone."""
        if "#INV#" not in pk:
            return self.get(pk, sk), None
        outbox: OutboxItem | None = None
        invitation: InvitationItem | None = None
        for item in Item.query(pk, consistent_read=True):
            if isinstance(item, OutboxItem) and item.sk == sk:
                outbox = item
            elif isinstance(item, InvitationItem):
                invitation = item
        return outbox, invitation

    def with_invitations(self, keys: Sequence[tuple[str, str]]
                         ) -> dict[tuple[str, str], tuple[OutboxItem | None,
                                                          InvitationItem | None]]:
        """`with_invitation` for a queue batch: every outbox item and its invitation in one
        strongly consistent BatchGetItem per 50 messages (100 keys), instead of one Query per
        message. A read unit an item (the Query read both in one), one request a batch."""
        out: dict[tuple[str, str], tuple[OutboxItem | None, InvitationItem | None]] = {}
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 50):
            chunk = wanted[start:start + 50]
            asked = list(dict.fromkeys(
                [*chunk, *((pk, INVITATION_SK) for pk, _ in chunk if "#INV#" in pk)]))
            found = {(i.pk, i.sk): i for i in Item.batch_get(asked, consistent_read=True)}
            for pk, sk in chunk:
                item = found.get((pk, sk))
                inv = found.get((pk, INVITATION_SK)) if "#INV#" in pk else None
                out[(pk, sk)] = (item if isinstance(item, OutboxItem) else None,
                                 inv if isinstance(inv, InvitationItem) else None)
        return out

    def create_absent(self, items: Sequence[OutboxItem]) -> list[int]:
        """Create the outbox items that do not exist yet: one strongly consistent
        BatchGetItem per 100 keys, then BatchWriteItem (25 a call) for the absent ones,
        instead of a conditional PutItem each. The read stands in for the condition because
        an invitation's message items are only ever created here, from the invitation's
        INSERT record, and Lambda never runs two batches holding one partition key at once:
        nothing can create an item between the read and the write, and a replay finds it
        (sent or not) and leaves it alone. Returns the indexes that failed."""
        if not items:
            return []
        wanted = list(dict.fromkeys((i.pk, i.sk) for i in items))
        existing = {(o.pk, o.sk) for o in OutboxItem.batch_get(
            wanted, consistent_read=True, attributes_to_get=["pk", "sk"])}
        todo: dict[tuple[str, str], OutboxItem] = {}
        for item in items:
            if (item.pk, item.sk) not in existing:
                todo.setdefault((item.pk, item.sk), item)
        try:
            with OutboxItem.batch_write() as batch:
                for item in todo.values():
                    batch.save(item)
        except Exception:  # the records are retried; the items written meanwhile are kept
            return list(range(len(items)))
        return []

    # -- the sender's claim, and what ends it -------------------------------------------
    def claim(self, item: OutboxItem, now: datetime, until: datetime) -> bool:
        """pending (or an abandoned claim) -> sending; False when someone else holds it."""
        condition = (OutboxItem.status == "pending") | (
            (OutboxItem.status == "sending") & (OutboxItem.claim_until < now))
        try:
            item.update(actions=[OutboxItem.status.set("sending"),
                                 OutboxItem.claim_until.set(until),
                                 OutboxItem.attempts.add(1)], condition=condition)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def mark_sent(self, mark: SentMark) -> None:
        mark.item.update(actions=mark.actions(), condition=OutboxItem.status == "sending")

    def release(self, item: OutboxItem, error: str, *, final: bool) -> None:
        actions: list[Action] = [OutboxItem.status.set("failed" if final else "pending"),
                                 OutboxItem.last_error.set(error[:500]),
                                 OutboxItem.claim_until.remove()]
        if final:
            actions += [OutboxItem.due_pk.remove(), OutboxItem.due_sk.remove()]
        item.update(actions=actions, condition=OutboxItem.status == "sending")

    def skip(self, item: OutboxItem, reason: str) -> bool:
        """A pending message that is no longer worth sending: `skipped`, out of the due
        index. False when another sender claimed or sent it meanwhile."""
        try:
            item.update(actions=[OutboxItem.status.set("skipped"),
                                 OutboxItem.last_error.set(reason[:500]),
                                 OutboxItem.due_pk.remove(), OutboxItem.due_sk.remove()],
                        condition=OutboxItem.status == "pending")
        except UpdateError as err:
            if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- the due index: a message not sent in time is found again -----------------------
    def watch(self, item: OutboxItem, at: datetime) -> None:
        """Give a new outbox item due keys: if it is not sent by `at`, the sweep finds it
        again (a lost queue message can never strand a message)."""
        item.due_pk, item.due_sk = due_keys(item.tenant_id, item.item_id, at, self._due_shards)

    def redrive(self, item: OutboxItem, now: datetime, next_check: datetime) -> bool:
        """Re-arm an outbox item that is still unsent (pending, or claimed by a sender whose
        lease ran out); True when it should be queued again. Sent or failed items only
        leave the index."""
        if item.status in ("sent", "failed"):
            item.update(actions=[OutboxItem.due_pk.remove(), OutboxItem.due_sk.remove()])
            return False
        due_pk, due_sk = due_keys(item.tenant_id, item.item_id, next_check, self._due_shards)
        stuck = (OutboxItem.status == "pending") | (
            (OutboxItem.status == "sending") & (OutboxItem.claim_until < now))
        try:
            item.update(actions=[OutboxItem.due_pk.set(due_pk), OutboxItem.due_sk.set(due_sk)],
                        condition=stuck & (OutboxItem.due_sk == item.due_sk))
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False  # being sent right now, or another sweep re-armed it
            raise
        return True
