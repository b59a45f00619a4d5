"""Request and response models of reports: analytics (`/reports/*`, docs/reports.md) and
exports (docs/exports.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from chalicelib.shared.schemas import Model, Strict, documented


class FunnelRates(Model):
    completion: float | None = Field(description="(completed + completed_late) / invited")
    response: float | None = Field(description="opened or further before the deadline / invited")
    no_show: float | None = Field(description="turned no_show / invited")
    final_no_show: float | None = Field(description="closed (never recovered) / invited")
    reminder_recovery: float | None = Field(description="recovered / reminded")
    median_minutes_to_complete: float | None = Field(
        description="from the invitation to its completion, from the histogram")


class FunnelGroup(Model):
    key: str
    counts: dict[str, int]
    rates: FunnelRates


class FunnelDay(Model):
    day: str
    counts: dict[str, int]


class MinutesHistogram(Model):
    bucket_upper_bounds: list[int] = Field(description="minutes; one more open bucket after")
    counts: list[int]


class RoundRecovery(Model):
    round: int = Field(ge=1, le=6, description="the reminder round (1..6)")
    recovered: int = Field(ge=0, description="completions recovered after this round: the "
                           "invitation had gone past this many rounds when it completed")


class CampaignFunnel(Model):
    campaign_id: str
    counts: dict[str, int] = Field(description="invitations that reached each stage")
    rates: FunnelRates
    minutes_to_complete: MinutesHistogram
    by_day: list[FunnelDay] = Field(description="per calendar day of the tenant, oldest first "
                                    "(the day a counter moved: completions on their day)")
    by_channel: list[FunnelGroup]
    recovered_by_round: list[RoundRecovery] = Field(
        description="the recovered completions by the reminder round they followed, rounds "
                    "1..6 in order (they add up to counts.recovered)")


class FunnelTotals(Model):
    counts: dict[str, int]
    rates: FunnelRates


Dimension = Literal["position", "channel", "campaign"]


class RatesGroup(Model):
    key: str = Field(description="the grouped values in the order asked, joined by | "
                     "(group_by=position,channel: pos01...|email)")
    position_id: str | None = Field(description="grouped by position, or the campaign's")
    position_name: str | None = Field(description="the position's title (null: deleted)")
    campaign_id: str | None
    campaign_name: str | None
    channel: str | None = Field(description="the channel mix: email, sms or email+sms")
    counts: dict[str, int]
    rates: FunnelRates


class RatesReport(Model):
    from_: str = Field(alias="from")
    to: str
    group_by: str = Field(description="the dimensions as asked, comma-separated")
    dimensions: list[Dimension]
    overall: FunnelTotals
    groups: list[RatesGroup]


class ReasonCounts(Model):
    key: str | None = None
    no_show: int
    given: dict[str, int] = Field(description="reasons candidates gave (self-service)")
    inferred: dict[str, int] = Field(description="not_delivered, never_opened, "
                                                 "opened_not_started, started_not_completed, "
                                                 "link_expired, abandoned (the vendor said)")


class NoShowReasons(Model):
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


class CreateExport(Strict):
    report: str = Field(description="invitations, campaign-summary or completion-rates (per "
                        "position x channel over the days of from/to, default the last 30; "
                        "else 400 unknown_report)",
                        json_schema_extra=documented(
                            {"type": "string", "enum": ["invitations", "campaign-summary",
                                                        "completion-rates"]}))
    format: str = Field(default="csv", description="csv (UTF-8 with BOM) or jsonl "
                        "(else 400 unknown_format)",
                        json_schema_extra=documented({"type": "string",
                                                      "enum": ["csv", "jsonl"]}))
    campaign_id: str | None = Field(default=None, description="one campaign; omitted: all",
                                    json_schema_extra=documented({"anyOf": [
                                        {"type": "string", "minLength": 1}, {"type": "null"}]}))
    start: AwareDatetime | None = Field(default=None, alias="from",
                                        description="invitations created at or after")
    end: AwareDatetime | None = Field(default=None, alias="to",
                                      description="invitations created before")


class Export(Model):
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


class ExportPage(Model):
    items: list[Export]
    next_cursor: str | None


_REPORTS = documented({"type": "array", "maxItems": 4, "items": {
    "type": "string", "enum": ["invitations", "campaign-summary", "completion-rates"]}})


class ExportScheduleIn(Strict):
    daily: list[str] = Field(default_factory=list, max_length=4,
                             description="reports exported every day (yesterday's rows); "
                             "completion-rates: its link is mailed to the campaign owners",
                             json_schema_extra=_REPORTS)
    weekly: list[str] = Field(default_factory=list, max_length=4,
                              description="reports exported on Mondays (last week's rows)",
                              json_schema_extra=_REPORTS)
    format: str = Field(default="csv", description="csv or jsonl",
                        json_schema_extra=documented({"type": "string",
                                                      "enum": ["csv", "jsonl"]}))


class ExportSchedule(Model):
    daily: list[str]
    weekly: list[str]
    format: str
    updated_at: str | None


class CallListRow(Model):
    invitation_id: str
    candidate_id: str
    name: str
    email: str | None
    phone: str | None
    status: Literal["no_show", "closed"] = Field(
        description="no_show: still in the grace window; closed: ended unrecovered")
    deadline_at: str | None
    rounds_done: int = Field(description="reminder rounds gone past")
    given_reason: str | None = Field(description="the reason the candidate gave, if any")
    reason_text: str | None
    inferred_reason: str | None = Field(description="from behaviour when it turned no_show")
    timezone: str | None = Field(description="call in the candidate's hours")
    locale: str | None


class CallListExcluded(Model):
    opted_out: int = Field(description="no-shows left out: they opted out of contact")


class CallList(Model):
    campaign_id: str
    pull_id: str = Field(description="this pull's entry in the audit")
    pulled_at: str
    audited: bool = Field(description="always true: every pull is recorded")
    excluded: CallListExcluded
    items: list[CallListRow]


class CallListPull(Model):
    pull_id: str
    campaign_id: str
    key_id: str
    role: str
    format: Literal["json", "csv"]
    rows: int
    at: str


class CallListAudit(Model):
    items: list[CallListPull]
