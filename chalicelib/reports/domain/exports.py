"""Exports to S3: reports, formats, their stable columns, object keys and periods. Pure.

The column set of each report is a contract with whoever opens the file (Excel sheets,
Athena tables): columns are only ever appended, never renamed or reordered. CSV is UTF-8
with a byte order mark, so Excel shows Chinese text correctly; JSON Lines writes the same
columns as one object a line.

Rows are encoded a page at a time into bytes; `PartBuffer` cuts those bytes into parts of
at least `part_size` (S3 multipart: every part but the last must be >= 5 MiB), so memory is
bounded by one page plus one part whatever the number of rows.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed

#: S3's minimum size of every part but the last.
MIN_PART_SIZE = 5 * 1024 * 1024
DEFAULT_PART_SIZE = 8 * 1024 * 1024
#: An export that failed this many times is given up on (status `failed`).
MAX_ATTEMPTS = 3
BOM = "\ufeff".encode()


class Report(StrEnum):
    INVITATIONS = "invitations"
    CAMPAIGN_SUMMARY = "campaign-summary"
    #: the seed's periodic completion- and response-rate report: per position x channel,
    #: no-show reasons given and inferred, completions recovered per reminder round; when a
    #: scheduled one is done its link is mailed to the owners of the campaigns in it
    COMPLETION_RATES = "completion-rates"


class Format(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: The stable, documented columns (docs/exports.md). Append only.
COLUMNS: dict[Report, tuple[str, ...]] = {
    Report.INVITATIONS: (
        "invitation_id", "campaign_id", "position_id", "candidate_id", "status", "channels",
        "locale", "timezone", "created_at", "status_changed_at", "deadline_at", "grace_hours",
        "rounds_done", "score", "delivery_problem", "reason", "reason_text",
        "extension_requested_at",
    ),
    Report.CAMPAIGN_SUMMARY: (
        "campaign_id", "name", "position_id", "channels", "created_at", "deadline_at",
        "window_hours", "invited", "sent", "opened", "started", "completed", "no_show",
        "completed_late", "closed", "cancelled", "total",
    ),
    Report.COMPLETION_RATES: (
        "from", "to", "position_id", "position_name", "channel",
        *(f"{c}" for c in ("invited", "sent", "delivered", "opened", "started", "completed",
                           "completed_late", "no_show", "reminded", "recovered", "closed",
                           "cancelled")),
        "completion_rate", "response_rate", "no_show_rate", "final_no_show_rate",
        "reminder_recovery_rate",
        *(f"given_{r}" for r in ("schedule_conflict", "technical_problem",
                                 "did_not_see_message", "not_interested",
                                 "accepted_other_offer", "other")),
        *(f"inferred_{r}" for r in ("not_delivered", "never_opened", "opened_not_started",
                                    "started_not_completed", "link_expired", "abandoned")),
        *(f"recovered_round_{i}" for i in range(1, 7)),
    ),
}

CONTENT_TYPES = {Format.CSV: "text/csv; charset=utf-8",
                 Format.JSONL: "application/x-ndjson; charset=utf-8"}


@dataclass(frozen=True)
class ExportRequest:
    """What to export; validated by `parse_request`."""

    report: Report
    format: Format
    campaign_id: str | None = None
    start: datetime | None = None  # invitations created at or after
    end: datetime | None = None  # ... and before

    def fingerprint(self) -> str:
        """The request's identity (an Idempotency-Key reused with another request is refused)."""
        return "|".join([self.report.value, self.format.value, self.campaign_id or "",
                         self.start.isoformat() if self.start else "",
                         self.end.isoformat() if self.end else ""])


def parse_request(report: str, fmt: str, campaign_id: str | None, start: datetime | None,
                  end: datetime | None) -> ExportRequest:
    """Validate an export request; every mistake has its own code."""
    if report not in {r.value for r in Report}:
        raise ValidationFailed(f"report must be one of {', '.join(r.value for r in Report)}",
                               code="unknown_report")
    if fmt not in {f.value for f in Format}:
        raise ValidationFailed(f"format must be one of {', '.join(f.value for f in Format)}",
                               code="unknown_format")
    if start is not None and end is not None and start >= end:
        raise Unprocessable("from must be before to", code="invalid_range")  # the pair: 422
    if campaign_id is not None and not campaign_id.strip():
        raise ValidationFailed("campaign_id must not be empty", code="invalid_campaign_id")
    return ExportRequest(Report(report), Format(fmt), campaign_id, start, end)


def object_key(tenant_id: str, report: Report, created: datetime, export_id: str,
               fmt: Format) -> str:
    """exports/tenant=<t>/report=<r>/date=YYYY-MM-DD/<export id>.<ext>: Hive-style
    partitions (Athena, Glue), under the bucket's expiring `exports/` prefix."""
    return (f"exports/tenant={tenant_id}/report={report.value}/"
            f"date={created.strftime('%Y-%m-%d')}/{export_id}.{fmt.value}")


# -- encoding --------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int:  # most cells: as they are
        return value
    if value is None:
        return ""
    if kind is datetime:
        return value.isoformat()
    if kind is list or kind is tuple:
        return " ".join(str(v) for v in value)
    if kind is float and value.is_integer():
        return int(value)
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class RowEncoder:
    """Rows (mappings) -> bytes in one format with one report's columns."""

    def __init__(self, report: Report, fmt: Format) -> None:
        self.columns = COLUMNS[report]
        self.format = fmt
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")

    def header(self) -> bytes:
        if self.format is Format.CSV:
            self._csv.writerow(self.columns)
            return BOM + self._drain()
        return b""

    def encode(self, rows: Iterable[Mapping[str, Any]]) -> bytes:
        if self.format is Format.CSV:
            columns, cell = self.columns, _cell
            self._csv.writerows([cell(row.get(c)) for c in columns] for row in rows)
            return self._drain()
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        return "".join(dumps({c: _json_value(row.get(c)) for c in self.columns}) + "\n"
                       for row in rows).encode()

    def _drain(self) -> bytes:
        data = self._text.getvalue().encode()
        self._text.seek(0)
        self._text.truncate()
        return data


class PartBuffer:
    """Collects bytes and hands out parts of at least `part_size` (the last may be smaller)."""

    def __init__(self, part_size: int = DEFAULT_PART_SIZE) -> None:
        self.part_size = part_size
        self._buffer = bytearray()

    def add(self, data: bytes) -> list[bytes]:
        self._buffer += data
        parts = []
        while len(self._buffer) >= self.part_size:
            parts.append(bytes(self._buffer[:self.part_size]))
            del self._buffer[:self.part_size]
        return parts

    def rest(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    def __len__(self) -> int:
        return len(self._buffer)


# -- the object store, as the export needs it -----------------------------------------


class MultipartUpload(Protocol):
    """One object being written in parts; it exists only after `complete`."""

    def upload_part(self, number: int, data: bytes) -> None: ...

    def complete(self) -> None: ...

    def abort(self) -> None: ...


class ExportObjects(Protocol):
    def start(self, key: str, content_type: str) -> MultipartUpload: ...

    def link(self, key: str, filename: str, expires_s: int) -> str: ...


class ReportMail(Protocol):
    """Sends one plain-text email (the periodic report's "ready" note to campaign owners)."""

    def send(self, to: str, subject: str, text: str) -> str: ...


def report_days(start: datetime | None, end: datetime | None,
                created: datetime) -> tuple[str, str]:
    """The calendar days a rate report covers: [start, end) as inclusive days; without a
    range, the 30 days up to the day it was asked for (`created`)."""
    last = (end - timedelta(microseconds=1)).date() if end else created.date()
    first = start.date() if start else last - timedelta(days=29)
    return first.isoformat(), max(first, last).isoformat()


def ready_note(export_id: str, first: str, last: str, rows: int,
               console_url: str) -> tuple[str, str]:
    """Subject and text of the email that says a periodic report is ready. The link is to
    the console (sign in with a key; it fetches a fresh 15-minute download link), not a
    presigned URL: those expire long before an email is read."""
    subject = f"TalentLoop: completion and response rates {first} - {last} / 完成率与响应率报告"
    text = (f"The completion- and response-rate report for {first} to {last} is ready "
            f"({rows} rows: position x channel, no-show reasons, recovery per reminder "
            f"round).\n\n完成率与响应率报告已生成 ({first} 至 {last}):\n\n"
            f"{console_url}#/reports?export={export_id}\n\n"
            f"API: GET /reports/exports/{export_id}\n")
    return subject, text


# -- schedules -------------------------------------------------------------------------


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class Period:
    frequency: Frequency
    label: str  # 20261124 or 2026w47
    start: datetime
    end: datetime


def periods_ended(at: datetime) -> list[Period]:
    """The periods that ended at the last midnight (UTC) before `at`: yesterday every day,
    and last ISO week on Mondays. A schedule retried later the same day gets the same ones."""
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    day = midnight - timedelta(days=1)
    periods = [Period(Frequency.DAILY, day.strftime("%Y%m%d"), day, midnight)]
    if midnight.weekday() == 0:
        week = midnight - timedelta(days=7)
        year, number, _ = week.isocalendar()
        periods.append(Period(Frequency.WEEKLY, f"{year}w{number:02d}", week, midnight))
    return periods


def scheduled_export_id(period: Period, report: Report) -> str:
    """Deterministic: a retried schedule lands on the same id (created once per tenant)."""
    return f"sch-{period.frequency.value}-{report.value}-{period.label}"


def parse_reports(values: Sequence[str]) -> list[Report]:
    reports = []
    for value in values:
        if value not in {r.value for r in Report}:
            raise ValidationFailed(f"unknown report {value!r}", code="unknown_report")
        reports.append(Report(value))
    return list(dict.fromkeys(reports))


def keyed_export_id(tenant_id: str, idempotency_key: str) -> str:
    """An on-demand export's id derived from its Idempotency-Key: a retried POST lands on
    the same export instead of starting a second one."""
    if not idempotency_key.strip() or len(idempotency_key) > 200:
        raise ValidationFailed("Idempotency-Key must be 1-200 characters",
                               code="invalid_idempotency_key")
    raw = hashlib.sha256(f"{tenant_id}\x1f{idempotency_key}".encode()).digest()
    return "expk" + base64.b32encode(raw).decode().lower().rstrip("=")[:26]
