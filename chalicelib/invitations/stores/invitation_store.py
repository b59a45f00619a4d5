"""Invitations and the transactions that move them (with the outbox items they cause).

Every state change is a conditional write on the invitation's version, done in one transaction
with whatever it causes (outbox items with deterministic ids, webhook dedupe markers, timeline
events). Two overlapping writers cannot both win; a retry finds the work already done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.domain.invitation import Outcome
from chalicelib.invitations.models import (
    CandidateItem,
    ExtensionRequestItem,
    InvitationItem,
    OutboxItem,
    TimelineItem,
)
from chalicelib.invitations.stores.outbox_store import SentMark
from chalicelib.shared.domain.due import due_keys
from chalicelib.shared.models import Item, MarkerItem
from chalicelib.shared.stores.dynamo import (
    cancellation_codes,
    connection,
    decode_cursor,
    encode_cursor,
    get_or_none,
)

#: TransactWriteItems takes at most 100 items (50 invitation rows with their profiles).
TX_ITEMS = 100


class Created(Enum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the invitation exists (another request, or an earlier one)
    PROFILE_EXISTS = "profile_exists"  # nothing written: merge into the profile, then retry


class TransactionConflict(Exception):
    """A row's transaction kept being cancelled by concurrent ones (retrying is safe)."""


@dataclass
class NewInvitation:
    """A new invitation and, when the candidate has no profile yet, their new profile."""

    invitation: InvitationItem
    profile: CandidateItem | None = None

    def items(self) -> list[Item]:
        return [self.invitation] + ([self.profile] if self.profile is not None else [])


class TxResult(Enum):
    APPLIED = "applied"
    CONFLICT = "conflict"  # the invitation changed since it was read: re-read and retry
    DUPLICATE = "duplicate"  # the marker exists: this already happened


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


@dataclass
class TransitionWrite:
    """One invitation change and what must be written with it, atomically."""

    invitation: InvitationItem
    outcome: Outcome
    at: datetime
    new_items: list[Item] = field(default_factory=list)  # must not exist yet
    plain_items: list[Item] = field(default_factory=list)  # written as they are
    marker: MarkerItem | None = None  # must not exist yet: dedupe
    score: float | None = None  # the vendor's interview score, set with a completion
    sent: SentMark | None = None  # an outbox item to mark sent in the same transaction
    rounds_done: int | None = None  # reminder rounds gone past, when they moved
    deadline: datetime | None = None  # a new deadline (HR extension), with a new epoch
    #: other invitation attributes to set with it (vendor_signal, late_result)
    fields: dict[str, Any] = field(default_factory=dict)


class InvitationStore:
    def __init__(self, due_shards: int,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._due_shards = due_shards
        self._sleep = sleep  # between retries of a row a racing transaction cancelled

    # -- reads ---------------------------------------------------------------------------
    def get(self, tenant_id: str, invitation_id: str,
            consistent: bool = True) -> InvitationItem | None:
        return get_or_none(InvitationItem, InvitationItem.key(tenant_id, invitation_id), consistent)

    def get_with_marker(self, tenant_id: str, invitation_id: str,
                        marker_sk: str) -> tuple[InvitationItem | None, bool]:
        """The invitation and whether its partition holds the marker `marker_sk` (which sorts
        before ``INV``), in one strongly consistent Query from the marker to the invitation."""
        pk, sk = InvitationItem.key(tenant_id, invitation_id)
        invitation: InvitationItem | None = None
        seen = False
        for item in Item.query(pk, Item.sk.between(marker_sk, sk), consistent_read=True):
            if isinstance(item, InvitationItem):
                invitation = item
            elif isinstance(item, MarkerItem) and item.sk == marker_sk:
                seen = True
        return invitation, seen

    def existing_ids(self, tenant_id: str, invitation_ids: Sequence[str]) -> set[str]:
        """Which of these invitations exist (BatchGetItem, 100 keys a call)."""
        keys = [InvitationItem.key(tenant_id, i) for i in invitation_ids]
        found = InvitationItem.batch_get(keys, attributes_to_get=["pk", "sk", "invitation_id"])
        return {item.invitation_id for item in found}

    def list_by_status(self, tenant_id: str, campaign_id: str, status: str, limit: int,
                       cursor: str | None) -> Page:
        hash_key, _ = InvitationItem.status_index_keys(tenant_id, campaign_id, status, "")
        result = InvitationItem.gsi1.query(
            hash_key, limit=limit, last_evaluated_key=decode_cursor(cursor))
        items = list(result)
        return Page(items, encode_cursor(result.last_evaluated_key))

    # -- writes --------------------------------------------------------------------------
    def create_invitations(self, rows: Sequence[NewInvitation],
                           parallel: int = 4) -> dict[str, Created]:
        """Write new invitations (each with its new profile, if any) so that an existing
        invitation is never overwritten, even by a racing request: TransactWriteItems of at
        most 50 rows (100 items), each invitation put only if absent, each profile only if
        absent or erased. A cancelled transaction names the items whose condition failed;
        those rows are settled (`DUPLICATE`: the invitation exists; `PROFILE_EXISTS`: the
        candidate's profile appeared meanwhile, the caller merges into it) and the rest is
        written again, then row by row. A row is written whole or not at all. Returns
        invitation id -> outcome for every row."""
        chunks: list[list[NewInvitation]] = []
        for row in rows:
            if not chunks or sum(len(r.items()) for r in chunks[-1]) + len(row.items()) \
                    > TX_ITEMS:
                chunks.append([])
            chunks[-1].append(row)
        out: dict[str, Created] = {}
        if len(chunks) <= 1:
            for chunk in chunks:
                out.update(self._create_chunk(chunk))
        else:
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                for part in pool.map(self._create_chunk, chunks):  # re-raises a failure
                    out.update(part)
        return out

    def _create_chunk(self, rows: list[NewInvitation]) -> dict[str, Created]:
        out: dict[str, Created] = {}
        pending = rows
        for _ in range(2):  # the chunk, then what its cancellation left unsettled
            if not pending:
                return out
            pending = self._create_together(pending, out)
        for row in pending:  # still cancelled (conflicts): one transaction per row
            out[row.invitation.invitation_id] = self._create_row(row)
        return out

    def _create_row(self, row: NewInvitation, attempts: int = 5) -> Created:
        out: dict[str, Created] = {}
        for attempt in range(attempts):
            if not self._create_together([row], out):
                return out[row.invitation.invitation_id]
            self._sleep(0.02 * 2 ** attempt)  # a racing transaction on the same items
        raise TransactionConflict(f"invitation {row.invitation.invitation_id} kept conflicting")

    def _create_together(self, rows: list[NewInvitation],
                         out: dict[str, Created]) -> list[NewInvitation]:
        """One transaction for `rows`; settles into `out` what it can, returns the rows to
        try again (not written: the transaction was cancelled for another row's sake or by
        a conflicting transaction)."""
        try:
            with TransactWrite(connection=connection()) as tx:
                for row in rows:
                    # a new invitation has no version yet: it is stored as 1
                    tx.save(row.invitation, condition=Item.pk.does_not_exist())
                    if row.profile is not None:
                        tx.save(row.profile, condition=Item.pk.does_not_exist()
                                | CandidateItem.erased_at.exists())
        except TransactWriteError as err:
            codes = cancellation_codes(err)
            if not codes:
                raise
            retry: list[NewInvitation] = []
            position = 0
            for row in rows:
                mine = codes[position:position + len(row.items())]
                position += len(row.items())
                inv_id = row.invitation.invitation_id
                if mine[0] == "ConditionalCheckFailed":
                    out[inv_id] = Created.DUPLICATE
                elif "ConditionalCheckFailed" in mine[1:]:
                    out[inv_id] = Created.PROFILE_EXISTS
                elif all(code in (None, "None", "TransactionConflict") for code in mine):
                    retry.append(row)
                else:
                    raise
            return retry
        for row in rows:
            out[row.invitation.invitation_id] = Created.CREATED
        return []

    def index_fields(self, inv: InvitationItem, outcome: Outcome) -> None:
        """Set the status index and due keys an invitation in `outcome` must carry."""
        inv.gsi1pk, inv.gsi1sk = InvitationItem.status_index_keys(
            inv.tenant_id, inv.campaign_id, outcome.status.value, inv.invitation_id)
        if outcome.next_action_at is None:
            inv.due_pk = inv.due_sk = None
        else:
            inv.due_pk, inv.due_sk = due_keys(inv.tenant_id, inv.invitation_id,
                                              outcome.next_action_at, self._due_shards)

    def transition(self, write: TransitionWrite) -> TxResult:
        """Apply an outcome to an invitation (conditional on its version) with its items."""
        inv, outcome = write.invitation, write.outcome
        with_change = (outcome.changed or write.rounds_done is not None
                       or write.deadline is not None or write.score is not None
                       or bool(write.fields))
        try:
            with TransactWrite(connection=connection()) as tx:
                if write.marker is not None:
                    tx.save(write.marker, condition=MarkerItem.pk.does_not_exist())
                if with_change:
                    self.index_fields(inv, outcome)
                    actions: list[Action] = [
                        InvitationItem.status.set(outcome.status.value),
                        InvitationItem.gsi1pk.set(inv.gsi1pk),
                        InvitationItem.gsi1sk.set(inv.gsi1sk),
                    ]
                    if outcome.changed:
                        actions.append(InvitationItem.status_changed_at.set(write.at))
                    if inv.due_pk is None:
                        actions += [InvitationItem.due_pk.remove(),
                                    InvitationItem.due_sk.remove()]
                    else:
                        actions += [InvitationItem.due_pk.set(inv.due_pk),
                                    InvitationItem.due_sk.set(inv.due_sk)]
                    if write.rounds_done is not None:
                        actions.append(InvitationItem.rounds_done.set(write.rounds_done))
                    if write.deadline is not None:
                        actions += [InvitationItem.deadline_at.set(write.deadline),
                                    InvitationItem.epoch.add(1)]
                    if write.score is not None:
                        actions.append(InvitationItem.score.set(write.score))
                    actions += [getattr(InvitationItem, name).set(value)
                                for name, value in write.fields.items()]
                    tx.update(inv, actions=actions)
                for item in write.new_items:
                    tx.save(item, condition=Item.pk.does_not_exist())
                for item in write.plain_items:
                    tx.save(item)
                if write.sent is not None:
                    tx.update(write.sent.item, actions=write.sent.actions(),
                              condition=OutboxItem.status == "sending",
                              add_version_condition=False)
        except TransactWriteError as err:
            codes = cancellation_codes(err)
            if write.marker is not None and codes and codes[0] == "ConditionalCheckFailed":
                return TxResult.DUPLICATE
            if "ConditionalCheckFailed" in codes or "TransactionConflict" in codes:
                return TxResult.CONFLICT
            raise
        return TxResult.APPLIED

    def put_if_absent(self, item: Item) -> bool:
        """Create `item` unless its key exists; True when created."""
        try:
            item.save(condition=Item.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- what the candidate does on the self-service page (not status moves: no version) ----
    def set_reason(self, inv: InvitationItem, reason: str, text: str | None) -> None:
        text_action = (InvitationItem.reason_text.set(text) if text
                       else InvitationItem.reason_text.remove())
        inv.update(actions=[InvitationItem.reason.set(reason), text_action],
                   add_version_condition=False)

    def count_self_extension(self, inv: InvitationItem) -> None:
        inv.update(actions=[InvitationItem.self_extensions.add(1)],
                   add_version_condition=False)

    def request_extension(self, inv: InvitationItem, now: datetime) -> bool:
        """Queue a request for HR: the invitation's `extension_requested_at` and the request
        item (HR's queue, invitations/stores/extension_store.py), in one transaction. While
        one is pending, asking again changes nothing (False)."""
        request = ExtensionRequestItem.pending(inv, now)
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.update(inv, actions=[InvitationItem.extension_requested_at.set(now)],
                          condition=InvitationItem.extension_requested_at.does_not_exist(),
                          add_version_condition=False)
                tx.save(request, condition=Item.pk.does_not_exist())
        except TransactWriteError as err:
            if "ConditionalCheckFailed" in cancellation_codes(err):
                return False
            raise
        inv.extension_requested_at = now
        return True

    def add_timeline(self, event: TimelineItem) -> None:
        event.save()

    def due_keys_for(self, tenant_id: str, item_id: str, at: datetime) -> tuple[str, str]:
        return due_keys(tenant_id, item_id, at, self._due_shards)
