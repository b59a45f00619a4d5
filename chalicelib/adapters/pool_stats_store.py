"""Per-candidate behaviour sums and the cooperation score, kept from the stream.

Exactly once per stream record: each record's sums are ADDed in one transaction with a marker
keyed by (item, version); a replayed record finds its marker and adds nothing. A stream batch
writes one transaction per candidate (up to 99 records), not one per record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import cancellation_codes, connection, get_or_none
from chalicelib.adapters.models import MarkerItem, PoolStatsItem

MARKER_TTL = timedelta(days=7)  # the stream keeps records 24 h: replays cannot be older
MAX_PER_TRANSACTION = 99


@dataclass(frozen=True)
class BehaviourDelta:
    """What one stream record adds to one candidate's stats."""

    tenant_id: str
    candidate_id: str
    marker: tuple[str, str]  # MarkerItem key: (item pk, version)
    sums: dict[str, float]
    at: datetime
    events: int = 0
    campaign_id: str | None = None
    position_id: str | None = None
    opted_out_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class PoolStatsStore:
    def get(self, tenant_id: str, candidate_id: str) -> PoolStatsItem | None:
        return get_or_none(PoolStatsItem, PoolStatsItem.key(tenant_id, candidate_id),
                           consistent=True)

    def add_many(self, deltas: Sequence[BehaviourDelta], now: datetime) -> list[int]:
        """Add a batch's deltas exactly once. Candidates are packed into transactions of up to
        100 items (their markers + one update each): a stream batch of 100 records costs a few
        calls, not one per record. A refused transaction (a marker exists: a replay) is redone
        one delta at a time, so the counted ones are skipped. Returns the indexes of deltas
        that could not be added (their records are retried)."""
        failed: list[int] = []
        groups: dict[tuple[str, str], list[int]] = {}
        for index, d in enumerate(deltas):
            groups.setdefault((d.tenant_id, d.candidate_id), []).append(index)
        chunks = [indexes[start:start + MAX_PER_TRANSACTION]
                  for indexes in groups.values()
                  for start in range(0, len(indexes), MAX_PER_TRANSACTION)]
        packs: list[list[list[int]]] = [[]]
        size = 0
        for chunk in chunks:
            if size + len(chunk) + 1 > MAX_PER_TRANSACTION + 1:
                packs.append([])
                size = 0
            packs[-1].append(chunk)
            size += len(chunk) + 1
        for pack in packs:
            if not pack or self._write([[deltas[i] for i in c] for c in pack], now):
                continue
            for i in (i for c in pack for i in c):
                try:
                    self._write([[deltas[i]]], now, single=True)
                except TransactWriteError:
                    failed.append(i)
        return failed

    def _write(self, groups: Sequence[Sequence[BehaviourDelta]], now: datetime,
               single: bool = False) -> bool:
        """One transaction: every delta's marker, one update per candidate group. False when
        refused (or, for a single delta, when it was counted before)."""
        try:
            with TransactWrite(connection=connection()) as tx:
                for deltas in groups:
                    for d in deltas:
                        mpk, msk = MarkerItem.key(d.marker[0], f"POOL#{d.marker[1]}")
                        tx.save(MarkerItem(mpk, msk, expiration=now + MARKER_TTL),
                                condition=MarkerItem.pk.does_not_exist())
                    pk, sk = PoolStatsItem.key(deltas[0].tenant_id, deltas[0].candidate_id)
                    tx.update(PoolStatsItem(pk, sk), actions=_actions(deltas))
        except TransactWriteError as err:
            if not single:
                return False
            codes = cancellation_codes(err)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[PoolStatsItem]:
        """BatchGetItem (consistent): the stats to rescore after a batch."""
        wanted = [PoolStatsItem.key(t, c) for t, c in dict.fromkeys(keys)]
        return [s for s in PoolStatsItem.batch_get(wanted, consistent_read=True)
                if isinstance(s, PoolStatsItem)]

    def save_score(self, tenant_id: str, candidate_id: str, value: float,
                   components: dict[str, float], at: datetime) -> None:
        """The score, and its place in the pool-by-score index (suggestions read it)."""
        pk, sk = PoolStatsItem.key(tenant_id, candidate_id)
        gpk, gsk = PoolStatsItem.score_index_keys(tenant_id, value, candidate_id)
        PoolStatsItem(pk, sk).update(actions=[
            PoolStatsItem.score.set(value), PoolStatsItem.score_components.set(components),
            PoolStatsItem.score_at.set(at), PoolStatsItem.gsi1pk.set(gpk),
            PoolStatsItem.gsi1sk.set(gsk)])

    def by_score(self, tenant_id: str, limit: int) -> list[PoolStatsItem]:
        """The best-scored candidates first."""
        gpk, _ = PoolStatsItem.score_index_keys(tenant_id, 0, "")
        return [s for s in PoolStatsItem.gsi1.query(gpk, scan_index_forward=False, limit=limit)
                if isinstance(s, PoolStatsItem)]


def _actions(deltas: Sequence[BehaviourDelta]) -> list[Action]:
    """One candidate's update: the sums ADDed, campaigns and positions added to the sets."""
    first = deltas[0]
    sums: dict[str, float] = {}
    events = 0
    campaigns: set[str] = set()
    positions: set[str] = set()
    opted: datetime | None = None
    for d in deltas:
        for kind, value in d.sums.items():
            sums[kind] = sums.get(kind, 0.0) + value
        events += d.events
        campaigns |= {d.campaign_id} if d.campaign_id else set()
        positions |= {d.position_id} if d.position_id else set()
        opted = d.opted_out_at or opted
    actions: list[Action] = [
        PoolStatsItem.entity.set(PoolStatsItem),  # an upsert: the discriminator too
        PoolStatsItem.tenant_id.set(first.tenant_id),
        PoolStatsItem.candidate_id.set(first.candidate_id),
        PoolStatsItem.last_activity_at.set(max(d.at for d in deltas))]
    actions += [PoolStatsItem.sum_attribute(k).add(v) for k, v in sums.items() if v]
    if events:
        actions.append(PoolStatsItem.events.add(events))
    if campaigns:
        actions.append(PoolStatsItem.campaigns.add(campaigns))
    if positions:
        actions.append(PoolStatsItem.positions.add(positions))
    if opted is not None:
        actions.append(PoolStatsItem.opted_out_at.set(opted))
    return actions
