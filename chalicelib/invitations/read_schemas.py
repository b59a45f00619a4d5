"""Response and request models of the HR console's reads (they feed `/openapi.json`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.invitations.schemas import INTERVIEWER_EMAILS, Campaign, Invitation, Position
from chalicelib.shared.schemas import Model, Strict, documented


class PositionPage(Model):
    items: list[Position]
    next_cursor: str | None


class CampaignPage(Model):
    items: list[Campaign]
    next_cursor: str | None


class CampaignPatch(Strict):
    """Only the fields given change (at least one); `owner_email: null` removes the digest's
    recipient, `interviewer_emails` replaces the interviewers (null or []: none);
    `closed: false` on a closed campaign: 409 cannot_reopen."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    name: str | None = Field(default=None, min_length=1, max_length=200,
                             json_schema_extra=documented(
                                 {"type": "string", "minLength": 1, "maxLength": 200}))
    owner_email: str | None = Field(default=None, json_schema_extra=documented(
        {"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]}))
    interviewer_emails: list[str] | None = Field(
        default=None, max_length=20, description="replaces the interviewers who get the "
        "daily digest", json_schema_extra=documented(INTERVIEWER_EMAILS))
    closed: bool | None = Field(default=None, description="true closes the campaign early: "
                                "no new invitations, and the sweep cancels the "
                                "invitations still open (the vendor is told; no reminders, "
                                "no no-shows; late results are kept, flagged after_cancel)",
                                json_schema_extra=documented({"type": "boolean"}))


class CandidateBrief(Model):
    name: str
    email: str | None
    phone: str | None


class InvitationRow(Invitation):
    candidate: CandidateBrief | None


class InvitationRows(Model):
    items: list[InvitationRow]
    next_cursor: str | None


class TimelineEntry(Model):
    at: str
    type: str = Field(description="invitation.created, interview.opened, message.sent, "
                      "status.no_show, candidate.reason, hr.extend ...")
    source: Literal["api", "vendor", "poller", "self_service", "delivery", "state", "hr"]
    applied: str | None = Field(default=None, description="the status it moved to, if any")
    detail: dict[str, Any] | None = Field(default=None, description="vendor events: lifecycle, "
                                          "vendor, verified, score, report_url, late")
    channel: str | None = None
    template: str | None = None


class MessageView(Model):
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


class Me(Model):
    """`GET /me`: the calling key."""

    tenant_id: str
    role: str
    key_id: str
    campaign_ids: list[str]
