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
    status: Literal["open", "closed"] = "open"
    closed_at: str | None = None
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


class TenantSettings(BaseModel):
    tenant_id: str
    name: str
    default_locale: Locale
    timezone: str = Field(description="IANA zone: candidates without their own zone get this "
                                      "one (quiet hours are kept in it)")
    quiet_hours: str = Field(description='default quiet hours of new campaigns, "HH:MM-HH:MM" '
                                         'or "off"')
    retention_days: int = Field(description="days without activity or consent before a "
                                            "candidate is anonymised (default 365)")


class TenantSettingsIn(Strict):
    name: str | None = Field(default=None, max_length=200)
    default_locale: str | None = Field(default=None, description="en or zh-CN")
    timezone: str | None = Field(default=None, description="IANA zone, e.g. Asia/Shanghai")
    quiet_hours: str | None = Field(default=None, description='"21:00-08:00" or "off"')
    retention_days: int | None = Field(default=None, description="30-3650")
# -- metering and billing (docs/metering.md) -------------------------------------------------
class PriceVersionIn(Strict):
    effective_from: str = Field(description="YYYY-MM-DD; not in a closed month")
    currency: str = Field(description="ISO 4217, e.g. USD; changes only on a month's 1st")
    unit_prices: dict[str, str] = Field(
        description="decimal strings per operation: invitation, email, sms_part, "
                    "webhook_event, export")


class PriceVersion(BaseModel):
    version: int
    effective_from: str
    currency: str
    unit_prices: dict[str, str]


class PriceTable(BaseModel):
    current_version: int
    versions: list[PriceVersion]


class StatementLine(BaseModel):
    operation: str
    quantity: int
    unit_price: str
    amount: str
    price_version: int
    effective_from: str


class Statement(BaseModel):
    tenant_id: str
    month: str
    currency: str
    lines: list[StatementLine]
    total: str = Field(description="decimal string in the tenant's currency")
    quantities: dict[str, int]


class StatementExportIn(Strict):
    month: str = Field(description="YYYY-MM")


class StatementExport(BaseModel):
    month: str
    key: str
    url: str = Field(description="presigned GET link; expires after 15 minutes")
    total: str
    currency: str


class BudgetIn(Strict):
    monthly_amount: str = Field(description="decimal string in the tenant's currency")
    thresholds: list[int] = Field(default_factory=lambda: [50, 80, 100],
                                  description="percent of the monthly amount")
    hard_cap_sms: bool = False


class BudgetOut(BaseModel):
    monthly_amount: str | None
    thresholds: list[int]
    hard_cap_sms: bool
    month: str
    sms_capped: bool
    spend: str | None = None
    resumed: int | None = None


class Margin(BaseModel):
    month: str
    revenue: str
    revenue_currency: str
    aws_cost: dict[str, Any]
    margin: str | None
    margin_percent: str | None = None
class ImportFromObject(Strict):
    s3_key: str = Field(min_length=1, max_length=1024,
                        description="an object in the uploads bucket under uploads/<tenant>/")
    mapping: dict[str, str] | None = Field(
        default=None, description='field -> column header, e.g. {"name": "Full Name"}')


class ImportRowResult(BaseModel):
    line: int
    result: Literal["created", "merged", "unchanged", "rejected"]
    candidate_id: str | None
    code: str | None
    message: str | None


class ImportRejection(BaseModel):
    line: int
    code: str | None
    message: str | None


class ImportResult(BaseModel):
    import_id: str
    rows: int
    created: int
    merged: int
    unchanged: int
    rejected: int
    tags_added: int
    report_key: str | None = Field(description="the full per-row report (CSV) in the bucket")
    items: list[ImportRowResult] | None = Field(
        default=None, description="every row, for files of up to 1,000 rows")
    first_rejections: list[ImportRejection] | None = Field(
        default=None, description="the first 100 rejections, for larger files")


class ImportJob(BaseModel):
    import_id: str
    s3_key: str
    status: Literal["queued", "running", "done", "failed"]
    attempts: int
    rows: int | None = Field(description="counts, once done")
    created: int | None
    merged: int | None
    unchanged: int | None
    rejected: int | None
    tags_added: int | None
    report_key: str | None = Field(description="the full per-row report (CSV), once done")
    first_rejections: list[ImportRejection] | None
    error: str | None = Field(description="why it failed: an error class or object_changed")
    created_at: str
    finished_at: str | None


class ErasureResult(BaseModel):
    candidate_id: str
    result: Literal["erased", "already_erased"]
    erased_at: str
    counts: dict[str, int]
# -- reports: analytics (chalicelib/api/analytics.py) ----------------------------------------
class FunnelRates(BaseModel):
    completion: float | None = Field(description="(completed + completed_late) / invited")
    response: float | None = Field(description="opened or further before the deadline / invited")
    no_show: float | None = Field(description="turned no_show / invited")
    final_no_show: float | None = Field(description="closed (never recovered) / invited")
    reminder_recovery: float | None = Field(description="recovered / reminded")
    median_minutes_to_complete: float | None = Field(
        description="from the invitation to its completion, from the histogram")


class FunnelGroup(BaseModel):
    key: str
    counts: dict[str, int]
    rates: FunnelRates


class FunnelDay(BaseModel):
    day: str
    counts: dict[str, int]


class MinutesHistogram(BaseModel):
    bucket_upper_bounds: list[int] = Field(description="minutes; one more open bucket after")
    counts: list[int]


class CampaignFunnel(BaseModel):
    campaign_id: str
    counts: dict[str, int] = Field(description="invitations that reached each stage")
    rates: FunnelRates
    minutes_to_complete: MinutesHistogram
    by_day: list[FunnelDay]
    by_channel: list[FunnelGroup]


class FunnelTotals(BaseModel):
    counts: dict[str, int]
    rates: FunnelRates


class RatesReport(BaseModel):
    from_: str = Field(alias="from")
    to: str
    group_by: Literal["position", "channel", "campaign"]
    overall: FunnelTotals
    groups: list[FunnelGroup]


class ReasonCounts(BaseModel):
    key: str | None = None
    no_show: int
    given: dict[str, int] = Field(description="reasons candidates gave (self-service)")
    inferred: dict[str, int] = Field(description="not_delivered, never_opened, "
                                                 "opened_not_started, started_not_completed")


class NoShowReasons(BaseModel):
    from_: str = Field(alias="from")
    to: str
    campaign_id: str | None
    position_id: str | None
    no_show: int
    given: dict[str, int]
    inferred: dict[str, int]
    by_position: list[ReasonCounts] | None = Field(default=None,
                                                   description="with campaign_id")
    by_campaign: list[ReasonCounts] | None = Field(default=None,
                                                   description="with position_id")
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
# -- exports (docs/exports.md) -----------------------------------------------------------


class CreateExport(Strict):
    report: str = Field(description="invitations or campaign-summary (else 400 unknown_report)")
    format: str = Field(default="csv", description="csv (UTF-8 with BOM) or jsonl "
                        "(else 400 unknown_format)")
    campaign_id: str | None = Field(default=None, description="one campaign; omitted: all")
    start: AwareDatetime | None = Field(default=None, alias="from",
                                        description="invitations created at or after")
    end: AwareDatetime | None = Field(default=None, alias="to",
                                      description="invitations created before")


class Export(BaseModel):
    export_id: str
    report: str
    format: str
    campaign_id: str | None
    start: str | None = Field(alias="from")
    end: str | None = Field(alias="to")
    origin: Literal["api", "schedule"]
    status: Literal["queued", "running", "done", "failed"]
    attempts: int
    rows: int | None
    bytes: int | None
    created_at: str
    finished_at: str | None
    error: str | None
    download_url: str | None = Field(default=None, description="presigned S3 GET (done only)")
    download_expires_at: str | None = None


class ExportPage(BaseModel):
    items: list[Export]
    next_cursor: str | None


class ExportScheduleIn(Strict):
    daily: list[str] = Field(default_factory=list, max_length=4,
                             description="reports exported every day (yesterday's rows)")
    weekly: list[str] = Field(default_factory=list, max_length=4,
                              description="reports exported on Mondays (last week's rows)")
    format: str = Field(default="csv", description="csv or jsonl")


class ExportSchedule(BaseModel):
    daily: list[str]
    weekly: list[str]
    format: str
    updated_at: str | None
