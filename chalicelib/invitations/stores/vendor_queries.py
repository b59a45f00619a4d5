"""What the reconciliation poller reads: every tenant, and a tenant's open invitations
(campaigns on gsi1 T#<t>#CAMPAIGNS, then each open status's partition of the status index)."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.invitations.domain.invitation import OPEN, Status
from chalicelib.invitations.models import CampaignItem, InvitationItem, TenantItem
from chalicelib.shared.models import tenant_pk

#: still able to hear from the vendor: open, or a no-show (a late completion counts)
POLLED = tuple(sorted(s.value for s in OPEN | {Status.NO_SHOW}))


def tenants() -> Iterator[TenantItem]:
    hash_key, _ = TenantItem.registry_keys("")
    for item in TenantItem.gsi1.query(hash_key):
        if isinstance(item, TenantItem):
            yield item


def open_invitations(tenant_id: str) -> Iterator[InvitationItem]:
    for campaign in CampaignItem.gsi1.query(f"{tenant_pk(tenant_id)}#CAMPAIGNS"):
        if not isinstance(campaign, CampaignItem):
            continue
        for status in POLLED:
            hash_key, _ = InvitationItem.status_index_keys(tenant_id, campaign.campaign_id,
                                                           status, "")
            for item in InvitationItem.gsi1.query(hash_key):
                if isinstance(item, InvitationItem):
                    yield item
