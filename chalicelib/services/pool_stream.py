"""The talent pool's reactions to the table stream: tags by rule, behaviour sums, scores.

Per record (`handle`): an invitation change (old image -> new image) is evaluated by the
tenant's tag rules (domain/tag_rules.py); each tag is written once under a deterministic key
(conditional put), so a replayed stream leaves the same tags. The behaviour the change shows
(domain/cooperation.py) becomes a `BehaviourDelta`, collected by the trigger for the whole
batch. Per batch (`apply`): the deltas are added exactly once (a marker per record version),
then each touched candidate's cooperation score is recomputed and stored.

Sources: invitation images (status, reason), candidate images (opted_out_at), outbox images
(delivered_at from SES).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException

from chalicelib.adapters.models import (
    CandidateItem,
    InvitationItem,
    OutboxItem,
    PoolStatsItem,
    from_image,
)
from chalicelib.adapters.pool_stats_store import BehaviourDelta, PoolStatsStore
from chalicelib.adapters.pool_store import PoolStore
from chalicelib.domain import cooperation, tag_rules
from chalicelib.domain.due import instant
from chalicelib.domain.errors import DomainError
from chalicelib.domain.tag_rules import InvitationChange, TagRules

RULES_CACHE = timedelta(minutes=1)
RESCORE_THREADS = 4  # the score updates are independent: a few in flight at once


@dataclass(frozen=True)
class PoolHandled:
    done: str
    delta: BehaviourDelta | None = None


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
        if (isinstance(new, OutboxItem) and new.delivered_at is not None
                and not (isinstance(old, OutboxItem) and old.delivered_at is not None)):
            return self._delivered(new)
        return PoolHandled("ignored")

    def _invitation_changed(self, new: InvitationItem, old: InvitationItem | None,
                            at: datetime) -> PoolHandled:
        change = InvitationChange(
            new.campaign_id, new.invitation_id, old.status if old else None, new.status,
            old.reason if old else None, new.reason, new.status_changed_at, at)
        done: list[str] = []
        if change.became_no_show or change.reason_given:
            rules = self.rules(new.tenant_id, at)
            snap = self._pool.snapshot(new.tenant_id, new.candidate_id)
            misses = [t.created_at for t in snap.tags
                      if t.tag == "no_show" and t.campaign_id != new.campaign_id]
            score = None
            if snap.stats is not None and snap.stats.score is not None:
                score = float(snap.stats.score)
            decisions = tag_rules.evaluate(change, misses, score, rules)
            done += self._pool.put_rule_tags(new.tenant_id, new.candidate_id, decisions)
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
        return PoolHandled(",".join(f"tag:{t}" for t in done) or "behaviour", delta)

    def _opted_out(self, new: CandidateItem, at: datetime) -> PoolHandled:
        opted = new.opted_out_at or at
        rules = self.rules(new.tenant_id, at)
        done = self._pool.put_rule_tags(new.tenant_id, new.candidate_id,
                                        tag_rules.opted_out(opted, rules))
        events = [cooperation.Behaviour("opt_out", opted)]
        delta = BehaviourDelta(new.tenant_id, new.candidate_id,
                               (new.pk, f"optout#{instant(opted)}"), cooperation.sums(events),
                               opted, 1, opted_out_at=opted)
        return PoolHandled(",".join(f"tag:{t}" for t in done) or "opt_out", delta)

    def _delivered(self, new: OutboxItem) -> PoolHandled:
        if self._invitation is None or new.delivered_at is None:
            return PoolHandled("ignored")
        inv = self._invitation(new.tenant_id, new.invitation_id)
        if inv is None:
            return PoolHandled("ignored")
        events = [cooperation.Behaviour("delivered", new.delivered_at)]
        delta = BehaviourDelta(new.tenant_id, inv.candidate_id,
                               (new.pk, f"delivered#{new.kind}#{new.channel}"),
                               cooperation.sums(events), new.delivered_at, 1)
        return PoolHandled("delivered", delta)

    def apply(self, deltas: Sequence[BehaviourDelta], at: datetime) -> list[int]:
        """Add the batch's behaviour exactly once, then rescore each touched candidate (one
        BatchGetItem per 100, the score updates a few at a time). Returns the indexes of
        deltas that failed (their records are retried)."""
        failed = self._stats.add_many(deltas, at)
        bad = set(failed)
        touched = list(dict.fromkeys((d.tenant_id, d.candidate_id)
                                     for i, d in enumerate(deltas) if i not in bad))
        found = [s for start in range(0, len(touched), 100)
                 for s in self._stats.get_many(touched[start:start + 100])]

        def save(stats: PoolStatsItem) -> None:
            result = cooperation.from_totals(cooperation.decayed(stats.scaled_sums(), at))
            self._stats.save_score(str(stats.tenant_id), str(stats.candidate_id), result.value,
                                   result.components, at)

        try:
            with ThreadPoolExecutor(max_workers=RESCORE_THREADS) as pool:
                list(pool.map(save, found))
        except PynamoDBException:
            # the sums are in (exactly once); retrying the records finds their markers and
            # only rescores
            return list(range(len(deltas)))
        return failed
