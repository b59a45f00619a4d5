"""The talent pool's reactions to the table stream: tags by rule, behaviour sums, scores.

The trigger works one batch at a time (`PoolBatch`). Before the records are handled, the
snapshots (stats + tags) of the candidates whose records the tag rules will evaluate are read
in the background, a few at a time. Per record (`handle`): an invitation change (old image ->
new image) is evaluated by the tenant's tag rules (pool/domain/tag_rules.py) against that snapshot
plus the tags the batch's earlier records decided; the tags (deterministic keys) are returned,
not written. The behaviour the change shows (pool/domain/cooperation.py) becomes a
`BehaviourDelta`. Per batch: `write_tags` writes the batch's tags once each (conditional, up
to 100 per transaction), so a replayed stream leaves the same tags; `apply` adds the deltas
exactly once (a marker per record version) and stores each touched candidate's new score in
the same transactions.

Sources: invitation images (status, reason), candidate images (opted_out_at), outbox images
(delivered_at and the first clicked_at, from SES events).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.models import CandidateItem, InvitationItem, OutboxItem
from chalicelib.pool.domain import cooperation, tag_rules
from chalicelib.pool.domain.tag_rules import InvitationChange, TagRules
from chalicelib.pool.models import PoolStatsItem, TagItem
from chalicelib.pool.stores.pool_stats_store import BehaviourDelta, PoolStatsStore
from chalicelib.pool.stores.pool_store import PoolStore, Snapshot, rule_tag
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import DomainError
from chalicelib.shared.models import from_image

RULES_CACHE = timedelta(minutes=1)
RESCORE_THREADS = 4  # the score updates are independent: a few in flight at once
SNAPSHOT_THREADS = 8  # a batch's candidate snapshots are read a few at a time


@dataclass(frozen=True)
class PoolHandled:
    done: str
    delta: BehaviourDelta | None = None
    tags: tuple[TagItem, ...] = ()  # decided, written by PoolBatch.write_tags


class PoolStreamService:
    def __init__(self, pool: PoolStore, stats: PoolStatsStore,
                 invitation: Any = None) -> None:
        self._pool = pool
        self._stats = stats
        #: (tenant, invitation id) -> InvitationItem | None (for outbox deliveries)
        self._invitation = invitation
        self._rules: dict[str, tuple[datetime, TagRules]] = {}

    def rules(self, tenant_id: str, at: datetime) -> TagRules:
        """The tenant's rules, cached a minute (a stream batch is mostly one tenant)."""
        cached = self._rules.get(tenant_id)
        if cached is not None and abs(at - cached[0]) < RULES_CACHE:
            return cached[1]
        if len(self._rules) > 1000:
            self._rules.clear()
        try:
            rules = TagRules.from_json(self._pool.rules(tenant_id))
        except DomainError:  # stored rules the code no longer accepts: the defaults
            rules = TagRules()
        self._rules[tenant_id] = (at, rules)
        return rules

    @property
    def pool(self) -> PoolStore:
        return self._pool

    def batch(self) -> PoolBatch:
        """The talent-pool work of one stream batch (see PoolBatch)."""
        return PoolBatch(self)

    def changed(self, new: InvitationItem, old: InvitationItem | None,
                 at: datetime) -> InvitationChange:
        return InvitationChange(
            new.campaign_id, new.invitation_id, old.status if old else None, new.status,
            old.reason if old else None, new.reason, new.status_changed_at, at)

    def message_event(self, new: OutboxItem, kind: str, at: datetime | None) -> PoolHandled:
        """A message was delivered or clicked (`kind`), once per outbox item and kind."""
        if self._invitation is None or at is None:
            return PoolHandled("ignored")
        inv = self._invitation(new.tenant_id, new.invitation_id)
        if inv is None:
            return PoolHandled("ignored")
        events = [cooperation.Behaviour(kind, at)]
        delta = BehaviourDelta(new.tenant_id, inv.candidate_id,
                               (new.pk, f"{kind}#{new.kind}#{new.channel}"),
                               cooperation.sums(events), at, 1)
        return PoolHandled(kind, delta)

    def apply(self, deltas: Sequence[BehaviourDelta], at: datetime) -> list[int]:
        """Add the batch's behaviour exactly once and store each touched candidate's new score
        in the same transactions (the stats are read once before, one BatchGetItem per 100).
        Candidates that could not be scored there (a concurrent writer, a replay falling back
        to one record at a time) are read again and rescored one update each, a few at a
        time. Returns the indexes of deltas that failed (their records are retried)."""

        def scorer(sums: dict[str, float]) -> tuple[float, dict[str, float]]:
            result = cooperation.from_totals(cooperation.decayed(sums, at))
            return result.value, result.components

        added = self._stats.add_many(deltas, at, scorer)
        if not added.unscored:
            return added.failed
        found = [s for start in range(0, len(added.unscored), 100)
                 for s in self._stats.get_many(added.unscored[start:start + 100])]

        def save(stats: PoolStatsItem) -> None:
            value, components = scorer(stats.scaled_sums())
            self._stats.save_score(str(stats.tenant_id), str(stats.candidate_id), value,
                                   components, at)

        if not self._stats.each_saved(save, found, RESCORE_THREADS):
            # the sums are in (exactly once); retrying the records finds their markers and
            # only rescores
            return list(range(len(deltas)))
        return added.failed


class PoolBatch:
    """One stream batch: `prefetch` reads, concurrently, the snapshots of the candidates whose
    records the tag rules will evaluate (instead of one Query per record, in turn); `handle`
    decides each record's tags from that snapshot (plus the tags this batch decided before
    it, as a sequential run would have read them) and returns them unwritten; `write_tags`
    writes the batch's tags together (conditional, up to 100 per transaction); `apply` adds
    the behaviour and rescoring. Replay-safe like the per-record version: tag keys are
    deterministic and each tag is written only if absent."""

    def __init__(self, service: PoolStreamService) -> None:
        self._service = service
        self._pool = service.pool
        self._snaps: dict[tuple[str, str], Snapshot] = {}
        self._reads: dict[tuple[str, str], Future[Snapshot | None]] = {}
        self._tenant_rules: dict[str, TagRules] = {}

    def prefetch(self, records: Sequence[dict[str, Any]]) -> None:
        """Start reading, in the background, the snapshot of each candidate whose record the
        tag rules will evaluate (a no-show, a reason given); `handle` waits for it."""
        wanted: dict[tuple[str, str], None] = {}
        for record in records:
            raw = record.get("dynamodb", {})
            new_image, old_image = raw.get("NewImage") or {}, raw.get("OldImage") or {}
            if not _rules_apply(new_image, old_image):
                continue
            new = from_image(new_image)
            if isinstance(new, InvitationItem):
                wanted[(new.tenant_id, new.candidate_id)] = None
        keys = [k for k in wanted if k not in self._reads]
        if not keys:
            return
        pool = ThreadPoolExecutor(max_workers=SNAPSHOT_THREADS)
        for key in keys:
            self._reads[key] = pool.submit(self._pool.snapshot_or_none, *key)
        pool.shutdown(wait=False)  # the reads already queued still run

    def _snapshot(self, tenant_id: str, candidate_id: str) -> Snapshot:
        key = (tenant_id, candidate_id)
        if key not in self._snaps:
            read = self._reads.pop(key, None)
            snap = read.result() if read is not None else None  # None: read again below
            self._snaps[key] = snap or self._pool.snapshot(tenant_id, candidate_id)
        return self._snaps[key]

    def _rules(self, tenant_id: str, at: datetime) -> TagRules:
        """Read once per batch and tenant (then the service's one-minute cache)."""
        if tenant_id not in self._tenant_rules:
            self._tenant_rules[tenant_id] = self._service.rules(tenant_id, at)
        return self._tenant_rules[tenant_id]

    def _decided(self, tenant_id: str, candidate_id: str,
                 decisions: Sequence[tag_rules.TagDecision]) -> tuple[TagItem, ...]:
        items = tuple(rule_tag(tenant_id, candidate_id, d) for d in decisions)
        snap = self._snaps.get((tenant_id, candidate_id))
        if snap is not None:  # later records of this batch see them, as if written already
            known = {t.sk for t in snap.tags}
            snap.tags += [t for t in items if t.sk not in known]
        return items

    def handle(self, event_name: str, new_image: dict[str, Any] | None,
               old_image: dict[str, Any] | None, at: datetime) -> PoolHandled:
        new = from_image(new_image) if new_image else None
        old = from_image(old_image) if old_image else None
        if isinstance(new, InvitationItem):
            return self._invitation_changed(new, old if isinstance(old, InvitationItem) else None,
                                            at)
        if isinstance(new, CandidateItem) and new.opted_out_at is not None:
            before = old.opted_out_at if isinstance(old, CandidateItem) else None
            if before is None:
                return self._opted_out(new, at)
        if isinstance(new, OutboxItem):
            sent = old if isinstance(old, OutboxItem) else None
            if new.delivered_at is not None and (sent is None or sent.delivered_at is None):
                return self._service.message_event(new, "delivered", new.delivered_at)
            if new.clicked_at is not None and (sent is None or sent.clicked_at is None):
                return self._service.message_event(new, "clicked", new.clicked_at)
        return PoolHandled("ignored")

    def _invitation_changed(self, new: InvitationItem, old: InvitationItem | None,
                            at: datetime) -> PoolHandled:
        change = self._service.changed(new, old, at)
        tags: tuple[TagItem, ...] = ()
        if change.became_no_show or change.reason_given:
            rules = self._rules(new.tenant_id, at)
            snap = self._snapshot(new.tenant_id, new.candidate_id)
            misses = [t.created_at for t in snap.tags  # a no_show removed by hand: not one
                      if t.tag == "no_show" and t.campaign_id != new.campaign_id
                      and t.removed_at is None]
            score = None
            if snap.stats is not None and snap.stats.score is not None:
                score = float(snap.stats.score)
            decisions = tag_rules.evaluate(change, misses, score, rules)
            tags = self._decided(new.tenant_id, new.candidate_id, decisions)
        events = cooperation.behaviour_of_change(
            change.old_status, change.new_status, change.old_reason, change.new_reason,
            new.created_at, new.status_changed_at, at)
        delta = None
        if events or old is None:
            delta = BehaviourDelta(
                new.tenant_id, new.candidate_id, (new.pk, str(new.version)),
                cooperation.sums(events), max([e.at for e in events] or [new.created_at]),
                len(events), new.campaign_id if old is None else None,
                new.position_id if old is None else None)
        return PoolHandled(",".join(f"tag:{t.tag}" for t in tags) or "behaviour", delta, tags)

    def _opted_out(self, new: CandidateItem, at: datetime) -> PoolHandled:
        opted = new.opted_out_at or at
        rules = self._rules(new.tenant_id, at)
        tags = self._decided(new.tenant_id, new.candidate_id, tag_rules.opted_out(opted, rules))
        events = [cooperation.Behaviour("opt_out", opted)]
        delta = BehaviourDelta(new.tenant_id, new.candidate_id,
                               (new.pk, f"optout#{instant(opted)}"), cooperation.sums(events),
                               opted, 1, opted_out_at=opted)
        return PoolHandled(",".join(f"tag:{t.tag}" for t in tags) or "opt_out", delta, tags)

    def write_tags(self, tags: Sequence[TagItem]) -> list[int]:
        """The batch's rule tags, written once each; returns the indexes that failed."""
        _, failed = self._pool.put_tags_once(tags)
        return failed

    def apply(self, deltas: Sequence[BehaviourDelta], at: datetime) -> list[int]:
        return self._service.apply(deltas, at)


def _rules_apply(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """From the raw images, without parsing them: an invitation turning no_show, or given a
    reason (InvitationChange.became_no_show / reason_given)."""
    if (new.get("entity") or {}).get("S") != "invitation":
        return False
    status = (new.get("status") or {}).get("S")
    reason = (new.get("reason") or {}).get("S")
    return (status == "no_show" and (old.get("status") or {}).get("S") != "no_show") or (
        bool(reason) and reason != (old.get("reason") or {}).get("S"))
