"""Positions and campaigns."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import UpdateError
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

    def settle_closing(self, campaign: CampaignItem, due: tuple[str, str] | None) -> bool:
        """After a step of ending a closed campaign's open invitations: file the next step at
        `due`, or (None) leave the due index - unless the due keys moved meanwhile. False
        when they had moved (the sweep that moved them owns the item now)."""
        actions: list[Action] = ([CampaignItem.due_pk.set(due[0]), CampaignItem.due_sk.set(due[1])]
                                 if due else [CampaignItem.due_pk.remove(),
                                              CampaignItem.due_sk.remove()])
        try:
            campaign.update(actions=actions, condition=CampaignItem.due_sk == campaign.due_sk)
        except UpdateError as err:
            if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True
