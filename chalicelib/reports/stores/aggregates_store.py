"""Funnel aggregates and the campaigns' status counts, kept from the stream, exactly once
per change.

A stream batch's deltas are written together, in transactions of up to 100 items (the
deltas' markers + one ADD update per touched row + one per campaign whose status counts
move). Each delta carries a marker - (invitation, version), (outbox item, event) or
(invitation, "reminded") - written in the same transaction as the ADDs, so a replayed record
finds its marker and changes nothing. An invitation version's marker guards both its funnel
counters and its campaign's status counts: one marker per status move, not one per consumer
(the counts had a consumer and a marker of their own until 2026-12). A chunk refused because
some markers exist is written again without them (the transaction's cancellation reasons
name them); anything else refused is retried delta by delta.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.models import CampaignItem, InvitationItem, OutboxItem
from chalicelib.reports.domain import funnel
from chalicelib.reports.models import AggregateItem, SummaryStateItem
from chalicelib.shared.models import MarkerItem
from chalicelib.shared.stores.dynamo import cancellation_codes, connection, get_or_none

MARKER_TTL = timedelta(days=7)  # the stream keeps records 24 h: replays cannot be older
MAX_ITEMS = 100  # DynamoDB's limit of items in one transaction


@dataclass(frozen=True)
class AggDelta:
    """Counter additions to one aggregate row, guarded by one marker."""

    tenant_id: str
    campaign_id: str
    position_id: str
    channel: str
    day: str
    marker_scope: str
    marker_id: str
    adds: tuple[tuple[str, int], ...]
    keep: timedelta = MARKER_TTL
    #: the campaign's status counts this change moves ((status, +1/-1) pairs)
    counts: tuple[tuple[str, int], ...] = ()

    @property
    def row(self) -> tuple[str, str, str, str, str]:
        return (self.tenant_id, self.campaign_id, self.day, self.position_id, self.channel)

    @property
    def campaign(self) -> tuple[str, str]:
        return (self.tenant_id, self.campaign_id)

    @property
    def marker(self) -> tuple[str, str]:
        return MarkerItem.key(self.marker_scope, self.marker_id)


class AggregatesStore:
    # -- writes -------------------------------------------------------------------------
    def apply_many(self, deltas: Sequence[AggDelta], now: datetime) -> list[int]:
        """Write a batch's deltas; returns the indexes that could not be written (their
        records are retried). Deltas sharing a marker (a record delivered twice in one
        batch) are written once. One transaction holds up to 100 items: markers and the
        updates of the rows they touch (a batch spread over many campaigns and days still
        takes a few transactions, not one per row)."""
        by_marker: dict[tuple[str, str], list[int]] = {}
        for index, delta in enumerate(deltas):
            by_marker.setdefault(delta.marker, []).append(index)
        firsts = sorted((indexes[0] for indexes in by_marker.values()),
                        key=lambda i: deltas[i].row)
        failed: list[int] = []
        for chunk in _packed(deltas, firsts):
            for i in self._write_new(deltas, chunk, now):
                try:
                    self._chunk([deltas[i]], now, raise_errors=True)
                except TransactWriteError:
                    failed += by_marker[deltas[i].marker]
        return sorted(failed)

    def _write_new(self, deltas: Sequence[AggDelta], chunk: list[int],
                   now: datetime) -> list[int]:
        """Write a chunk; when it is refused because some markers exist (a replay), drop
        those (the cancellation reasons name them) and write the rest, a few times over.
        Returns what is left for the one-by-one path (a conflict, an unexplained refusal)."""
        pending = chunk
        for _ in range(3):
            if not pending:
                return []
            try:
                self._commit([deltas[i] for i in pending], now)
                return []
            except TransactWriteError as err:
                codes = cancellation_codes(err)
                seen = {k for k, code in enumerate(codes[:len(pending)])
                        if code == "ConditionalCheckFailed"}
                if not seen:
                    return pending
                pending = [i for k, i in enumerate(pending) if k not in seen]
        return pending

    def _chunk(self, deltas: Sequence[AggDelta], now: datetime,
               raise_errors: bool = False) -> bool:
        try:
            self._commit(deltas, now)
        except TransactWriteError as err:
            if not raise_errors:
                return False
            codes = cancellation_codes(err)
            if codes and codes[0] == "ConditionalCheckFailed":
                return True  # counted before: a replay
            raise
        return True

    def _commit(self, deltas: Sequence[AggDelta], now: datetime) -> None:
        """Markers (must not exist) first, then each touched row's ADDs and each campaign's
        status counts, in one transaction."""
        rows: dict[tuple[str, str, str, str, str], Counter[str]] = {}
        campaigns: dict[tuple[str, str], Counter[str]] = {}
        for d in deltas:
            if d.adds:
                adds = rows.setdefault(d.row, Counter())
                for name, n in d.adds:
                    adds[name] += n
            if d.counts:
                moves = campaigns.setdefault(d.campaign, Counter())
                for status, n in d.counts:
                    moves[status] += n
        with TransactWrite(connection=connection()) as tx:
            for d in deltas:
                mpk, msk = d.marker
                tx.save(MarkerItem(mpk, msk, expiration=now + d.keep),
                        condition=MarkerItem.pk.does_not_exist())
            for row, adds in rows.items():
                tenant_id, campaign_id, day, position_id, channel = row
                pk, sk = AggregateItem.key(*row)
                gpk, gsk = AggregateItem.index_keys(*row)
                actions: list[Action] = [
                    AggregateItem.entity.set(AggregateItem),  # type: ignore[arg-type]
                    AggregateItem.tenant_id.set(tenant_id),
                    AggregateItem.campaign_id.set(campaign_id),
                    AggregateItem.position_id.set(position_id),
                    AggregateItem.channel.set(channel), AggregateItem.day.set(day),
                    AggregateItem.gsi1pk.set(gpk), AggregateItem.gsi1sk.set(gsk),
                    *(AggregateItem.number(name).add(n) for name, n in adds.items() if n)]
                tx.update(AggregateItem(pk, sk), actions=actions, add_version_condition=False)
            for (tenant_id, campaign_id), moves in campaigns.items():
                cpk, csk = CampaignItem.key(tenant_id, campaign_id)
                counted: list[Action] = [CampaignItem.counter(Status(s)).add(n)
                                         for s, n in moves.items() if n]
                if counted:
                    tx.update(CampaignItem(cpk, csk), actions=counted,
                              condition=CampaignItem.pk.exists(), add_version_condition=False)

    # -- reads --------------------------------------------------------------------------
    def campaign_rows(self, tenant_id: str, campaign_id: str, from_day: str | None = None,
                      to_day: str | None = None) -> Iterator[AggregateItem]:
        pk, _ = AggregateItem.key(tenant_id, campaign_id, "", "", "")
        condition = None
        if from_day or to_day:
            condition = AggregateItem.sk.between(from_day or "", (to_day or "9999") + "#\uffff")
        yield from AggregateItem.query(pk, condition)

    def tenant_rows(self, tenant_id: str, from_day: str,
                    to_day: str) -> Iterator[AggregateItem]:
        gpk, _ = AggregateItem.index_keys(tenant_id, "", "", "", "")
        condition = AggregateItem.gsi1sk.between(from_day, to_day + "#\uffff")
        for item in AggregateItem.gsi1.query(gpk, condition):
            if isinstance(item, AggregateItem):
                yield item

    def invitation(self, pk: str) -> InvitationItem | None:
        return get_or_none(InvitationItem, (pk, "INV"))

    def reminder_sent_by(self, invitation_pk: str, at: datetime) -> bool:
        """Whether a reminder message of this invitation was sent at or before `at`."""
        for item in OutboxItem.query(invitation_pk, OutboxItem.sk.startswith("OUTBOX#")):
            if (isinstance(item, OutboxItem) and "round" in item.kind
                    and item.status == "sent" and item.sent_at is not None
                    and item.sent_at <= at):
                return True
        return False

    # -- the summary throttle -----------------------------------------------------------
    def claim_minute(self, tenant_id: str, campaign_id: str, minute: str) -> bool:
        """Take the campaign's summary refresh for `minute`; False if it was taken."""
        pk, sk = SummaryStateItem.key(tenant_id, campaign_id)
        try:
            SummaryStateItem(pk, sk).update(
                actions=[SummaryStateItem.entity.set(SummaryStateItem),  # type: ignore[arg-type]
                         SummaryStateItem.tenant_id.set(tenant_id),
                         SummaryStateItem.campaign_id.set(campaign_id),
                         SummaryStateItem.minute.set(minute)],
                condition=(SummaryStateItem.minute.does_not_exist()
                           | (SummaryStateItem.minute < minute)),
                add_version_condition=False)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def defer(self, tenant_id: str, campaign_id: str, due: tuple[str, str]) -> None:
        """Leave the campaign in the due index: the sweep refreshes its summary then."""
        pk, sk = SummaryStateItem.key(tenant_id, campaign_id)
        SummaryStateItem(pk, sk).update(
            actions=[SummaryStateItem.entity.set(SummaryStateItem),  # type: ignore[arg-type]
                     SummaryStateItem.tenant_id.set(tenant_id),
                     SummaryStateItem.campaign_id.set(campaign_id),
                     SummaryStateItem.due_pk.set(due[0]), SummaryStateItem.due_sk.set(due[1])],
            add_version_condition=False)

    def settle(self, item: SummaryStateItem, due: tuple[str, str] | None) -> bool:
        """Move (`due`) or remove (None) the due keys the sweep found - unless a newer change
        moved them meanwhile (then they stay for that one). False when they had moved."""
        pk, sk = SummaryStateItem.key(item.tenant_id, item.campaign_id)
        actions: list[Action] = ([SummaryStateItem.due_pk.set(due[0]),
                                  SummaryStateItem.due_sk.set(due[1])] if due else
                                 [SummaryStateItem.due_pk.remove(),
                                  SummaryStateItem.due_sk.remove()])
        try:
            SummaryStateItem(pk, sk).update(actions=actions,
                                            condition=SummaryStateItem.due_sk == item.due_sk,
                                            add_version_condition=False)
        except (UpdateError, PutError) as err:
            if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _packed(deltas: Sequence[AggDelta], indexes: Sequence[int]) -> list[list[int]]:
    """Split `indexes` (sorted by row) into transactions of at most MAX_ITEMS items:
    one marker per delta plus one update per distinct row and per campaign counted."""
    chunks: list[list[int]] = []
    chunk: list[int] = []
    rows: set[tuple[str, ...]] = set()
    for i in indexes:
        touched = {deltas[i].row} | ({("campaign", *deltas[i].campaign)}
                                     if deltas[i].counts else set())
        if len(chunk) + 1 + len(rows | touched) > MAX_ITEMS:
            chunks.append(chunk)
            chunk, rows = [], set()
        chunk.append(i)
        rows |= touched
    if chunk:
        chunks.append(chunk)
    return chunks


def totals_of(row: AggregateItem) -> funnel.Totals:
    def n(name: str) -> int:
        return int(getattr(row, name) or 0)

    return funnel.Totals({c: n(f"n_{c}") for c in funnel.COUNTERS},
                         [n(f"h_{i}") for i in range(funnel.HISTOGRAM_SIZE)],
                         {r: n(f"rg_{r}") for r in funnel.GIVEN_REASONS},
                         {r: n(f"ri_{r}") for r in funnel.INFERRED_REASONS},
                         [n(f"rr_{i}") for i in range(1, funnel.ROUNDS + 1)])
