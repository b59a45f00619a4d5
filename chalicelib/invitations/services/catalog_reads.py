"""What an HR console reads and changes on positions and campaigns: pages of them (newest
first, filtered by status and position) and a campaign's name, owner, interviewers and
early close."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.invitations.models import CampaignItem
from chalicelib.invitations.services.campaign_closing import closing_item_id
from chalicelib.invitations.services.catalog import check_interviewer_emails
from chalicelib.invitations.services.views import campaign_view, position_view
from chalicelib.invitations.stores import console_queries as queries
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.shared.domain.contacts import ContactProblem, normalise_email
from chalicelib.shared.domain.due import due_keys
from chalicelib.shared.domain.errors import Conflict, NotFound, ValidationFailed

CAMPAIGN_STATUSES = ("open", "closed")


class CatalogReads:
    def __init__(self, store: CatalogStore, due_shards: int = 1) -> None:
        self._store = store
        self._shards = due_shards

    def positions(self, tenant_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        page = queries.positions(tenant_id, limit, cursor)
        return {"items": [position_view(p) for p in page.items], "next_cursor": page.next_cursor}

    def campaigns(self, tenant_id: str, limit: int, cursor: str | None, *,
                  status: str | None = None, position_id: str | None = None,
                  only: tuple[str, ...] | None = None) -> dict[str, Any]:
        """`only`: the campaigns an interviewer key may see (None: all of the tenant's)."""
        if status is not None and status not in CAMPAIGN_STATUSES:
            raise ValidationFailed("status must be open or closed", code="invalid_status")

        def keep(item: CampaignItem) -> bool:
            return ((status is None or (item.closed_at is not None) == (status == "closed"))
                    and (position_id is None or item.position_id == position_id)
                    and (only is None or item.campaign_id in only))

        page = queries.campaigns(tenant_id, limit, cursor, keep)
        return {"items": [campaign_view(c) for c in page.items], "next_cursor": page.next_cursor}

    def update_campaign(self, tenant_id: str, campaign_id: str, changes: dict[str, Any],
                        now: datetime) -> dict[str, Any]:
        if not changes:
            raise ValidationFailed("give at least one of name, owner_email, "
                                   "interviewer_emails, closed",
                                   code="empty_update")
        campaign = self._store.get_campaign(tenant_id, campaign_id, consistent=True)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        actions: list[Action] = []
        if "name" in changes:
            if not changes["name"]:  # `"name": null` used to blank the campaign's name
                raise ValidationFailed("name must be 1-200 characters", code="invalid_name")
            actions.append(CampaignItem.name.set(changes["name"]))
        if "owner_email" in changes:
            owner = changes["owner_email"]
            if owner is None:
                actions.append(CampaignItem.owner_email.remove())
            else:
                checked = normalise_email(owner)
                if isinstance(checked, ContactProblem):
                    raise ValidationFailed(f"owner_email: {checked.message}",
                                           code="invalid_owner_email")
                actions.append(CampaignItem.owner_email.set(checked))
        if "interviewer_emails" in changes:
            interviewers = check_interviewer_emails(changes["interviewer_emails"])
            actions.append(CampaignItem.interviewer_emails.set(interviewers)  # type: ignore[arg-type]
                           if interviewers else CampaignItem.interviewer_emails.remove())
        if "closed" in changes and not isinstance(changes["closed"], bool):
            raise ValidationFailed("closed is true or false", code="invalid_closed")
        if changes.get("closed") is False and campaign.closed_at is not None:
            raise Conflict("a closed campaign stays closed (create a new one)",
                           code="cannot_reopen")
        if changes.get("closed") and campaign.closed_at is None:
            # closed early: the sweep ends its open invitations (services/campaign_closing.py),
            # filed in the due index by the same write that closes it
            due_pk, due_sk = due_keys(tenant_id, closing_item_id(campaign_id), now, self._shards)
            actions += [CampaignItem.closed_at.set(now), CampaignItem.due_pk.set(due_pk),
                        CampaignItem.due_sk.set(due_sk)]
        if actions:
            self._store.update_campaign(campaign, actions)
        return campaign_view(campaign)
