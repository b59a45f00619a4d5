"""Metering: every billable effect becomes one usage record, exactly once.

The usage record is written from the same stream record that shows the effect itself, with a
key derived from that effect, so it can neither be written twice (replays, retries, duplicate
queue deliveries) nor be missing for an effect that happened (the stream delivers every
change at least once, and a record is retried until its usage is written):

- invitation created: the invitation's INSERT        -> `invitation#<invitation id>`
- email sent / SMS parts sent: the outbox item's move to `sent` with a provider message id
                                                       -> `outbox#<pk>#<sk>#<provider id>`
  (an SMS bills `sms_parts`, as carriers count them; an item is marked sent once, with one id)
- webhook event processed: the dedupe marker's INSERT (written in the same transaction as
  the event's effect, and only then)                  -> `webhook#<webhook-id>`
- export produced: `meter_export()` by the export job -> `export#<export id>`
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from chalicelib.billing.domain.pricing import (
    EMAIL,
    INVITATION,
    SMS_PART,
    WEBHOOK_EVENT,
    UsageRecord,
    export_usage,
)
from chalicelib.billing.stores.usage_store import UsageStore
from chalicelib.invitations.models import InvitationItem, OutboxItem
from chalicelib.invitations.services.vendor_events import DEDUPE_FOR, webhook_marker_of
from chalicelib.observability import logger
from chalicelib.reports.models import ExportItem
from chalicelib.shared.models import MarkerItem, from_image


def usage_of(event_name: str, new_image: dict[str, Any] | None,
             old_image: dict[str, Any] | None) -> list[UsageRecord]:
    """The usage a stream record bills (usually none). Deterministic: a replay of the same
    record yields the same keys."""
    if not new_image:
        return []
    new = from_image(new_image)
    if isinstance(new, InvitationItem) and event_name == "INSERT":
        return [UsageRecord(new.tenant_id, INVITATION, 1, f"invitation#{new.invitation_id}",
                            new.created_at, {"campaign_id": new.campaign_id})]
    if isinstance(new, OutboxItem):
        return _sent(new, from_image(old_image) if old_image else None)
    if isinstance(new, ExportItem):
        return _exported(new, from_image(old_image) if old_image else None)
    if isinstance(new, MarkerItem) and event_name == "INSERT" and new.expiration is not None:
        marked = webhook_marker_of(new.pk, new.sk)
        if marked is None:
            return []
        tenant_id, webhook_id = marked
        received = new.expiration - DEDUPE_FOR  # the marker lives DEDUPE_FOR from receipt
        return [UsageRecord(tenant_id, WEBHOOK_EVENT, 1, f"webhook#{webhook_id}", received)]
    return []


def _exported(new: ExportItem, old: Any) -> list[UsageRecord]:
    """An export billed when it turns `done` (its file is published), dated by its own
    completion time, so a replay or a retried stream batch yields the same record."""
    if new.status != "done" or new.finished_at is None:
        return []
    if isinstance(old, ExportItem) and old.status == "done":
        return []
    return [export_usage(new.tenant_id, new.export_id, int(new.rows or 0),
                         int(new.size_bytes or 0), new.finished_at)]


def _sent(new: OutboxItem, old: Any) -> list[UsageRecord]:
    provider_id = new.provider_message_id
    if new.status != "sent" or not provider_id or new.sent_at is None:
        return []
    if isinstance(old, OutboxItem) and old.status == "sent" \
            and old.provider_message_id == provider_id:
        return []  # a later change of a sent item (delivery, bounce): billed already
    if new.channel == "chat":
        return []  # the tenant's own group bot: nothing we pay for per message
    key = f"outbox#{new.pk}#{new.sk}#{provider_id}"
    detail = {"invitation_id": new.invitation_id, "kind": new.kind,
              "provider_message_id": provider_id}
    if new.channel == "sms":
        parts = int(new.sms_parts or 1)
        return [UsageRecord(new.tenant_id, SMS_PART, parts, key, new.sent_at,
                            {**detail, "encoding": new.sms_encoding})]
    return [UsageRecord(new.tenant_id, EMAIL, 1, key, new.sent_at, detail)]


class MeteringService:
    def __init__(self, usage: UsageStore,
                 after: Callable[[Sequence[UsageRecord], datetime], None] | None = None) -> None:
        self._usage = usage
        self._after = after  # budget checks for the tenants a batch billed

    def usage_of(self, event_name: str, new_image: dict[str, Any] | None,
                 old_image: dict[str, Any] | None) -> list[UsageRecord]:
        return usage_of(event_name, new_image, old_image)

    def record(self, records: Sequence[UsageRecord], now: datetime) -> list[int]:
        """Write a stream batch's usage (one transaction per tenant and day); returns the
        indexes that failed. Budget thresholds are checked afterwards, once per tenant."""
        if not records:
            return []
        failed = self._usage.record_many(records)
        if self._after is not None:
            bad = set(failed)
            try:
                self._after([r for i, r in enumerate(records) if i not in bad], now)
            except Exception:  # the usage is written; the tenant's next batch checks again
                logger.exception("budget check failed", extra={"records": len(records)})
        return failed

    def meter_export(self, tenant_id: str, export_id: str, rows: int, size_bytes: int,
                     at: datetime) -> bool:
        """Bill one produced export (call it when the export is published as done; pass the
        export's own completion time so a retry yields the same record). False when it was
        billed before."""
        usage = export_usage(tenant_id, export_id, rows, size_bytes, at)
        created = self._usage.record(usage)
        if created and self._after is not None:
            self._after([usage], at)
        return created
