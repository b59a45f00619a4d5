"""Request and response models of reports: analytics (`/reports/*`, docs/reports.md) and
exports (docs/exports.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from chalicelib.shared.schemas import Strict


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
                                                 "opened_not_started, started_not_completed, "
                                                 "link_expired, abandoned (the vendor said)")


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
