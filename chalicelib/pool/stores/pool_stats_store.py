"""Per-candidate behaviour sums and the cooperation score, kept from the stream.

Exactly once per stream record: each record's sums are ADDed in one transaction with a marker
keyed by (item, version); a replayed record finds its marker and adds nothing. A stream batch
is packed into transactions of up to 100 items (markers + one update per candidate), which
also set each candidate's new score (read before, guarded by its `events` count).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.pool.models import PoolStatsItem
from chalicelib.shared.models import MarkerItem
from chalicelib.shared.stores.dynamo import cancellation_codes, connection, get_or_none

MARKER_TTL = timedelta(days=7)  # the stream keeps records 24 h: replays cannot be older
MAX_PER_TRANSACTION = 99
PACK_THREADS = 4  # a batch's packs touch distinct candidates: written side by side

#: scaled sums (PoolStatsItem.scaled_sums) -> (score, components); given by the service
Scorer = Callable[[dict[str, float]], tuple[float, dict[str, float]]]


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


@dataclass(frozen=True)
class AddResult:
    failed: list[int]  # indexes of deltas not added: their records are retried
    unscored: list[tuple[str, str]]  # (tenant, candidate) whose score is still to compute


class PoolStatsStore:
    def get(self, tenant_id: str, candidate_id: str) -> PoolStatsItem | None:
        return get_or_none(PoolStatsItem, PoolStatsItem.key(tenant_id, candidate_id),
                           consistent=True)

    def add_many(self, deltas: Sequence[BehaviourDelta], now: datetime,
                 scorer: Scorer | None = None) -> AddResult:
        """Add a batch's deltas exactly once. Candidates are packed into transactions of up to
        100 items (their markers + one update each): a stream batch of 100 records costs a few
        calls, not one per record. With a `scorer`, the touched candidates' stats are read
        first (BatchGetItem, consistent) and each update also sets the new score, guarded by
        the `events` count read (a concurrent writer makes the guard fail: that candidate is
        left for `unscored`). A refused transaction is retried without what it refused (a
        marker that exists: a replayed record, counted before; a failed guard: no score), so a
        replay costs a transaction or two, not one per record; any other refusal falls back to
        one delta at a time. Returns the indexes of deltas that could not be added (their
        records are retried) and the candidates still to be rescored."""
        groups: dict[tuple[str, str], list[int]] = {}
        for index, d in enumerate(deltas):
            groups.setdefault((d.tenant_id, d.candidate_id), []).append(index)
        chunks = [indexes[start:start + MAX_PER_TRANSACTION]
                  for indexes in groups.values()
                  for start in range(0, len(indexes), MAX_PER_TRANSACTION)]
        # a candidate split over several chunks is rescored afterwards (its guard would move)
        single = {k for k, indexes in groups.items() if len(indexes) <= MAX_PER_TRANSACTION}
        before: dict[tuple[str, str], PoolStatsItem] = {}
        if scorer is not None:
            before = {(str(s.tenant_id), str(s.candidate_id)): s
                      for s in self.get_many(list(groups))}
        packs: list[list[list[int]]] = [[]]
        size = 0
        for chunk in chunks:
            if size + len(chunk) + 1 > MAX_PER_TRANSACTION + 1:
                packs.append([])
                size = 0
            packs[-1].append(chunk)
            size += len(chunk) + 1
        failed: list[int] = []
        scored: set[tuple[str, str]] = set()

        def write(pack: list[list[int]]) -> set[tuple[str, str]] | None:
            want = {_key(deltas[c[0]]) for c in pack} & single if scorer else set()
            return self._write_pack(deltas, pack, now, scorer, before, want)

        packs = [p for p in packs if p]
        with ThreadPoolExecutor(max_workers=PACK_THREADS) as pool:  # distinct candidates
            results = list(pool.map(write, packs))
        for pack, done in zip(packs, results, strict=True):
            if done is not None:
                scored |= done
                continue
            for i in (i for c in pack for i in c):
                try:
                    self._write([[deltas[i]]], now, single=True)
                except TransactWriteError:
                    failed.append(i)
        bad = set(failed)
        unscored = [k for k, indexes in groups.items()
                    if k not in scored and any(i not in bad for i in indexes)]
        return AddResult(failed, unscored)

    def _write_pack(self, deltas: Sequence[BehaviourDelta], pack: Sequence[Sequence[int]],
                    now: datetime, scorer: Scorer | None,
                    before: dict[tuple[str, str], PoolStatsItem],
                    want: set[tuple[str, str]]) -> set[tuple[str, str]] | None:
        """One pack: markers + one update per candidate (+ its score when wanted). Refused
        markers (counted before) and guards are dropped and the rest retried. Returns the
        candidates scored, or None when refused for another reason."""
        groups = [(_key(deltas[c[0]]), list(c)) for c in pack]
        want = set(want)
        for _ in range(3):
            markers: list[tuple[int, MarkerItem]] = []
            updates: list[tuple[tuple[str, str], list[Action], Condition | None]] = []
            for key, indexes in groups:
                for i in indexes:
                    mpk, msk = MarkerItem.key(deltas[i].marker[0], f"POOL#{deltas[i].marker[1]}")
                    markers.append((i, MarkerItem(mpk, msk, expiration=now + MARKER_TTL)))
                actions = _actions([deltas[i] for i in indexes]) if indexes else []
                condition: Condition | None = None
                stats = before.get(key)
                if scorer is not None and key in want and (indexes or stats is not None):
                    sums = stats.scaled_sums() if stats else {}
                    for i in indexes:
                        for kind, value in deltas[i].sums.items():
                            sums[kind] = sums.get(kind, 0.0) + value
                    value, components = scorer(sums)
                    actions += _score_actions(key, value, components, now)
                    condition = (PoolStatsItem.events == stats.events
                                 if stats is not None and stats.events is not None
                                 else PoolStatsItem.events.does_not_exist())
                if actions:
                    updates.append((key, actions, condition))
            if not markers and not updates:
                return set()
            try:
                with TransactWrite(connection=connection()) as tx:
                    for _, marker in markers:
                        tx.save(marker, condition=MarkerItem.pk.does_not_exist())
                    for key, actions, condition in updates:
                        tx.update(PoolStatsItem(*PoolStatsItem.key(*key)), actions=actions,
                                  condition=condition)
            except TransactWriteError as err:
                codes = cancellation_codes(err)
                if len(codes) != len(markers) + len(updates) or any(
                        c not in (None, "ConditionalCheckFailed") for c in codes):
                    return None
                counted = {i for (i, _), c in zip(markers, codes, strict=False)
                           if c == "ConditionalCheckFailed"}
                want -= {key for (key, _, _), c in zip(updates, codes[len(markers):],
                                                       strict=True)
                         if c == "ConditionalCheckFailed"}
                groups = [(key, [i for i in indexes if i not in counted])
                          for key, indexes in groups]
                continue
            return {key for key, _, condition in updates if condition is not None}
        return None

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
        PoolStatsItem(pk, sk).update(
            actions=_score_actions((tenant_id, candidate_id), value, components, at))

    def each_saved(self, save: Callable[[PoolStatsItem], None], items: Sequence[PoolStatsItem],
                   threads: int) -> bool:
        """Run `save` for every item, `threads` at a time; False when a table write failed."""
        try:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(save, items))
        except PynamoDBException:
            return False
        return True

    def by_score(self, tenant_id: str, limit: int) -> list[PoolStatsItem]:
        """The best-scored candidates first."""
        gpk, _ = PoolStatsItem.score_index_keys(tenant_id, 0, "")
        return [s for s in PoolStatsItem.gsi1.query(gpk, scan_index_forward=False, limit=limit)
                if isinstance(s, PoolStatsItem)]


def _key(d: BehaviourDelta) -> tuple[str, str]:
    return d.tenant_id, d.candidate_id


def _score_actions(key: tuple[str, str], value: float, components: dict[str, float],
                   at: datetime) -> list[Action]:
    """The score, when it was computed, and the candidate's place in the pool-by-score index."""
    gpk, gsk = PoolStatsItem.score_index_keys(key[0], value, key[1])
    return [PoolStatsItem.score.set(value), PoolStatsItem.score_components.set(components),
            PoolStatsItem.score_at.set(at), PoolStatsItem.gsi1pk.set(gpk),
            PoolStatsItem.gsi1sk.set(gsk)]


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
