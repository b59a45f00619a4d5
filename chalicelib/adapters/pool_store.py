"""Talent-pool tags and profiles."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.adapters.dynamo import decode_cursor, encode_cursor, get_or_none
from chalicelib.adapters.invitation_store import Page
from chalicelib.adapters.models import CandidateItem, TagItem


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
