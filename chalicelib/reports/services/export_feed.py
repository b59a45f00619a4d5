"""What the table's stream does for exports (hooked into triggers/stream.py):

- a new export item (INSERT) is handed to the exports queue, where the exporter picks it up
  (shared/job_feed.py: the same for new import jobs and the imports queue);
  a duplicate message is harmless (only one claim of an export succeeds);
- `produced()` recognises an export reaching `done` (MODIFY running -> done): the "export
  produced" event for metering, with tenant, report, format, rows and bytes. Replays of the
  same record give the same event; count it with a marker keyed by the export id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.reports.domain.exports import ExportStatus
from chalicelib.shared.domain.ports import MessageQueue
from chalicelib.shared.job_feed import JobFeed

ENTITY = "export"


@dataclass(frozen=True)
class ExportProduced:
    tenant_id: str
    export_id: str
    report: str
    format: str
    rows: int
    bytes: int


def _s(image: dict[str, Any], name: str) -> str | None:
    value = image.get(name, {}).get("S")
    return str(value) if value is not None else None


def _n(image: dict[str, Any], name: str) -> int:
    value = image.get(name, {}).get("N")
    return int(value) if value is not None else 0


def produced(event_name: str, new_image: dict[str, Any] | None,
             old_image: dict[str, Any] | None) -> ExportProduced | None:
    """The metering hook: an export that just turned `done`, else None."""
    if event_name != "MODIFY" or not new_image or _s(new_image, "entity") != ENTITY:
        return None
    if _s(new_image, "status") != ExportStatus.DONE.value:
        return None
    if old_image and _s(old_image, "status") == ExportStatus.DONE.value:
        return None
    return ExportProduced(_s(new_image, "tenant_id") or "", _s(new_image, "export_id") or "",
                          _s(new_image, "report") or "", _s(new_image, "format") or "",
                          _n(new_image, "rows"), _n(new_image, "size_bytes"))


class ExportFeed(JobFeed):
    def __init__(self, queue: MessageQueue) -> None:
        super().__init__(queue, ENTITY, "export_id")
