"""A Hireflix-shaped adapter (one-way video interviews).

Modelled on what public material shows of Hireflix's webhooks (its MCP tool list: "Create
Webhook ... typical events: interview.finish, interview.create, interview.status-change",
"Score Interview ... between 0.5 and 5"; integration write-ups showing
`{"event": "interview.status-change", "data": {"id", "externalId", "status": "completed"}}`).
Hireflix's own webhook reference page was not found by our search, so the rest is modelled
plausibly and marked so here:

- events `interview.create`, `interview.finish`, `interview.status-change` (data.status:
  pending / opened / started / completed / expired / archived), `interview.score-updated`
  (data.score.value on 0.5-5, stored as 0-100);
- `data.externalId` is our invitation id (set when the interview is created);
- (modelled) the optional signature: header `X-Hireflix-Signature: sha256=<hex HMAC-SHA256
  of the raw body>` with the webhook's secret; no message id, so a digest of event, interview,
  status and date identifies an event (a resend is a duplicate);
- (modelled) creating an interview without Hireflix emailing the candidate, so we send the
  invitation: `POST <api>/interviews {"externalId", "notifyCandidate": false}` answers
  `{"url": {"public": ...}}`; without an API URL the link is `<base>/i/<invitation id>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib.invitations.adapters.vendors.common import (
    VendorAdapter,
    hex_hmac,
    hex_signed,
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
    lower_headers,
    poll_id,
)

SIGNATURE_HEADER = "x-hireflix-signature"
EVENTS = ("interview.create", "interview.finish", "interview.status-change",
          "interview.score-updated")
STATUSES = {"pending": Lifecycle.INVITED, "created": Lifecycle.INVITED,
            "opened": Lifecycle.OPENED, "started": Lifecycle.STARTED,
            "in_progress": Lifecycle.STARTED, "completed": Lifecycle.COMPLETED,
            "finished": Lifecycle.COMPLETED, "expired": Lifecycle.EXPIRED,
            "abandoned": Lifecycle.ABANDONED, "archived": Lifecycle.NOTED}
SCORE_SCALE = 5.0


def sign(secret: str, body: bytes) -> dict[str, str]:
    return {"X-Hireflix-Signature": f"sha256={hex_hmac(secret, body)}",
            "Content-Type": "application/json"}


class Hireflix(VendorAdapter):
    name = "hireflix"
    signs_webhooks = True

    def interview_link(self, invitation_id: str) -> str:
        if self._api and self._http:
            made = self._http.post(f"{self._api}/interviews",
                                   {"externalId": invitation_id, "notifyCandidate": False}, {})
            url = ((made or {}).get("url") or {}).get("public")
            if isinstance(url, str):
                return url
        return f"{self._base}/i/{invitation_id}"

    def notify(self, notice: Notice) -> None:
        if self._api and self._http:
            self._http.post(f"{self._api}/interviews/{notice.invitation_id}/deadline",
                            {"externalId": notice.invitation_id, "reason": notice.kind,
                             "deadline": notice.deadline_at.isoformat()}, {})

    def claimed_invitations(self, body: bytes) -> list[str]:
        data = (loads_or_none(body) or {}).get("data")
        value = data.get("externalId") if isinstance(data, dict) else None
        return [value] if isinstance(value, str) else []

    def parse(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str],
              received_at: datetime, *, require_signature: bool = True) -> list[InboundEvent]:
        signature = lower_headers(headers).get(SIGNATURE_HEADER)
        if signature is None and require_signature:
            raise VerificationError(f"{SIGNATURE_HEADER} is required",
                                    code="missing_signature_headers")
        if signature is not None and not hex_signed(signature, secrets, body):
            raise VerificationError("no valid signature", code="invalid_signature")
        payload = json_body(body)
        event = _event(payload, received_at)
        if signature is None:
            return [InboundEvent(**{**event.__dict__, "verified": False})]
        return [event]

    def fetch_status(self, invitation_ids: Sequence[str],
                     now: datetime) -> list[InboundEvent]:
        if not (self._api and self._http and invitation_ids):
            return []
        answer = self._http.get(f"{self._api}/interviews",
                                {"externalIds": ",".join(invitation_ids)}, {})
        events = []
        for row in (answer or {}).get("interviews", []):
            lifecycle = STATUSES.get(str(row.get("status")), Lifecycle.NOTED)
            score = (row.get("score") or {}).get("value")
            events.append(InboundEvent(
                poll_id(self.name, row["externalId"], lifecycle), row["externalId"],
                lifecycle, instant_of(row.get("updatedAt") or now.isoformat(), now),
                f"poll.{row.get('status')}", score_of(score, SCORE_SCALE)))
        return events


def _event(body: dict[str, Any], received_at: datetime) -> InboundEvent:
    kind = body.get("event")
    data = body.get("data")
    if kind not in EVENTS:
        raise VerificationError(f"event must be one of {', '.join(EVENTS)}",
                                code="unsupported_event_type", status=400)
    if not isinstance(data, dict) or not isinstance(data.get("externalId"), str):
        raise VerificationError("data.externalId (our invitation id) is required",
                                code="invalid_body", status=400)
    status = str(data.get("status") or "")
    if kind == "interview.create":
        lifecycle = Lifecycle.INVITED
    elif kind == "interview.finish":
        lifecycle = Lifecycle.COMPLETED
    elif kind == "interview.score-updated":
        lifecycle = Lifecycle.SCORED
    else:
        lifecycle = STATUSES.get(status, Lifecycle.NOTED)
    score = score_of((data.get("score") or {}).get("value"), SCORE_SCALE) \
        if isinstance(data.get("score"), dict) else None
    occurred = instant_of(body.get("date"), received_at)
    detail: dict[str, Any] = {"vendor_id": data.get("id"), "status": status or None}
    public = (data.get("url") or {}).get("public") if isinstance(data.get("url"), dict) else None
    if public:
        detail["report_url"] = public
    return InboundEvent(digest_id("hireflix", str(kind), str(data.get("id")), status,
                                  str(body.get("date"))),
                        data["externalId"], lifecycle, occurred, str(kind), score,
                        {k: v for k, v in detail.items() if v is not None})
