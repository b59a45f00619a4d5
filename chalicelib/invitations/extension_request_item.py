"""A candidate's request for more time waiting for HR: its own item, so HR's queue is one
Query on gsi1 per status (key table in invitations/models.py, which re-exports it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.shared.domain.ids import extension_request_id
from chalicelib.shared.models import Item, tenant_pk

if TYPE_CHECKING:
    from chalicelib.invitations.models import InvitationItem


class ExtensionRequestItem(Item, discriminator="extension_request"):
    """A candidate's request for more time that the automatic approval did not cover
    (delivery/services/self_service.py), queued for HR until approved or denied."""

    tenant_id = UnicodeAttribute()
    request_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    status = UnicodeAttribute()  # pending, approved, denied
    requested_at = UTCDateTimeAttribute()
    deadline_at = UTCDateTimeAttribute()  # the invitation's deadline when it was asked for
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)  # the HR key's id
    new_deadline_at = UTCDateTimeAttribute(null=True)  # approved: the deadline granted
    note = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, request_id: str) -> tuple[str, str]:
        """T#<tenant>#EXTREQ#<request> / EXTREQ"""
        return f"{tenant_pk(tenant_id)}#EXTREQ#{request_id}", "EXTREQ"

    @classmethod
    def queue_keys(cls, tenant_id: str, status: str, requested: str,
                   request_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#EXTREQS#<status> / <requested instant>#<request>: one Query per
        status, newest first when read backwards."""
        return f"{tenant_pk(tenant_id)}#EXTREQS#{status}", f"{requested}#{request_id}"

    @classmethod
    def pending(cls, inv: InvitationItem, now: datetime) -> ExtensionRequestItem:
        """A new request for `inv`, asked at `now` (its id derives from both)."""
        at = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        request_id = extension_request_id(inv.tenant_id, inv.invitation_id, at)
        pk, sk = cls.key(inv.tenant_id, request_id)
        gpk, gsk = cls.queue_keys(inv.tenant_id, "pending", at, request_id)
        return cls(pk, sk, tenant_id=inv.tenant_id, request_id=request_id,
                   invitation_id=inv.invitation_id, campaign_id=inv.campaign_id,
                   candidate_id=inv.candidate_id, status="pending", requested_at=now,
                   deadline_at=inv.deadline_at, gsi1pk=gpk, gsi1sk=gsk)
