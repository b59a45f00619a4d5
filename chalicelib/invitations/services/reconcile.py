"""The reconciliation poller: for tenants whose vendor's webhooks are unsigned or may be
lost (`poll: true` in the tenant's vendor configuration), ask the vendor's API for the status
of every open invitation and apply what it says through the webhook path.

Idempotent with the webhooks and with itself: a status that would change nothing (the
webhook got there first, or the last poll did) is skipped before any write, and the poll's
event id is one per invitation and status (domain/vendors.py: poll_id), so a repeat is a
duplicate of its dedupe marker. Time is an argument (the schedule's event time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from chalicelib.invitations.models import InvitationItem, TenantItem
from chalicelib.invitations.services.vendor_events import (
    VendorDirectory,
    VendorEvents,
    changes_anything,
)
from chalicelib.observability import logger
from chalicelib.shared.domain.errors import Conflict, NotFound

CHUNK = 50  # invitations per status request


@dataclass
class PollReport:
    tenants: int = 0
    invitations: int = 0
    applied: int = 0
    unchanged: int = 0
    failed: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class Reconciler:
    def __init__(self, directory: VendorDirectory, events: VendorEvents,
                 tenants: Callable[[], Iterable[TenantItem]],
                 open_invitations: Callable[[str], Iterable[InvitationItem]]) -> None:
        self._directory = directory
        self._events = events
        self._tenants = tenants
        self._open = open_invitations

    def run(self, now: datetime) -> dict[str, int]:
        report = PollReport()
        for tenant in self._tenants():
            config = self._directory.config(tenant)
            if not config.poll or not config.api_url or tenant.disabled_at is not None:
                continue
            report.tenants += 1
            adapter = self._directory.adapter(config)
            for chunk in _chunks(self._open(tenant.tenant_id), CHUNK):
                report.invitations += len(chunk)
                by_id = {inv.invitation_id: inv for inv in chunk}
                try:
                    events = adapter.fetch_status(list(by_id), now)
                except Exception:  # one vendor outage must not stop the others
                    logger.exception("vendor status poll failed",
                                     extra={"tenant_id": tenant.tenant_id})
                    report.failed += len(chunk)
                    continue
                for event in events:
                    inv = by_id.get(event.invitation_id)
                    if inv is None or not changes_anything(inv, event):
                        report.unchanged += 1
                        continue
                    self._apply(tenant.tenant_id, config.vendor, event, now, report)
        return report.to_dict()

    def _apply(self, tenant_id: str, vendor: str, event: Any, now: datetime,
               report: PollReport) -> None:
        try:
            result = self._events.apply(tenant_id, vendor, event, now)
        except (Conflict, NotFound):
            report.failed += 1
            return
        if result["result"] == "duplicate":
            report.unchanged += 1
        else:
            report.applied += 1


def _chunks(items: Iterable[InvitationItem], size: int) -> Iterator[list[InvitationItem]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
