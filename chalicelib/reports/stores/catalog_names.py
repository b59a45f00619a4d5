"""Names of positions and campaigns for report rows (aggregates carry only ids)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.invitations.models import CampaignItem, PositionItem

BATCH = 100  # BatchGetItem's limit of keys


class CatalogNames:
    def positions(self, tenant_id: str, position_ids: Iterable[str]) -> dict[str, str]:
        """position id -> title (BatchGetItem, 100 keys a call); unknown ids are left out."""
        keys = [PositionItem.key(tenant_id, p) for p in dict.fromkeys(position_ids)]
        found: dict[str, str] = {}
        for start in range(0, len(keys), BATCH):
            for item in PositionItem.batch_get(keys[start:start + BATCH]):
                found[str(item.position_id)] = str(item.title)
        return found

    def campaigns(self, tenant_id: str,
                  campaign_ids: Iterable[str]) -> dict[str, tuple[str, str | None, str]]:
        """campaign id -> (name, owner email, position id)."""
        keys = [CampaignItem.key(tenant_id, c) for c in dict.fromkeys(campaign_ids)]
        found: dict[str, tuple[str, str | None, str]] = {}
        for start in range(0, len(keys), BATCH):
            for item in CampaignItem.batch_get(keys[start:start + BATCH]):
                found[str(item.campaign_id)] = (str(item.name), item.owner_email,
                                                str(item.position_id))
        return found
