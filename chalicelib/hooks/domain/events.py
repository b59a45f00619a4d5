"""The events a tenant's HR system can subscribe to, and how the table's stream shows them
(pure: stream images in, events out).

    event type                       the stream record
    invitation.no_show               invitation MODIFY, status -> no_show (the sweep)
    invitation.completed             invitation MODIFY, status -> completed (vendor webhook)
    invitation.completed_late        invitation MODIFY, status -> completed_late (a completion
                                     inside the grace window; completions after the close are
                                     not recorded yet: issue 13 section 2, vendor side)
    invitation.reason_given          invitation MODIFY, `reason` set (self-service page)
    invitation.extension_requested   invitation MODIFY, `extension_requested_at` set
    candidate.tags_changed           tag INSERT (added), MODIFY with removed_at (removed by
                                     hand), REMOVE (expired): one event per tag change
    export.ready                     export MODIFY -> done (reports/services/export_feed.py)
    budget.threshold                 marker INSERT T#<t>#BUDGET#MARK / ALERT#<month>#<pct>
                                     (billing writes it once per threshold and month)

Every event's id derives from the change itself (the item's key and version), so the same
stream record seen twice (Lambda retries a batch) gives the same event, and a delivery is
created once per endpoint and event. `webhook.ping` is the API's test message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

EVENT_TYPES = ("invitation.no_show", "invitation.completed", "invitation.completed_late",
               "invitation.reason_given", "invitation.extension_requested",
               "candidate.tags_changed", "export.ready", "budget.threshold")
PING = "webhook.ping"
_STATUS_EVENTS = {"no_show": "invitation.no_show", "completed": "invitation.completed",
                  "completed_late": "invitation.completed_late"}


@dataclass(frozen=True)
class HookEvent:
    tenant_id: str
    type: str
    event_id: str  # stable per change: dedupes stream redeliveries
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The delivered body: Standard Webhooks' recommended `type`/`timestamp`/`data`."""
        return {"type": self.type, "timestamp": self.occurred_at.isoformat(),
                "data": self.data}


def event_id(*parts: str) -> str:
    return "evt_" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:26]


def _s(image: dict[str, Any] | None, name: str) -> str | None:
    value = (image or {}).get(name, {}).get("S")
    return str(value) if value is not None else None


def _n(image: dict[str, Any] | None, name: str) -> str | None:
    value = (image or {}).get(name, {}).get("N")
    return str(value) if value is not None else None


def events_of(event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None,
              at: datetime) -> list[HookEvent]:
    """The subscribable events one stream record shows (most records show none)."""
    image = new or old or {}
    entity = _s(image, "entity")
    if entity == "invitation" and event_name == "MODIFY":
        return _invitation(new or {}, old or {}, at)
    if entity == "tag":
        return _tag(event_name, new, old, at)
    if entity == "marker" and event_name == "INSERT":
        return _budget(image, at)
    return []


def _invitation(new: dict[str, Any], old: dict[str, Any], at: datetime) -> list[HookEvent]:
    tenant_id = _s(new, "tenant_id") or ""
    inv_id = _s(new, "invitation_id") or ""
    version = _n(new, "version") or "0"
    data = {"invitation_id": inv_id, "campaign_id": _s(new, "campaign_id"),
            "position_id": _s(new, "position_id"), "candidate_id": _s(new, "candidate_id"),
            "status": _s(new, "status")}
    out: list[HookEvent] = []
    status, before = _s(new, "status"), _s(old, "status")
    if status in _STATUS_EVENTS and status != before:
        kind = _STATUS_EVENTS[status]
        score = _n(new, "score")
        extra = {"score": float(score)} if score is not None and kind != "invitation.no_show" \
            else {}
        out.append(HookEvent(tenant_id, kind, event_id(kind, inv_id, version), at,
                             {**data, **extra}))
    reason = _s(new, "reason")
    if reason and reason != _s(old, "reason"):
        kind = "invitation.reason_given"
        out.append(HookEvent(tenant_id, kind, event_id(kind, inv_id, version), at,
                             {**data, "reason": reason}))
    asked = _s(new, "extension_requested_at")
    if asked and asked != _s(old, "extension_requested_at"):
        kind = "invitation.extension_requested"
        out.append(HookEvent(tenant_id, kind, event_id(kind, inv_id, asked), at,
                             {**data, "requested_at": asked}))
    return out


def _tag(event_name: str, new: dict[str, Any] | None, old: dict[str, Any] | None,
         at: datetime) -> list[HookEvent]:
    kind = "candidate.tags_changed"
    if event_name == "INSERT" and new and not _s(new, "removed_at"):
        change, image, stamp = "added", new, _s(new, "created_at") or ""
    elif event_name == "MODIFY" and new and _s(new, "removed_at") and \
            not _s(old, "removed_at"):
        change, image, stamp = "removed", new, _s(new, "removed_at") or ""
    elif event_name == "REMOVE" and old and not _s(old, "removed_at"):
        change, image, stamp = "removed", old, "expired"
    else:
        return []
    tag = _s(image, "tag") or ""
    data: dict[str, Any] = {"candidate_id": _s(image, "candidate_id"),
                            "added": [tag] if change == "added" else [],
                            "removed": [tag] if change == "removed" else [],
                            "campaign_id": _s(image, "campaign_id"),
                            "source": _s(image, "source")}
    key = f"{_s(image, 'pk')}/{_s(image, 'sk')}"
    return [HookEvent(_s(image, "tenant_id") or "", kind, event_id(kind, key, change, stamp),
                      at, data)]


def _budget(image: dict[str, Any], at: datetime) -> list[HookEvent]:
    pk, sk = _s(image, "pk") or "", _s(image, "sk") or ""
    if not (pk.startswith("T#") and pk.endswith("#BUDGET#MARK") and sk.startswith("ALERT#")):
        return []
    tenant_id = pk[2:-len("#BUDGET#MARK")]
    _, month, threshold = sk.split("#", 2)
    kind = "budget.threshold"
    return [HookEvent(tenant_id, kind, event_id(kind, pk, sk), at,
                      {"month": month, "threshold_percent": int(threshold)
                       if threshold.isdigit() else threshold})]


def export_ready(tenant_id: str, export_id: str, report: str, fmt: str, rows: int,
                 size: int, at: datetime) -> HookEvent:
    kind = "export.ready"
    return HookEvent(tenant_id, kind, event_id(kind, tenant_id, export_id), at,
                     {"export_id": export_id, "report": report, "format": fmt, "rows": rows,
                      "bytes": size})
