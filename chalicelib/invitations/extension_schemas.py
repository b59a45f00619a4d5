"""Request and response models of HR's extension-request queue (they feed `/openapi.json`)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from chalicelib.invitations.read_schemas import CandidateBrief
from chalicelib.shared.schemas import Model, StatusName, Strict

RequestStatus = Literal["pending", "approved", "denied"]


class ExtensionApprove(Strict):
    """Approve with `hours` more than the later of the current deadline and now (default
    48), or with an exact `new_deadline_at`; not both."""

    hours: int | None = Field(default=None, ge=1, le=720)
    new_deadline_at: AwareDatetime | None = None


class ExtensionDeny(Strict):
    note: str | None = Field(default=None, max_length=500,
                             description="why (kept with the request, shown to HR only)")


class ExtensionRequest(Model):
    id: str
    status: RequestStatus
    invitation_id: str
    campaign_id: str
    campaign_name: str | None
    candidate_id: str
    candidate: CandidateBrief | None
    requested_at: str
    deadline_at_request: str = Field(description="the invitation's deadline when asked for")
    invitation_status: StatusName | None
    deadline_at: str | None = Field(description="the invitation's deadline now")
    decided_at: str | None
    decided_by: str | None = Field(description="the id of the HR key that decided")
    new_deadline_at: str | None = Field(description="approved: the deadline granted")
    note: str | None


class ExtensionRequestPage(Model):
    items: list[ExtensionRequest]
    next_cursor: str | None
