"""Response and request models of the HR console's reads (they feed `/openapi.json`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from chalicelib.invitations.schemas import Campaign, Invitation, Position
from chalicelib.shared.schemas import Strict


class PositionPage(BaseModel):
    items: list[Position]
    next_cursor: str | None


class CampaignPage(BaseModel):
    items: list[Campaign]
    next_cursor: str | None


class CampaignPatch(Strict):
    """Only the fields given change; `owner_email: null` removes the digest's recipient."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    owner_email: str | None = None
    closed: bool | None = Field(default=None, description="true closes the campaign early: "
                                "no new invitations (open ones keep their deadlines)")


class CandidateBrief(BaseModel):
    name: str
    email: str | None
    phone: str | None


class InvitationRow(Invitation):
    candidate: CandidateBrief | None


class InvitationRows(BaseModel):
    items: list[InvitationRow]
    next_cursor: str | None


class TimelineEntry(BaseModel):
    at: str
    type: str = Field(description="invitation.created, interview.opened, message.sent, "
                      "status.no_show, self_service.reason ...")
    source: Literal["api", "vendor", "poller", "self_service", "delivery", "state"]
    applied: str | None = Field(default=None, description="the status it moved to, if any")
    detail: dict[str, Any] | None = Field(default=None, description="vendor events: lifecycle, "
                                          "vendor, verified, score, report_url, late")
    channel: str | None = None
    template: str | None = None


class MessageView(BaseModel):
    kind: str
    channel: str
    template: str
    status: str
    attempts: int
    created_at: str
    sent_at: str | None
    delivered_at: str | None
    clicked_at: str | None
    error: str | None


class InvitationDetail(InvitationRow):
    campaign_name: str | None
    reason: str | None
    reason_text: str | None
    delivery_problem: str | None
    rounds_done: int
    extension_requested_at: str | None
    messages: list[MessageView]
    timeline: list[TimelineEntry]
