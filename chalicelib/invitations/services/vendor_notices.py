"""Telling the vendor what changed on our side (a stream consumer): a deadline moved (HR's
extension, a candidate's self-extension, a resend with a fresh window), an invitation
cancelled or closed. Only for tenants whose vendor configuration has an API URL; the
adapter's `notify` says it in the vendor's terms. A failed call fails its record, which the
stream retries (a notice says the current deadline, so saying it twice is harmless).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.domain.vendors import Notice
from chalicelib.invitations.models import InvitationItem
from chalicelib.invitations.services.vendor_events import VendorDirectory
from chalicelib.observability import logger
from chalicelib.shared.fanout import Pending, StreamRecord

_TOLD = {Status.CANCELLED: "cancelled", Status.CLOSED: "closed"}


def notice_of(new: InvitationItem, old: InvitationItem, at: datetime) -> Notice | None:
    """What the vendor should hear about this change (pure), if anything."""
    status = Status(new.status)
    if status is not Status(old.status) and status in _TOLD:
        return Notice(_TOLD[status], new.invitation_id, new.deadline_at, at)
    if new.deadline_at != old.deadline_at:
        kind = "extended" if new.deadline_at > old.deadline_at else "deadline_changed"
        return Notice(kind, new.invitation_id, new.deadline_at, at)
    return None


class VendorNotices:
    def __init__(self, directory: VendorDirectory) -> None:
        self._directory = directory
        self._pending: Pending[tuple[str, Notice]] = Pending()

    def collect(self, record: StreamRecord) -> None:
        new, old = record.new, record.old
        if isinstance(new, InvitationItem) and isinstance(old, InvitationItem):
            notice = notice_of(new, old, new.status_changed_at)
            if notice is not None:
                self._pending.add(record.sequence, (new.tenant_id, notice))

    def flush(self, now: datetime) -> list[str]:
        def send(notices: list[tuple[str, Notice]]) -> list[int]:
            failed = []
            for index, (tenant_id, notice) in enumerate(notices):
                config = self._directory.config(self._directory.tenant(tenant_id, now))
                if not config.api_url:
                    continue
                try:
                    self._directory.adapter(config).notify(notice)
                except Exception:  # the vendor's outage: this record is retried
                    logger.exception("vendor notice failed", extra={"tenant_id": tenant_id})
                    failed.append(index)
            return failed

        return self._pending.flush(send)
