"""Talent-pool tags and profiles."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.exceptions import (
    PutError,
    PynamoDBException,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.models import CandidateItem, InvitationItem, TenantItem
from chalicelib.invitations.stores.invitation_store import Page
from chalicelib.pool.domain.tag_rules import TagDecision
from chalicelib.pool.models import (
    PoolAuditItem,
    PoolStatsItem,
    ReEngageCapItem,
    ReEngageRuleItem,
    TagItem,
)
from chalicelib.shared.domain.due import instant
from chalicelib.shared.models import Item
from chalicelib.shared.stores.dynamo import (
    cancellation_codes,
    connection,
    decode_cursor,
    encode_cursor,
    get_or_none,
)

MAX_TRANSACTION_ITEMS = 100


@dataclass
class Snapshot:
    """A candidate's pool stats, profile and tags: one Query (sk >= POOL)."""

    stats: PoolStatsItem | None = None
    profile: CandidateItem | None = None
    tags: list[TagItem] = field(default_factory=list)
    cap: ReEngageCapItem | None = None


class PoolStore:
    def put_tag(self, tag: TagItem) -> None:
        """Tags have deterministic keys: writing one twice leaves one tag."""
        tag.save()

    def list_by_tag(self, tenant_id: str, tag: str, campaign_id: str | None, limit: int,
                    cursor: str | None) -> Page:
        hash_key, _ = TagItem.index_keys(tenant_id, tag, "", "")
        condition = None
        if campaign_id:
            condition = TagItem.gsi1sk.startswith(f"{campaign_id}#")
        result = TagItem.gsi1.query(hash_key, range_key_condition=condition, limit=limit,
                                    last_evaluated_key=decode_cursor(cursor))
        return Page(list(result), encode_cursor(result.last_evaluated_key))

    def profiles(self, tenant_id: str, candidate_ids: Sequence[str]) -> dict[str, CandidateItem]:
        keys = [CandidateItem.key(tenant_id, c) for c in dict.fromkeys(candidate_ids)]
        return {c.candidate_id: c for c in CandidateItem.batch_get(keys)}

    def profile(self, tenant_id: str, candidate_id: str) -> CandidateItem | None:
        return get_or_none(CandidateItem, CandidateItem.key(tenant_id, candidate_id))

    # -- rules, tags, snapshots (the stream-driven talent pool) --------------------------------
    def put_tags_once(self, items: Sequence[TagItem]) -> tuple[list[bool], list[int]]:
        """A stream batch's rule tags, each written once (condition: no such item), up to
        100 per transaction. A refused transaction is retried without the tags that exist (a
        replay, or a tag HR removed: left as is), so a replayed batch costs two calls, not
        one per tag; any other refusal falls back to one put per tag. The same key twice is
        written once (the first). Returns, per item, whether it was written now, and the
        indexes that could not be written (their records are retried)."""
        written = [False] * len(items)
        failed: list[int] = []
        seen: set[tuple[str, str]] = set()
        todo: list[int] = []
        for index, item in enumerate(items):
            if (item.pk, item.sk) not in seen:
                seen.add((item.pk, item.sk))
                todo.append(index)
        def write(chunk: list[int]) -> None:
            for _ in range(3):
                if len(chunk) < 2:
                    break
                try:
                    with TransactWrite(connection=connection()) as tx:
                        for i in chunk:
                            tx.save(items[i], condition=TagItem.pk.does_not_exist())
                except TransactWriteError as err:
                    codes = cancellation_codes(err)
                    if len(codes) != len(chunk) or any(
                            c not in (None, "ConditionalCheckFailed") for c in codes):
                        break
                    chunk = [i for i, c in zip(chunk, codes, strict=True) if c is None]
                    continue
                for i in chunk:
                    written[i] = True
                return
            for i in chunk:
                try:
                    written[i] = self._put_once(items[i])
                except PynamoDBException:
                    failed.append(i)

        chunks = [todo[start:start + MAX_TRANSACTION_ITEMS]
                  for start in range(0, len(todo), MAX_TRANSACTION_ITEMS)]
        with ThreadPoolExecutor(max_workers=4) as pool:  # distinct items: side by side
            list(pool.map(write, chunks))
        failed.sort()
        return written, failed

    def put_rule_tag(self, tenant_id: str, candidate_id: str, d: TagDecision) -> bool:
        return self._put_once(rule_tag(tenant_id, candidate_id, d))

    def _put_once(self, item: TagItem) -> bool:
        """Written once: a replay, or a tag HR removed (kept with removed_at), is left as is."""
        try:
            item.save(condition=TagItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def put_manual_tag(self, tag: TagItem, audit: PoolAuditItem) -> None:
        """A tag added by hand (replaces an earlier manual one) and its audit record."""
        with TransactWrite(connection=connection()) as tx:
            tx.save(tag)
            tx.save(audit)

    def remove_tags(self, tags: Sequence[TagItem], audit: PoolAuditItem, at: datetime,
                    key_id: str) -> None:
        """Removed, not deleted: out of the tag index, and a rule replay cannot bring it back."""
        with TransactWrite(connection=connection()) as tx:
            for tag in tags:
                tx.update(tag, actions=[TagItem.removed_at.set(at),
                                        TagItem.removed_by.set(key_id),
                                        TagItem.gsi1pk.remove(), TagItem.gsi1sk.remove()])
            tx.save(audit)

    def mark_opted_out(self, profile: CandidateItem, now: datetime) -> None:
        profile.update(actions=[CandidateItem.opted_out_at.set(now)])

    def snapshot_or_none(self, tenant_id: str, candidate_id: str) -> Snapshot | None:
        """`snapshot`; None when the read failed (the caller reads again)."""
        try:
            return self.snapshot(tenant_id, candidate_id)
        except PynamoDBException:
            return None

    def snapshot(self, tenant_id: str, candidate_id: str, consistent: bool = False) -> Snapshot:
        pk, _ = PoolStatsItem.key(tenant_id, candidate_id)
        result = Item.query(pk, Item.sk >= "POOL", consistent_read=consistent)
        snap = Snapshot()
        for item in result:
            if isinstance(item, PoolStatsItem):
                snap.stats = item
            elif isinstance(item, CandidateItem):
                snap.profile = item
            elif isinstance(item, TagItem):
                snap.tags.append(item)
            elif isinstance(item, ReEngageCapItem):
                snap.cap = item
        return snap

    def tag_page(self, tenant_id: str, tag: str, campaign_id: str | None, limit: int,
                 cursor: dict[str, Any] | None) -> tuple[list[TagItem], dict[str, Any] | None]:
        """One page of the tag index (the driving tag of a segment query)."""
        hash_key, _ = TagItem.index_keys(tenant_id, tag, "", "")
        condition = TagItem.gsi1sk.startswith(f"{campaign_id}#") if campaign_id else None
        result = TagItem.gsi1.query(hash_key, range_key_condition=condition, limit=limit,
                                    last_evaluated_key=cursor)
        items = [t for t in result if isinstance(t, TagItem)]
        return items, result.last_evaluated_key

    def claim_reengagement(self, tenant_id: str, candidate_id: str, campaign_id: str,
                           now: datetime, cap_until: datetime, since: datetime) -> bool:
        """Take the candidate's re-invitation slot for `campaign_id`: free when none was
        taken since `since`, or when it was taken for this same campaign (a re-run)."""
        pk, sk = ReEngageCapItem.key(tenant_id, candidate_id)
        item = ReEngageCapItem(pk, sk, tenant_id=tenant_id, candidate_id=candidate_id,
                               campaign_id=campaign_id, last_at=now, expiration=cap_until)
        try:
            item.save(condition=ReEngageCapItem.pk.does_not_exist()
                      | (ReEngageCapItem.last_at < since)
                      | (ReEngageCapItem.campaign_id == campaign_id))
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def put_rule(self, rule: ReEngageRuleItem) -> None:
        rule.save()

    def list_rules(self, tenant_id: str) -> list[ReEngageRuleItem]:
        pk, _ = ReEngageRuleItem.key(tenant_id, "")
        return list(ReEngageRuleItem.query(pk, ReEngageRuleItem.sk.startswith("REENGAGE_RULE#")))

    def delete_rule(self, tenant_id: str, rule_id: str) -> bool:
        rule = get_or_none(ReEngageRuleItem, ReEngageRuleItem.key(tenant_id, rule_id))
        if rule is None:
            return False
        rule.delete()
        return True

    def every_rule(self) -> list[ReEngageRuleItem]:
        gpk, _ = ReEngageRuleItem.index_keys("", "")
        return [r for r in ReEngageRuleItem.gsi1.query(gpk) if isinstance(r, ReEngageRuleItem)]

    def claim_rule_run(self, rule: ReEngageRuleItem, now: datetime, due_before: datetime) -> bool:
        """Mark the rule as run at `now` unless another run did since `due_before`."""
        try:
            rule.update(actions=[ReEngageRuleItem.last_run_at.set(now)],
                        condition=ReEngageRuleItem.last_run_at.does_not_exist()
                        | (ReEngageRuleItem.last_run_at <= due_before))
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def record_run(self, rule: ReEngageRuleItem, result: dict[str, Any]) -> None:
        rule.update(actions=[ReEngageRuleItem.last_result.set(result)])

    def invitations(self, tenant_id: str, invitation_ids: Sequence[str]) -> list[InvitationItem]:
        keys = [InvitationItem.key(tenant_id, i) for i in dict.fromkeys(invitation_ids)]
        return list(InvitationItem.batch_get(keys))

    def audit_trail(self, tenant_id: str, candidate_id: str) -> list[PoolAuditItem]:
        pk, _ = PoolStatsItem.key(tenant_id, candidate_id)
        return list(PoolAuditItem.query(pk, PoolAuditItem.sk.startswith("AUDIT#")))

    def rules(self, tenant_id: str) -> dict[str, Any] | None:
        tenant = get_or_none(TenantItem, TenantItem.key(tenant_id))
        return tenant.pool_rules if tenant else None

    def replace_rules(self, tenant_id: str, rules: dict[str, Any]) -> None:
        pk, sk = TenantItem.key(tenant_id)
        TenantItem(pk, sk).update(actions=[TenantItem.pool_rules.set(rules)],
                                  condition=TenantItem.pk.exists())


def rule_tag(tenant_id: str, candidate_id: str, d: TagDecision) -> TagItem:
    pk, sk = TagItem.key(tenant_id, candidate_id, d.tag, d.scope)
    gpk, gsk = TagItem.index_keys(tenant_id, d.tag, d.scope, candidate_id)
    return TagItem(pk, sk, tenant_id=tenant_id, candidate_id=candidate_id, tag=d.tag,
                   campaign_id=d.scope, invitation_id=d.invitation_id, source=d.source,
                   reason=d.reason, created_at=d.at, expires_at=d.expires_at,
                   expiration=d.expires_at, gsi1pk=gpk, gsi1sk=gsk)


def audit_item(tenant_id: str, candidate_id: str, action: str, tag: str, key_id: str,
               why: str | None, at: datetime) -> PoolAuditItem:
    pk, sk = PoolAuditItem.key(tenant_id, candidate_id, instant(at), action, tag)
    return PoolAuditItem(pk, sk, tenant_id=tenant_id, candidate_id=candidate_id, action=action,
                         tag=tag, key_id=key_id, why=why, at=at)
