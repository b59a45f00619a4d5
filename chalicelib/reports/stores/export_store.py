"""Export items (claim with a lease, finish, release) and the rows exports read, page by page.

Rows come from Queries only: a campaign's invitations are read status by status through the
gsi1 status index (`T#<t>#C#<c>#S#<status>`), a tenant's through its campaigns
(`T#<t>#CAMPAIGNS`) one after another. No tenant-wide invitation index is needed, and no
Scan; each page is at most DynamoDB's 1 MB.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.models import CampaignItem, InvitationItem
from chalicelib.reports.domain.exports import ExportStatus
from chalicelib.reports.models import ExportItem, ExportScheduleItem
from chalicelib.shared.stores import leased_jobs
from chalicelib.shared.stores.dynamo import decode_cursor, encode_cursor, get_or_none

PAGE = 500
#: What an invitations export reads (ProjectionExpression): a third of the item, and
#: parsing the response is most of an export's CPU.
INVITATION_COLUMNS = ("pk", "sk", "entity", "invitation_id", "campaign_id", "position_id",
                      "candidate_id", "status", "channels", "locale", "timezone", "created_at",
                      "status_changed_at", "deadline_at", "grace_hours", "rounds_done", "score",
                      "delivery_problem", "reason", "reason_text", "extension_requested_at")


class ExportStore:
    # -- export items ----------------------------------------------------------------------
    def add(self, item: ExportItem) -> bool:
        """Create unless the id exists (deterministic ids: retries create nothing twice)."""
        return leased_jobs.add_once(item)

    def get(self, tenant_id: str, export_id: str) -> ExportItem | None:
        return get_or_none(ExportItem, ExportItem.key(tenant_id, export_id), True)

    def recent(self, tenant_id: str, limit: int,
               cursor: str | None) -> tuple[list[ExportItem], str | None]:
        hash_key, _ = ExportItem.index_keys(tenant_id, "", "")
        result = ExportItem.gsi1.query(hash_key, scan_index_forward=False, limit=limit,
                                       last_evaluated_key=decode_cursor(cursor))
        items = [i for i in result if isinstance(i, ExportItem)]
        return items, encode_cursor(result.last_evaluated_key)

    def claim(self, item: ExportItem, now: datetime, until: datetime) -> bool:
        """queued -> running, or take over a running export whose lease ran out."""
        return leased_jobs.claim(item, now, until)

    def finish(self, item: ExportItem, key: str, rows: int, size: int, now: datetime) -> None:
        """running -> done, only after the object is complete in S3, and only while this
        worker's claim holds (a worker that outlived its lease fails here and is retried)."""
        item.update(actions=[ExportItem.status.set(ExportStatus.DONE.value),
                             ExportItem.object_key.set(key), ExportItem.rows.set(rows),
                             ExportItem.size_bytes.set(size), ExportItem.finished_at.set(now),
                             ExportItem.lease_until.remove(), ExportItem.last_error.remove()],
                    condition=leased_jobs.ours(item))

    def release(self, item: ExportItem, error: str, *, final: bool, now: datetime) -> None:
        """A failed attempt: back to queued (the queue redelivers), or failed for good."""
        leased_jobs.release(item, error, final=final, now=now)

    # -- schedules ---------------------------------------------------------------------------
    def get_schedule(self, tenant_id: str) -> ExportScheduleItem | None:
        return get_or_none(ExportScheduleItem, ExportScheduleItem.key(tenant_id), True)

    def save_schedule(self, item: ExportScheduleItem) -> None:
        item.save()

    def schedules(self) -> Iterator[ExportScheduleItem]:
        """Every opted-in tenant's schedule (one Query, paginated by PynamoDB)."""
        hash_key, _ = ExportScheduleItem.index_keys("")
        for item in ExportScheduleItem.gsi1.query(hash_key):
            if isinstance(item, ExportScheduleItem):
                yield item

    # -- rows --------------------------------------------------------------------------------
    def campaigns(self, tenant_id: str) -> Iterator[CampaignItem]:
        for item in CampaignItem.gsi1.query(f"T#{tenant_id}#CAMPAIGNS"):
            if isinstance(item, CampaignItem):
                yield item

    def campaign(self, tenant_id: str, campaign_id: str) -> CampaignItem | None:
        return get_or_none(CampaignItem, CampaignItem.key(tenant_id, campaign_id))

    def invitation_pages(self, tenant_id: str, campaign_id: str, start: datetime | None,
                         end: datetime | None) -> Iterator[list[InvitationItem]]:
        """One campaign's invitations, a Query page at a time, status by status."""
        condition = None
        if start is not None:
            condition = InvitationItem.created_at >= start
        if end is not None:
            before = InvitationItem.created_at < end
            condition = before if condition is None else condition & before
        page: list[InvitationItem] = []
        for status in Status:
            hash_key, _ = InvitationItem.status_index_keys(tenant_id, campaign_id, status.value,
                                                           "")
            # PynamoDB reads the next Query page (<= 1 MB) only when this one is used up
            for item in InvitationItem.gsi1.query(hash_key, filter_condition=condition,
                                                  page_size=PAGE,
                                                  attributes_to_get=list(INVITATION_COLUMNS)):
                if isinstance(item, InvitationItem):
                    page.append(item)
                if len(page) >= PAGE:
                    yield page
                    page = []
        if page:
            yield page
