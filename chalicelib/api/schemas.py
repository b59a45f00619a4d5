"""Request and response models. Their JSON Schemas feed `/openapi.json`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Channel = Literal["email", "sms"]
Locale = Literal["en", "zh-CN"]
StatusName = Literal["invited", "sent", "opened", "started", "completed", "no_show",
                     "completed_late", "closed", "cancelled"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. invalid_channels")
    message: str = Field(description="for humans")
    details: list[dict[str, Any]] | None = None


class Error(BaseModel):
    error: ErrorBody


class CreatePosition(Strict):
    title: str = Field(min_length=1, max_length=200)
    department: str | None = Field(default=None, max_length=200)


class Position(BaseModel):
    id: str
    title: str
    department: str | None
    created_at: str


class RoundIn(BaseModel):
    offset_hours: float = Field(description="from the deadline; negative = before")
    channels: list[str] = Field(description="email and/or sms (the campaign's)")
    template: str | None = Field(default=None,
                                 description="due_tomorrow, no_show or final_call")


class QuietHoursIn(BaseModel):
    start: str = Field(default="21:00", description="HH:MM, candidate's time zone")
    end: str = Field(default="08:00", description="HH:MM")


class ReminderPolicyIn(BaseModel):
    """Reminder rounds, grace window and quiet hours. Omitted: -24 h email, 0 h email+SMS,
    +24 h SMS (channels the campaign uses), 48 h grace, quiet 21:00-08:00."""

    rounds: list[RoundIn] = Field(default_factory=list, max_length=6)
    grace_hours: float = 48
    quiet_hours: QuietHoursIn | None = Field(default_factory=QuietHoursIn)


class CreateCampaign(Strict):
    position_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    window_hours: int | None = Field(default=None, description="hours from each invitation")
    deadline_at: AwareDatetime | None = Field(default=None, description="one fixed deadline")
    channels: list[Channel] = Field(min_length=1, max_length=2)
    locale: Locale | None = None
    reminder_policy: ReminderPolicyIn | None = None
    audience_windows: dict[str, float] | None = Field(
        default=None, description='hours per candidate audience, e.g. {"new_graduate": 72, '
                                  '"employed": 120}; overrides window_hours / deadline_at')
    owner_email: str | None = Field(default=None, description="gets a daily digest email "
                                                              "when invitations turn no_show")


class Campaign(BaseModel):
    id: str
    position_id: str
    name: str
    channels: list[Channel]
    locale: Locale | None
    deadline_at: str | None
    window_hours: int | None
    audience_windows: dict[str, float] | None
    owner_email: str | None
    grace_hours: float
    reminder_policy: ReminderPolicyIn
    created_at: str
    counts: dict[StatusName, int]


class CandidateIn(BaseModel):
    name: str = Field(max_length=200)
    email: str | None = None
    phone: str | None = Field(default=None, description="E.164; mainland numbers may omit +86")
    locale: Locale | None = None
    timezone: str | None = Field(default=None, description="IANA name, e.g. Asia/Shanghai")
    external_id: str | None = None
    audience: str | None = Field(default=None, description="one of the campaign's "
                                                           "audience_windows")


class CreateInvitations(BaseModel):
    """Rows are checked one by one (bad rows are rejected, good rows written)."""

    candidates: list[Any] = Field(min_length=1)


class CreateInvitationsDoc(BaseModel):
    candidates: list[CandidateIn] = Field(min_length=1, max_length=1000)


class Rejected(BaseModel):
    index: int
    code: str
    message: str


class InvitationResult(BaseModel):
    index: int
    invitation_id: str
    result: Literal["created", "duplicate"]


class InvitationsCreated(BaseModel):
    created: int
    duplicates: int
    rejected: list[Rejected]
    items: list[InvitationResult]


class InvitationActionIn(Strict):
    action: Literal["cancel", "extend", "resend"]
    invitation_ids: list[str] = Field(min_length=1, max_length=100)
    deadline_at: AwareDatetime | None = Field(
        default=None, description="extend: required; resend: optional (default: a fresh "
                                  "window as long as the original one)")


class InvitationActionResult(BaseModel):
    invitation_id: str
    result: Literal["done", "not_found", "not_allowed", "conflict"]
    status: StatusName | None = None


class InvitationActionsDone(BaseModel):
    action: str
    results: list[InvitationActionResult]


class Invitation(BaseModel):
    id: str
    campaign_id: str
    candidate_id: str
    status: StatusName
    channels: list[Channel]
    locale: str
    deadline_at: str
    interview_url: str
    created_at: str
    status_changed_at: str
    score: float | None


class InvitationPage(BaseModel):
    items: list[Invitation]
    next_cursor: str | None


class PoolTag(BaseModel):
    name: str
    campaign_id: str
    invitation_id: str | None
    source: str
    reason: str
    created_at: str
    expires_at: str | None = None


class PoolCandidate(BaseModel):
    candidate_id: str
    name: str | None
    email: str | None
    phone: str | None
    locale: str | None
    tag: PoolTag
    tags: list[str] | None = Field(None, description="the candidate's active tags")
    score: float | None = Field(None, description="stored cooperation score, 0-100")
    last_activity_at: str | None = None


class PoolPage(BaseModel):
    items: list[PoolCandidate]
    next_cursor: str | None
    count: int | None = Field(None, description="the whole segment's size (count=true)")


class VendorEventData(BaseModel):
    invitation_id: str
    score: float | None = None


class VendorEvent(BaseModel):
    type: Literal["interview.opened", "interview.started", "interview.completed"]
    timestamp: str | float = Field(description="when it happened: ISO-8601 or Unix seconds")
    data: VendorEventData


class WebhookResult(BaseModel):
    webhook_id: str
    result: Literal["processed", "duplicate"]
    invitation_id: str | None = None
    status: StatusName | None = None
    changed: bool | None = None


class SelfServiceView(BaseModel):
    invitation_id: str
    status: StatusName
    company: str | None
    position: str | None
    deadline_at: str
    interview_url: str | None
    reason: str | None
    reasons: list[str]
    can_extend: bool
    extension_requested: bool


class ReasonIn(Strict):
    reason: Literal["schedule_conflict", "technical_problem", "did_not_see_message",
                    "not_interested", "accepted_other_offer", "other"]
    text: str | None = Field(default=None, max_length=1000)


class SelfServiceResult(BaseModel):
    invitation_id: str
    result: str | None = None
    reason: str | None = None
    status: StatusName | None = None
    deadline_at: str | None = None


class TagIn(Strict):
    tag: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    reason: str = Field(min_length=1, max_length=500, description="why (kept in the audit)")
    expires_at: AwareDatetime | None = None


class TagRemoved(BaseModel):
    candidate_id: str
    tag: str
    removed: int


class PoolScore(BaseModel):
    value: float
    components: dict[str, float]
    half_life_days: int
    stored: float | None
    stored_at: str | None


class PoolAudit(BaseModel):
    action: str
    tag: str | None
    by: str
    why: str | None
    at: str


class PoolProfile(BaseModel):
    candidate_id: str
    profile: dict[str, Any]
    tags: list[PoolTag]
    score: PoolScore
    behaviour_events: int
    last_activity_at: str | None
    opted_out_at: str | None
    invitations: list[Invitation]
    audit: list[PoolAudit]


class TagRulesIn(Strict):
    enabled: list[str] | None = None
    expires_days: dict[str, int | None] | None = None
    breach_window_days: int | None = None
    hold_contact_reasons: list[str] | None = None
    re_invite_reasons: list[str] | None = None
    re_invite_min_score: float | None = None


class TagRules(BaseModel):
    enabled: list[str]
    expires_days: dict[str, int | None]
    breach_window_days: int
    hold_contact_reasons: list[str]
    re_invite_reasons: list[str]
    re_invite_min_score: float
    tags: list[str]


class Suggestion(BaseModel):
    candidate_id: str
    name: str | None
    rank: float = Field(description="0.5 score/100 + 0.2 recency + 0.3 fit")
    score: float
    recency: float
    fit: float
    matched_keywords: list[str]
    tags: list[str]
    last_activity_at: str | None


class Suggestions(BaseModel):
    position_id: str
    keywords: list[str]
    items: list[Suggestion]
    skipped: dict[str, int] = Field(description="candidates left out, by reason")


class SegmentIn(Strict):
    tag: str | None = None
    all: str | None = Field(None, description="comma-separated tags")
    any: str | None = None
    none: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    campaign_id: str | None = Field(None, description="tags from this campaign only")
    position_id: str | None = None
    active_since: str | None = None
    locale: str | None = None


class ReEngagementIn(Strict):
    segment: SegmentIn
    campaign_id: str = Field(description="the campaign to invite them to")
    dry_run: bool = True
    cap_days: int = Field(30, ge=1, le=365, description="at most one re-invitation per "
                                                        "candidate in this many days")
    max_candidates: int = Field(500, ge=1, le=1000)


class ReEngaged(BaseModel):
    candidate_id: str
    why: str
    invitation_id: str | None


class ReEngageSkipped(BaseModel):
    candidate_id: str
    reason: str


class ReEngagement(BaseModel):
    campaign_id: str
    dry_run: bool
    segment_size: int
    invited: list[ReEngaged]
    skipped: list[ReEngageSkipped]


class ReEngagementRuleIn(Strict):
    segment: SegmentIn
    campaign_id: str
    every_hours: int = Field(24, ge=1, le=24 * 90)
    cap_days: int = Field(30, ge=1, le=365)
    max_candidates: int = Field(500, ge=1, le=1000)
    enabled: bool = True


class ReEngagementRule(BaseModel):
    rule_id: str
    segment: dict[str, Any]
    campaign_id: str
    cap_days: int
    max_candidates: int
    every_hours: int
    enabled: bool
    last_run_at: str | None
    last_result: dict[str, Any] | None


class ReEngagementRules(BaseModel):
    items: list[ReEngagementRule]


class Deleted(BaseModel):
    rule_id: str
    deleted: bool
