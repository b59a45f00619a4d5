"""The talent pool: candidates by tag (e.g. the no-show group of a campaign)."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.pool_store import PoolStore
from chalicelib.domain.errors import ValidationFailed
from chalicelib.services.views import pool_view


class TalentPoolService:
    def __init__(self, store: PoolStore) -> None:
        self._store = store

    def candidates(self, tenant_id: str, tag: str | None, campaign_id: str | None,
                   limit: int, cursor: str | None) -> dict[str, Any]:
        if not tag:
            raise ValidationFailed("tag is required", code="missing_tag")
        page = self._store.list_by_tag(tenant_id, tag, campaign_id, limit, cursor)
        profiles = self._store.profiles(tenant_id, [t.candidate_id for t in page.items])
        return {"items": [pool_view(t, profiles.get(t.candidate_id)) for t in page.items],
                "next_cursor": page.next_cursor}
