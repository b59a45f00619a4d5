"""A Spark Hire-shaped adapter (one-way video interviews), unsigned: a reconciliation vendor.

Spark Hire's public material names the events created / accepted / completed / expired /
rescheduled / reset / rated and offers replay; its webhook reference page (payload fields,
any signature) was not found by our search, so the payload is modelled plausibly:

    {"id": "<delivery id>", "event": "interview.completed", "created_at": "<ISO instant>",
     "data": {"interview": {"uuid", "status", "external_reference": "<our invitation id>",
                            "rating": 1-5 (rated), "expires_at", "share_url"}}}

No signature is modelled, so nothing proves an event came from Spark Hire: its webhooks are
hints (kept in the timeline, moving nothing) and the reconciliation poller reads the truth
from `GET <api>/v1/interviews?external_reference=a,b` (modelled:
`{"data": [{"external_reference", "status", "updated_at", "rating"}]}`). A tenant may still
accept them (`require_signature: false` is then not enough: unsigned is never trusted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib.invitations.adapters.vendors.common import (
    VendorAdapter,
    instant_of,
    json_body,
    loads_or_none,
    score_of,
)
from chalicelib.invitations.domain.vendors import (
    InboundEvent,
    Lifecycle,
    Notice,
    VerificationError,
    digest_id,
    poll_id,
)

EVENTS = {"interview.created": Lifecycle.INVITED, "interview.accepted": Lifecycle.OPENED,
          "interview.completed": Lifecycle.COMPLETED, "interview.expired": Lifecycle.EXPIRED,
          "interview.rescheduled": Lifecycle.NOTED, "interview.reset": Lifecycle.NOTED,
          "interview.rated": Lifecycle.SCORED}
STATUSES = {"created": Lifecycle.INVITED, "invited": Lifecycle.INVITED,
            "accepted": Lifecycle.OPENED, "in_progress": Lifecycle.STARTED,
            "completed": Lifecycle.COMPLETED, "expired": Lifecycle.EXPIRED,
            "abandoned": Lifecycle.ABANDONED}
RATING_SCALE = 5.0


class SparkHire(VendorAdapter):
    name = "sparkhire"
    signs_webhooks = False

    def notify(self, notice: Notice) -> None:
        if self._api and self._http:
            self._http.post(f"{self._api}/v1/interviews/{notice.invitation_id}/reschedule",
                            {"external_reference": notice.invitation_id,
                             "reason": notice.kind,
                             "expires_at": notice.deadline_at.isoformat()}, {})

    def claimed_invitations(self, body: bytes) -> list[str]:
        data = (loads_or_none(body) or {}).get("data")
        interview = data.get("interview") if isinstance(data, dict) else None
        value = interview.get("external_reference") if isinstance(interview, dict) else None
        return [value] if isinstance(value, str) else []

    def parse(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str],
              received_at: datetime, *, require_signature: bool = True) -> list[InboundEvent]:
        payload = json_body(body)
        kind = payload.get("event")
        data = payload.get("data")
        interview = data.get("interview") if isinstance(data, dict) else None
        if kind not in EVENTS:
            raise VerificationError(f"event must be one of {', '.join(EVENTS)}",
                                    code="unsupported_event_type", status=400)
        if not isinstance(interview, dict) or \
                not isinstance(interview.get("external_reference"), str):
            raise VerificationError("data.interview.external_reference is required",
                                    code="invalid_body", status=400)
        lifecycle = EVENTS[str(kind)]
        score = score_of(interview.get("rating"), RATING_SCALE) \
            if lifecycle is Lifecycle.SCORED else None
        event_id = payload.get("id") if isinstance(payload.get("id"), str) else digest_id(
            "sparkhire", str(kind), str(interview.get("uuid")), str(payload.get("created_at")))
        detail: dict[str, Any] = {"vendor_id": interview.get("uuid")}
        if interview.get("share_url"):
            detail["report_url"] = interview["share_url"]
        return [InboundEvent(str(event_id), interview["external_reference"], lifecycle,
                             instant_of(payload.get("created_at"), received_at), str(kind),
                             score, detail, verified=False)]

    def fetch_status(self, invitation_ids: Sequence[str],
                     now: datetime) -> list[InboundEvent]:
        if not (self._api and self._http and invitation_ids):
            return []
        answer = self._http.get(f"{self._api}/v1/interviews",
                                {"external_reference": ",".join(invitation_ids)}, {})
        events = []
        for row in (answer or {}).get("data", []):
            lifecycle = STATUSES.get(str(row.get("status")), Lifecycle.NOTED)
            events.append(InboundEvent(
                poll_id(self.name, row["external_reference"], lifecycle),
                row["external_reference"], lifecycle,
                instant_of(row.get("updated_at") or now.isoformat(), now),
                f"poll.{row.get('status')}", score_of(row.get("rating"), RATING_SCALE)))
        return events
