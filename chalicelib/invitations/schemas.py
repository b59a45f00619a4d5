"""Request and response models of the invitation core: positions, campaigns, invitations, HR
actions, vendor webhooks, tenant settings, the tenant's own API keys and webhook secrets."""

from __future__ import annotations

import zoneinfo
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from chalicelib.invitations.domain.reminders import CHANNELS as CHANNEL_NAMES
from chalicelib.invitations.domain.reminders import MAX_LEAD_HOURS, TEMPLATES
from chalicelib.shared.schemas import Channel, Locale, Model, StatusName, Strict, documented

_HH_MM = r"([01]\d|2[0-3]):[0-5]\d"
QUIET_HOURS = rf"^\s*({_HH_MM}\s*-\s*{_HH_MM}|[oO][fF][fF])\s*$"


def _zones() -> dict[str, Any]:
    """Every IANA zone this runtime knows (read when the document is built, not on import)."""
    return {"type": "string", "enum": sorted(zoneinfo.available_timezones())}


class CreatePosition(Strict):
    title: str = Field(min_length=1, max_length=200)
    department: str | None = Field(default=None, max_length=200)


class Position(Model):
    id: str
    title: str
    department: str | None
    created_at: str


class RoundIn(Model):
    """Rounds in increasing offsets, each before the end of the grace window, on channels
    the campaign sends by (else 422)."""

    offset_hours: float = Field(description="from the deadline; negative = before (at most "
                                "30 days)", json_schema_extra=documented(
                                    {"type": "number", "minimum": -MAX_LEAD_HOURS}))
    channels: list[str] = Field(description="email and/or sms (the campaign's)",
                                json_schema_extra=documented({
                                    "type": "array", "minItems": 1, "uniqueItems": True,
                                    "items": {"type": "string", "enum": list(CHANNEL_NAMES)}}))
    template: str | None = Field(default=None,
                                 description="due_tomorrow, no_show or final_call",
                                 json_schema_extra=documented({"anyOf": [
                                     {"type": "string", "enum": list(TEMPLATES)},
                                     {"type": "null"}]}))


class QuietHoursIn(Model):
    """start and end differ (else 422)."""

    start: str = Field(default="21:00", description="HH:MM, candidate's time zone",
                       pattern=f"^{_HH_MM}$")
    end: str = Field(default="08:00", description="HH:MM", pattern=f"^{_HH_MM}$")


class ReminderPolicyIn(Model):
    """Reminder rounds, grace window and quiet hours. Omitted: -24 h email, 0 h email+SMS,
    +24 h SMS (channels the campaign uses), 48 h grace, quiet 21:00-08:00."""

    rounds: list[RoundIn] = Field(default_factory=list, max_length=6)
    grace_hours: float = Field(48, ge=0, le=720)
    quiet_hours: QuietHoursIn | None = Field(default_factory=QuietHoursIn)


#: the exact schema of `interviewer_emails` (the code checks each address itself:
#: 400 invalid_interviewer_emails)
INTERVIEWER_EMAILS: dict[str, Any] = {"anyOf": [
    {"type": "array", "maxItems": 20, "items": {"type": "string", "format": "email"}},
    {"type": "null"}]}


class CreateCampaign(Strict):
    """Exactly one of `window_hours` and `deadline_at` (both or neither: 422 invalid_deadline;
    a deadline must be in the future: 422)."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["window_hours"], "not": {"required": ["deadline_at"]}},
        {"required": ["deadline_at"], "not": {"required": ["window_hours"]}}]})

    position_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    window_hours: int | None = Field(default=None, description="hours from each invitation",
                                     json_schema_extra=documented(
                                         {"type": "integer", "minimum": 1, "maximum": 24 * 60}))
    deadline_at: AwareDatetime | None = Field(default=None, description="one fixed deadline",
                                              json_schema_extra=documented(
                                                  {"type": "string", "format": "date-time"}))
    channels: list[Channel] = Field(min_length=1, max_length=2,
                                    json_schema_extra={"uniqueItems": True})
    locale: Locale | None = None
    reminder_policy: ReminderPolicyIn | None = None
    audience_windows: dict[str, float] | None = Field(
        default=None, description='hours per candidate audience, e.g. {"new_graduate": 72, '
                                  '"employed": 120}; overrides window_hours / deadline_at',
        json_schema_extra=documented({"anyOf": [
            {"type": "object", "maxProperties": 10,
             "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,39}$"},
             "additionalProperties": {"type": "number", "minimum": 1, "maximum": 24 * 60}},
            {"type": "null"}]}))
    owner_email: str | None = Field(default=None, description="gets a daily digest email "
                                                              "when invitations turn no_show",
                                    json_schema_extra=documented({"anyOf": [
                                        {"type": "string", "format": "email"},
                                        {"type": "null"}]}))
    interviewer_emails: list[str] | None = Field(
        default=None, max_length=20,
        description="the campaign's interviewers: each gets the same daily digest as the "
                    "owner (at most 20; normalised to lower case, a repeat counts once)",
        json_schema_extra=documented(INTERVIEWER_EMAILS))


class Campaign(Model):
    id: str
    position_id: str
    name: str
    channels: list[Channel]
    locale: Locale | None
    deadline_at: str | None
    window_hours: int | None
    audience_windows: dict[str, float] | None
    owner_email: str | None
    interviewer_emails: list[str] = Field(default_factory=list)
    grace_hours: float
    reminder_policy: ReminderPolicyIn
    created_at: str
    status: Literal["open", "closed"] = "open"
    closed_at: str | None = None
    counts: dict[StatusName, int]
    template_versions: dict[str, int] = Field(
        default_factory=dict,
        description="the tenant's message-template versions this campaign sends "
                    '("invite/en": 3); one not named: the shipped template')


class CandidateIn(Model):
    name: str = Field(max_length=200)
    email: str | None = None
    phone: str | None = Field(default=None, description="E.164; mainland numbers may omit +86")
    locale: Locale | None = None
    timezone: str | None = Field(default=None, description="IANA name, e.g. Asia/Shanghai")
    external_id: str | None = None
    audience: str | None = Field(default=None, description="one of the campaign's "
                                                           "audience_windows")


class CreateInvitations(Model):
    """Rows are checked one by one (bad rows are rejected, good rows written)."""

    candidates: list[Any] = Field(min_length=1)


class CreateInvitationsDoc(Model):
    """What to send. The API checks rows one by one: a row that is not a candidate object is
    reported in `rejected` (by its index), and the good rows are still written."""

    candidates: list[CandidateIn] = Field(
        min_length=1, max_length=1000, json_schema_extra=documented({
            "type": "array", "minItems": 1, "maxItems": 1000,
            "items": {"anyOf": [{"$ref": "#/components/schemas/CandidateIn"},
                                {"description": "any other row: rejected on its own"}]}}))


class Rejected(Model):
    index: int
    code: str
    message: str


class InvitationResult(Model):
    index: int
    invitation_id: str
    result: Literal["created", "duplicate"]


class InvitationsCreated(Model):
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


class InvitationActionResult(Model):
    invitation_id: str
    result: Literal["done", "not_found", "not_allowed", "conflict"]
    status: StatusName | None = None


class InvitationActionsDone(Model):
    action: str
    results: list[InvitationActionResult]


class Invitation(Model):
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


class InvitationPage(Model):
    items: list[Invitation]
    next_cursor: str | None


class VendorEventData(Model):
    invitation_id: str
    score: float | None = None


class VendorEvent(Model):
    type: Literal["interview.invited", "interview.opened", "interview.started",
                  "interview.completed", "interview.expired", "interview.abandoned",
                  "interview.scored", "interview.report_available"]
    timestamp: str | float = Field(description="when it happened: ISO-8601 or Unix seconds")
    data: VendorEventData


class VendorPayload(Model):
    """The vendor's own event, as its documentation describes it (a JSON object). One that
    is an object but not an event of that vendor's format answers 422."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"type": "object"})


class WebhookResult(Model):
    webhook_id: str
    result: Literal["processed", "duplicate", "recorded"] = Field(
        description="recorded: an unsigned event, kept in the timeline for the poller")
    invitation_id: str | None = None
    status: StatusName | None = None
    changed: bool | None = None


class TenantSettings(Model):
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
    """At least one field; none may be null."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    name: str | None = Field(default=None, max_length=200, json_schema_extra=documented(
        {"type": "string", "maxLength": 200, "pattern": r"\S"}))
    default_locale: str | None = Field(default=None, description="en or zh-CN",
                                       json_schema_extra=documented(
                                           {"type": "string", "enum": ["en", "zh-CN"]}))
    timezone: str | None = Field(default=None, description="IANA zone, e.g. Asia/Shanghai",
                                 json_schema_extra=documented(
                                     _zones))
    quiet_hours: str | None = Field(default=None, description='"21:00-08:00" or "off"',
                                    json_schema_extra=documented(
                                        {"type": "string", "pattern": QUIET_HOURS}))
    retention_days: int | None = Field(default=None, description="30-3650",
                                       json_schema_extra=documented(
                                           {"type": "integer", "minimum": 30,
                                            "maximum": 3650}))


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


class ApiKey(Model):
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


class ApiKeys(Model):
    items: list[ApiKey]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


class CurrentSecret(Model):
    fingerprint: str = Field(description="whfp_...: names the secret, reveals nothing")
    since: str | None


class RetiringSecret(Model):
    fingerprint: str
    rotated_at: str
    retire_at: str = Field(description="still verifies until then")


class WebhookSecrets(Model):
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


def _vendors() -> dict[str, Any]:
    from chalicelib.invitations.adapters.vendors import ADAPTERS  # the registry, when documented

    return {"type": "string", "enum": sorted(ADAPTERS)}


_URL = documented({"anyOf": [{"type": "string", "pattern": "^https?://"}, {"type": "null"}]})


class VendorSettingsIn(Strict):
    """`poll` needs `api_url`, and a vendor whose webhooks are unsigned must be polled (else
    422 missing_api_url / poll_required)."""

    vendor: str = Field(description="an adapter of the registry: standard, hireflix, sparkhire",
                        json_schema_extra=documented(_vendors))
    base_url: str | None = Field(None, description="candidate links; default: the deployment's",
                                 json_schema_extra=_URL)
    api_url: str | None = Field(None, description="the vendor's API (notices, status polls)",
                                json_schema_extra=_URL)
    require_signature: bool = True
    poll: bool = Field(False, description="the reconciliation poller asks the vendor's API")


class VendorSettingsOut(VendorSettingsIn):
    vendors: list[str]
