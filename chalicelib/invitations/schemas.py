"""Request and response models of the invitation core: positions, campaigns, invitations, HR
actions, vendor webhooks, tenant settings, the tenant's own API keys and webhook secrets."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from chalicelib.shared.schemas import Channel, Locale, StatusName, Strict


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
    late_result: Literal["after_deadline", "after_close", "after_cancel"] | None = Field(
        None, description="the vendor reported a completion this late (never dropped)")
    vendor_signal: Literal["expired", "abandoned"] | None = Field(
        None, description="the vendor's word on an unfinished interview")


class InvitationPage(BaseModel):
    items: list[Invitation]
    next_cursor: str | None


class VendorEventData(BaseModel):
    invitation_id: str
    score: float | None = None


class VendorEvent(BaseModel):
    type: Literal["interview.invited", "interview.opened", "interview.started",
                  "interview.completed", "interview.expired", "interview.abandoned",
                  "interview.scored", "interview.report_available"]
    timestamp: str | float = Field(description="when it happened: ISO-8601 or Unix seconds")
    data: VendorEventData


class WebhookResult(BaseModel):
    webhook_id: str
    result: Literal["processed", "duplicate", "recorded"] = Field(
        description="recorded: an unsigned event, kept in the timeline for the poller")
    invitation_id: str | None = None
    status: StatusName | None = None
    changed: bool | None = None


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


# -- the tenant's own API keys and webhook secrets (admin) --------------------------------
Role = Literal["admin", "recruiter", "finance", "interviewer"]


class CreateApiKey(Strict):
    role: Role
    label: str | None = Field(default=None, max_length=200, description="for humans")
    campaign_ids: list[str] | None = Field(
        default=None, max_length=100,
        description="interviewer keys only (required for them): the campaigns it may read")
    expires_at: AwareDatetime | None = Field(
        default=None, description="refused from then on (within 5 years); none: no expiry")


class ApiKey(BaseModel):
    key_id: str
    role: Role
    campaign_ids: list[str]
    label: str | None
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    revoked_by: str | None = Field(description="the key id that revoked it, or operator")
    status: Literal["active", "expired", "revoked"]


class ApiKeyCreated(ApiKey):
    tenant_id: str
    api_key: str = Field(description="tlk_...: shown in this answer only, stored hashed")


class ApiKeys(BaseModel):
    items: list[ApiKey]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


class CurrentSecret(BaseModel):
    fingerprint: str = Field(description="whfp_...: names the secret, reveals nothing")
    since: str | None


class RetiringSecret(BaseModel):
    fingerprint: str
    rotated_at: str
    retire_at: str = Field(description="still verifies until then")


class WebhookSecrets(BaseModel):
    current: CurrentSecret
    retiring: list[RetiringSecret]


class RotateSecretIn(Strict):
    overlap_hours: float | None = Field(
        default=None, ge=0, le=168,
        description="how long the old secret keeps verifying (default 24; 0: not at all)")


class SecretRotated(WebhookSecrets):
    webhook_secret: str = Field(description="whsec_...: the new secret, shown only here")


class RetireSecretIn(Strict):
    fingerprint: str | None = Field(
        default=None, description="the older secret to retire; none: every older secret")


class VendorSettingsIn(BaseModel):
    vendor: str = Field(description="an adapter of the registry: standard, hireflix, sparkhire")
    base_url: str | None = Field(None, description="candidate links; default: the deployment's")
    api_url: str | None = Field(None, description="the vendor's API (notices, status polls)")
    require_signature: bool = True
    poll: bool = Field(False, description="the reconciliation poller asks the vendor's API")


class VendorSettingsOut(VendorSettingsIn):
    vendors: list[str]
