"""Positions and campaigns."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.expressions.update import Action

from chalicelib.invitations.models import CampaignItem, PositionItem
from chalicelib.shared.stores.dynamo import get_or_none


class CatalogStore:
    def add_position(self, position: PositionItem) -> None:
        position.save(condition=PositionItem.pk.does_not_exist())

    def get_position(self, tenant_id: str, position_id: str) -> PositionItem | None:
        return get_or_none(PositionItem, PositionItem.key(tenant_id, position_id))

    def add_campaign(self, campaign: CampaignItem) -> None:
        campaign.save(condition=CampaignItem.pk.does_not_exist())

    def get_campaign(self, tenant_id: str, campaign_id: str,
                     consistent: bool = False) -> CampaignItem | None:
        return get_or_none(CampaignItem, CampaignItem.key(tenant_id, campaign_id), consistent)

    def update_campaign(self, campaign: CampaignItem, actions: Sequence[Action]) -> None:
        """Change fields of an existing campaign (never creates one)."""
        campaign.update(actions=list(actions), condition=CampaignItem.pk.exists())
