"""Request and response models of HR's no-show decisions and the candidate timeline across
campaigns (they feed `/openapi.json`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from chalicelib.shared.schemas import Model, StatusName, Strict

Reason = Literal["schedule_conflict", "technical_problem", "did_not_see_message",
                 "not_interested", "accepted_other_offer", "other", "none"]


class NoShowDecisionIn(Strict):
    """Decide on the campaign's no-shows: the ids given, or the whole group (a page of
    `limit` at a time, `next_cursor` for the rest); only invitations in `no_show` now."""

    action: Literal["reinvite", "extend", "tag"]
    invitation_ids: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, min_length=1, max_length=500,
        description="default: the campaign's current no-shows (a page of `limit`)")
    reason: Reason | None = Field(default=None, description="only no-shows who gave this "
                                  "reason on their self-service page (`none`: gave none)")
    limit: int = Field(default=500, ge=1, le=500,
                       description="without invitation_ids: how many no-shows this request "
                                   "decides on")
    cursor: str | None = Field(default=None, max_length=2000,
                               description="next_cursor of the previous answer")
    target_campaign_id: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="reinvite: an open campaign of the same tenant (not this one)")
    extend_hours: int | None = Field(default=None, ge=1, le=720,
                                     description="extend: the new deadline is now + hours")
    new_deadline_at: AwareDatetime | None = Field(
        default=None, description="extend: an exact new deadline (instead of extend_hours)")
    tag: Literal["hold_contact", "cold"] | None = Field(default=None, description="tag")
    tag_days: int | None = Field(default=None, ge=1, le=365, description="tag: expires after "
                                 "(default: the tenant's rule expiry; cold: never)")
    dry_run: bool = Field(default=False, description="true: write nothing, answer what "
                                                     "would happen")


class DecisionItem(Model):
    invitation_id: str
    outcome: Literal["reinvited", "extended", "tagged", "skipped"]
    reason_code: str | None = Field(description="skipped: not_found, not_no_show, "
                                    "other_reason, already_invited, already_tagged, "
                                    "opted_out, hold_contact, suppressed, frequency_cap, "
                                    "no_address_for_channels, not_extendable, ...")
    new_invitation_id: str | None = Field(description="reinvited (or already_invited): the "
                                          "invitation in the target campaign")


class DecisionTotals(Model):
    reinvited: int
    extended: int
    tagged: int
    skipped: int
    total: int


class NoShowDecisionOut(Model):
    campaign_id: str
    action: str
    dry_run: bool
    items: list[DecisionItem]
    totals: DecisionTotals
    next_cursor: str | None = Field(description="more no-shows to decide on (same body "
                                    "with this cursor)")


class CandidateEvent(Model):
    at: str
    type: str = Field(description="invitation.created, message.sent, interview.opened, "
                      "candidate.reason, hr.extend, status.no_show ...")
    source: Literal["api", "vendor", "self_service", "delivery", "state", "hr"]
    applied: str | None = None
    channel: str | None = None
    template: str | None = None
    invitation_id: str
    campaign_id: str | None
    campaign_name: str | None


class CandidateInvitation(Model):
    id: str
    campaign_id: str
    campaign_name: str | None
    status: StatusName
    deadline_at: str
    created_at: str


class CandidateTimelinePage(Model):
    candidate_id: str
    name: str | None
    invitations: list[CandidateInvitation]
    items: list[CandidateEvent]
    next_cursor: str | None
