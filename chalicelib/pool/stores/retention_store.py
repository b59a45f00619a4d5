"""The retention clock on profiles, and the daily job's reads of its sparse index."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.invitations.domain.retention import partition
from chalicelib.invitations.models import CandidateItem
from chalicelib.pool.models import RetentionStateItem
from chalicelib.shared.stores.due_reads import due_items
from chalicelib.shared.stores.dynamo import get_or_none


class RetentionStore:
    def watermark(self) -> str | None:
        item = get_or_none(RetentionStateItem, RetentionStateItem.key(), True)
        return item.watermark if item else None

    def set_watermark(self, day: str) -> None:
        RetentionStateItem(*RetentionStateItem.key(), watermark=day).save()

    def due(self, day: str, shard: int, until: str) -> Iterator[CandidateItem]:
        """Profiles of one day and shard whose clock ran out at or before `until`."""
        for item in due_items(partition(day, shard), until):
            if isinstance(item, CandidateItem):
                yield item

    def profile(self, tenant_id: str, candidate_id: str) -> CandidateItem | None:
        return get_or_none(CandidateItem, CandidateItem.key(tenant_id, candidate_id), True)

    def profiles(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], CandidateItem]:
        """Profiles by (tenant, candidate), strongly consistent, 100 keys a BatchGetItem."""
        wanted = [CandidateItem.key(t, c) for t, c in dict.fromkeys(keys)]
        return {(p.tenant_id, p.candidate_id): p
                for p in CandidateItem.batch_get(wanted, consistent_read=True)}

    def touch(self, profile: CandidateItem, at: datetime, due: tuple[str, str] | None) -> bool:
        """Restart the clock at `at` unless it already ran from later (replays and
        out-of-order records leave it alone) or the profile was erased meanwhile."""
        actions: list[Action] = [CandidateItem.last_activity_at.set(at)]
        if due is None:
            actions += [CandidateItem.due_pk.remove(), CandidateItem.due_sk.remove()]
        else:
            actions += [CandidateItem.due_pk.set(due[0]), CandidateItem.due_sk.set(due[1])]
        condition = (CandidateItem.erased_at.does_not_exist()
                     & (CandidateItem.last_activity_at.does_not_exist()
                        | (CandidateItem.last_activity_at < at)))
        try:
            profile.update(actions=actions, condition=condition)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def refile(self, profile: CandidateItem, due: tuple[str, str]) -> None:
        """Not due after all (the tenant's period grew): file it under its new day."""
        profile.update(actions=[CandidateItem.due_pk.set(due[0]),
                                CandidateItem.due_sk.set(due[1])],
                       condition=CandidateItem.due_sk == profile.due_sk)
