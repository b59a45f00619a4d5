"""Exports to S3, on demand and on a schedule (docs/exports.md).

    POST /reports/exports -> ExportItem (queued) -> table stream (INSERT) -> exports queue
    -> exporter: claim (queued -> running, with a lease) -> rows page by page -> CSV/JSONL
    -> S3 multipart upload -> CompleteMultipartUpload -> done (rows, bytes) -> GET: a link

A failed attempt aborts its upload (no object, nothing half written is ever published),
goes back to `queued` and is retried by the queue; after MAX_ATTEMPTS it is `failed`.
Duplicate deliveries do one export: only one claim succeeds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.models import CampaignItem, InvitationItem
from chalicelib.observability import logger
from chalicelib.reports.domain.exports import (
    CONTENT_TYPES,
    DEFAULT_PART_SIZE,
    MAX_ATTEMPTS,
    ExportObjects,
    ExportRequest,
    ExportStatus,
    Format,
    Frequency,
    MultipartUpload,
    PartBuffer,
    Report,
    ReportMail,
    RowEncoder,
    keyed_export_id,
    object_key,
    parse_reports,
    parse_request,
    periods_ended,
    ready_note,
    report_days,
    scheduled_export_id,
)
from chalicelib.reports.models import ExportItem, ExportScheduleItem
from chalicelib.reports.services.rates import RatesService
from chalicelib.reports.stores.export_store import ExportStore
from chalicelib.shared.domain.errors import NotFound, Unprocessable, ValidationFailed
from chalicelib.shared.domain.ids import new_id
from chalicelib.shared.stores import leased_jobs


class ExportRetry(Exception):
    """This attempt failed (or another worker holds the export): let the queue redeliver."""


def write_export(upload: MultipartUpload, encoder: RowEncoder,
                 pages: Iterable[Sequence[Mapping[str, Any]]],
                 part_size: int = DEFAULT_PART_SIZE) -> tuple[int, int]:
    """Stream pages of rows into `upload` in parts; complete it. Returns (rows, bytes).
    Memory: one page of rows plus one part, whatever the number of rows."""
    buffer = PartBuffer(part_size)
    number = rows = size = 0

    def send(part: bytes) -> None:
        nonlocal number, size
        number += 1
        upload.upload_part(number, part)
        size += len(part)

    for part in buffer.add(encoder.header()):
        send(part)
    for page in pages:
        rows += len(page)
        for part in buffer.add(encoder.encode(page)):
            send(part)
    rest = buffer.rest()
    if rest or number == 0:
        send(rest)
    upload.complete()
    return rows, size


def invitation_row(inv: InvitationItem) -> dict[str, Any]:
    return {"invitation_id": inv.invitation_id, "campaign_id": inv.campaign_id,
            "position_id": inv.position_id, "candidate_id": inv.candidate_id,
            "status": inv.status, "channels": list(inv.channels or []), "locale": inv.locale,
            "timezone": inv.timezone, "created_at": inv.created_at,
            "status_changed_at": inv.status_changed_at, "deadline_at": inv.deadline_at,
            "grace_hours": inv.grace_hours, "rounds_done": int(inv.rounds_done or 0),
            "score": inv.score,
            "delivery_problem": inv.delivery_problem, "reason": inv.reason,
            "reason_text": inv.reason_text, "extension_requested_at": inv.extension_requested_at}


def campaign_row(campaign: CampaignItem) -> dict[str, Any]:
    counts = campaign.counts()
    return {"campaign_id": campaign.campaign_id, "name": campaign.name,
            "position_id": campaign.position_id, "channels": list(campaign.channels or []),
            "created_at": campaign.created_at, "deadline_at": campaign.deadline_at,
            "window_hours": campaign.window_hours, **counts, "total": sum(counts.values())}


class ExportService:
    def __init__(self, store: ExportStore, objects: ExportObjects, *, link_ttl_s: int = 900,
                 lease_s: int = 960, part_size: int = DEFAULT_PART_SIZE,
                 rates: RatesService | None = None, mail: ReportMail | None = None,
                 console_url: str = "") -> None:
        """`lease_s`: the exporter's timeout (900 s) and a minute: a claim outlives its worker.
        `rates`: the rows of the completion-rate report; `mail`: tells the campaign owners
        a scheduled one is ready (a link to `console_url`)."""
        self._rates = rates
        self._mail = mail
        self._console_url = console_url
        self._store = store
        self._objects = objects
        self._link_ttl_s = link_ttl_s
        self._lease = timedelta(seconds=lease_s)
        self._part_size = part_size

    # -- API -------------------------------------------------------------------------------
    def create(self, tenant_id: str, *, report: str, fmt: str, campaign_id: str | None,
               start: datetime | None, end: datetime | None, now: datetime,
               idempotency_key: str | None = None) -> dict[str, Any]:
        request = parse_request(report, fmt, campaign_id, start, end)
        if campaign_id and self._store.campaign(tenant_id, campaign_id) is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        export_id = (keyed_export_id(tenant_id, idempotency_key) if idempotency_key is not None
                     else new_id("exp"))
        item = self._new_item(tenant_id, export_id, request, "api", now)
        if not self._store.add(item):
            existing = self._store.get(tenant_id, export_id)
            if existing is None or existing.request_hash != request.fingerprint():
                raise Unprocessable("this Idempotency-Key was used for another export",
                                    code="idempotency_key_reused")
            item = existing
        return self.view(item, now)

    def get(self, tenant_id: str, export_id: str, now: datetime) -> dict[str, Any]:
        item = self._store.get(tenant_id, export_id)
        if item is None:
            raise NotFound(f"export {export_id} not found", code="export_not_found")
        return self.view(item, now)

    def recent(self, tenant_id: str, limit: int, cursor: str | None,
               now: datetime) -> dict[str, Any]:
        items, next_cursor = self._store.recent(tenant_id, limit, cursor)
        return {"items": [self.view(i, now, with_link=False) for i in items],
                "next_cursor": next_cursor}

    def view(self, item: ExportItem, now: datetime, with_link: bool = True) -> dict[str, Any]:
        def instant(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        body: dict[str, Any] = {
            "export_id": item.export_id, "report": item.report, "format": item.format,
            "campaign_id": item.campaign_id, "from": instant(item.range_start),
            "to": instant(item.range_end), "origin": item.origin, "status": item.status,
            "attempts": int(item.attempts or 0),
            "rows": int(item.rows) if item.rows is not None else None,
            "bytes": int(item.size_bytes) if item.size_bytes is not None else None,
            "created_at": instant(item.created_at), "finished_at": instant(item.finished_at),
            "error": item.last_error if item.status == ExportStatus.FAILED.value else None,
        }
        if with_link and item.status == ExportStatus.DONE.value and item.object_key:
            filename = item.object_key.rsplit("/", 1)[-1]
            body["download_url"] = self._objects.link(item.object_key, filename,
                                                      self._link_ttl_s)
            body["download_expires_at"] = instant(now + timedelta(seconds=self._link_ttl_s))
        return body

    # -- schedules ---------------------------------------------------------------------------
    def set_schedule(self, tenant_id: str, daily: Sequence[str], weekly: Sequence[str],
                     fmt: str, now: datetime) -> dict[str, Any]:
        if fmt not in {f.value for f in Format}:
            raise ValidationFailed("format must be csv or jsonl", code="unknown_format")
        pk, sk = ExportScheduleItem.key(tenant_id)
        item = ExportScheduleItem(pk, sk, tenant_id=tenant_id,
                                  daily=[r.value for r in parse_reports(daily)],
                                  weekly=[r.value for r in parse_reports(weekly)],
                                  format=fmt, updated_at=now)
        if item.daily or item.weekly:  # opted in: listed for the daily schedule
            item.gsi1pk, item.gsi1sk = ExportScheduleItem.index_keys(tenant_id)
        self._store.save_schedule(item)
        return self._schedule_view(item)

    def get_schedule(self, tenant_id: str) -> dict[str, Any]:
        item = self._store.get_schedule(tenant_id)
        if item is None:
            return {"daily": [], "weekly": [], "format": Format.CSV.value, "updated_at": None}
        return self._schedule_view(item)

    @staticmethod
    def _schedule_view(item: ExportScheduleItem) -> dict[str, Any]:
        return {"daily": list(item.daily), "weekly": list(item.weekly), "format": item.format,
                "updated_at": item.updated_at.isoformat()}

    def run_schedules(self, now: datetime) -> dict[str, int]:
        """Create the exports of the periods that ended (deterministic ids: a retried or
        repeated schedule creates nothing twice)."""
        created = existing = tenants = 0
        periods = periods_ended(now)
        for schedule in self._store.schedules():
            tenants += 1
            for period in periods:
                names = schedule.daily if period.frequency is Frequency.DAILY else schedule.weekly
                for report in parse_reports([str(n) for n in names]):
                    request = ExportRequest(report, Format(schedule.format), None, period.start,
                                            period.end)
                    item = self._new_item(schedule.tenant_id,
                                          scheduled_export_id(period, report), request,
                                          "schedule", now)
                    if self._store.add(item):
                        created += 1
                    else:
                        existing += 1
        return {"tenants": tenants, "exports_created": created, "exports_existing": existing}

    # -- the work ----------------------------------------------------------------------------
    def run(self, tenant_id: str, export_id: str, now: datetime) -> str:
        """Do one export, once. Raises ExportRetry for the queue to deliver it again."""
        item = self._store.get(tenant_id, export_id)
        if item is None:
            return "missing"
        if item.status in (ExportStatus.DONE.value, ExportStatus.FAILED.value):
            return f"already_{item.status}"
        if leased_jobs.out_of_attempts(item, MAX_ATTEMPTS, now):
            self._store.release(item, item.last_error or "worker_lost", final=True, now=now)
            return "failed"
        if not self._store.claim(item, now, now + self._lease):
            raise ExportRetry(f"export {export_id} is running elsewhere")
        request = ExportRequest(Report(item.report), Format(item.format), item.campaign_id,
                                item.range_start, item.range_end)
        key = object_key(tenant_id, request.report, item.created_at, export_id, request.format)
        try:
            upload = self._objects.start(key, CONTENT_TYPES[request.format])
        except Exception as err:
            return self._failed(item, err, now)
        try:
            rows, size = write_export(upload, RowEncoder(request.report, request.format),
                                      self._pages(tenant_id, request, item.created_at),
                                      self._part_size)
        except Exception as err:
            try:
                upload.abort()
            except Exception:  # the bucket's lifecycle aborts it after 7 days anyway
                logger.warning("export upload not aborted", extra={"export_id": export_id})
            return self._failed(item, err, now)
        self._store.finish(item, key, rows, size, now)
        logger.info("export done", extra={"tenant_id": tenant_id, "export_id": export_id,
                                          "rows": rows, "bytes": size})
        if request.report is Report.COMPLETION_RATES and item.origin == "schedule":
            self._tell_owners(item, request, rows)
        return "done"

    def _tell_owners(self, item: ExportItem, request: ExportRequest, rows: int) -> int:
        """Mail the link of a done periodic report to the owners of the campaigns it covers,
        once each. After `finish`: a mail that fails is logged, never fails the export (its
        link stays on GET); the export is done, so no retry mails anyone twice."""
        if self._mail is None or self._rates is None:
            return 0
        first, last = report_days(request.start, request.end, item.created_at)
        subject, text = ready_note(item.export_id, first, last, rows, self._console_url)
        sent = 0
        for owner in self._rates.owners(item.tenant_id, first, last):
            try:
                self._mail.send(owner, subject, text)
                sent += 1
            except Exception:
                logger.exception("report mail failed", extra={"export_id": item.export_id})
        logger.info("report mailed", extra={"export_id": item.export_id, "owners": sent})
        return sent

    def _failed(self, item: ExportItem, err: Exception, now: datetime) -> str:
        final = int(item.attempts or 0) >= MAX_ATTEMPTS
        error = type(err).__name__  # a class name: never row data (PII) in items or logs
        self._store.release(item, error, final=final, now=now)
        logger.warning("export attempt failed", extra={
            "tenant_id": item.tenant_id, "export_id": item.export_id,
            "attempt": int(item.attempts or 0), "error": error, "final": final})
        if final:
            return "failed"
        raise ExportRetry(f"export {item.export_id} attempt failed: {error}") from err

    def _pages(self, tenant_id: str, request: ExportRequest,
               created: datetime) -> Iterator[list[dict[str, Any]]]:
        if request.report is Report.COMPLETION_RATES:
            if self._rates is None:
                raise RuntimeError("the completion-rate report needs the rates service")
            first, last = report_days(request.start, request.end, created)
            rows = list(self._rates.report_rows(tenant_id, first, last))
            for start in range(0, len(rows), 100):
                yield rows[start:start + 100]
            return
        if request.report is Report.CAMPAIGN_SUMMARY:
            page: list[dict[str, Any]] = []
            for campaign in self._campaigns(tenant_id, request.campaign_id):
                page.append(campaign_row(campaign))
                if len(page) >= 100:
                    yield page
                    page = []
            if page:
                yield page
            return
        for campaign in self._campaigns(tenant_id, request.campaign_id):
            for invitations in self._store.invitation_pages(tenant_id, campaign.campaign_id,
                                                            request.start, request.end):
                yield [invitation_row(inv) for inv in invitations]

    def _campaigns(self, tenant_id: str, campaign_id: str | None) -> Iterator[CampaignItem]:
        if campaign_id is None:
            yield from self._store.campaigns(tenant_id)
            return
        campaign = self._store.campaign(tenant_id, campaign_id)
        if campaign is not None:
            yield campaign

    @staticmethod
    def _new_item(tenant_id: str, export_id: str, request: ExportRequest, origin: str,
                  now: datetime) -> ExportItem:
        pk, sk = ExportItem.key(tenant_id, export_id)
        gpk, gsk = ExportItem.index_keys(tenant_id, now.isoformat(), export_id)
        return ExportItem(pk, sk, tenant_id=tenant_id, export_id=export_id,
                          report=request.report.value, format=request.format.value,
                          campaign_id=request.campaign_id, range_start=request.start,
                          range_end=request.end, origin=origin,
                          request_hash=request.fingerprint(),
                          status=ExportStatus.QUEUED.value, attempts=0, created_at=now,
                          gsi1pk=gpk, gsi1sk=gsk)
