"""Today's format: Standard Webhooks (https://www.standardwebhooks.com/).

Headers `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 minutes around the receipt) and
`webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, several separated by
spaces: one per live secret during a rotation). Body
`{"type": "interview.<lifecycle>", "timestamp": ..., "data": {"invitation_id", "score"?,
"report_url"?}}`; the three original types (opened, started, completed) are unchanged, the
rest of the lifecycle (invited, expired, abandoned, scored, report_available) was added.
The vendor's link is `<base>/i/<invitation id>`; with an API URL, notices are POSTed to
`<api>/interviews/<id>/notices` and the poller reads `<api>/interviews?ids=a,b`.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook

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
    lower_headers,
    poll_id,
)

TOLERANCE = timedelta(minutes=5)
TYPES = {f"interview.{value.value}": value for value in Lifecycle if value is not Lifecycle.NOTED}


def sign(secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The headers a sender puts on `body` (the simulator and tests send with this)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body),
            "content-type": "application/json"}


class StandardWebhooks(VendorAdapter):
    name = "standard"
    signs_webhooks = True

    def notify(self, notice: Notice) -> None:
        if self._api and self._http:
            self._http.post(f"{self._api}/interviews/{notice.invitation_id}/notices",
                            {"kind": notice.kind, "deadline_at": notice.deadline_at.isoformat(),
                             "at": notice.at.isoformat()}, {})

    def claimed_invitations(self, body: bytes) -> list[str]:
        data = (loads_or_none(body) or {}).get("data")
        value = data.get("invitation_id") if isinstance(data, dict) else None
        return [value] if isinstance(value, str) else []

    def parse(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str],
              received_at: datetime, *, require_signature: bool = True) -> list[InboundEvent]:
        lower = lower_headers(headers)
        msg_id = lower.get("webhook-id", "")
        stamp = lower.get("webhook-timestamp", "")
        signatures = lower.get("webhook-signature", "")
        if not (msg_id and stamp and signatures):
            raise VerificationError("webhook-id, webhook-timestamp and webhook-signature are "
                                    "required", code="missing_signature_headers")
        try:
            sent_at = datetime.fromtimestamp(int(stamp), UTC)
        except (ValueError, OverflowError) as err:
            raise VerificationError("webhook-timestamp is not a Unix time",
                                    code="invalid_timestamp") from err
        if abs(received_at - sent_at) > TOLERANCE:
            raise VerificationError("webhook-timestamp is outside the 5 minute tolerance",
                                    code="stale_timestamp")
        text = body.decode("utf-8", errors="replace")
        if not _signed(secrets, msg_id, sent_at, text, signatures):
            raise VerificationError("no valid signature", code="invalid_signature")
        payload = json_body(body)
        return [_event(payload, msg_id, received_at)]

    def fetch_status(self, invitation_ids: Sequence[str],
                     now: datetime) -> list[InboundEvent]:
        if not (self._api and self._http and invitation_ids):
            return []
        answer = self._http.get(f"{self._api}/interviews", {"ids": ",".join(invitation_ids)}, {})
        events = []
        for row in (answer or {}).get("items", []):
            lifecycle = Lifecycle(row["status"])
            at = instant_of(row.get("updated_at"), now)
            events.append(InboundEvent(poll_id(self.name, row["invitation_id"], lifecycle),
                                       row["invitation_id"], lifecycle, at,
                                       f"poll.{lifecycle.value}",
                                       score_of(row.get("score"), 100)))
        return events


def _signed(secrets: Sequence[str], msg_id: str, sent_at: datetime, text: str,
            header: str) -> bool:
    """Any v1 signature in the header made with any live secret (the `standardwebhooks`
    library checks one secret at a time, so each is tried)."""
    given = [sig for version, _, sig in (c.partition(",") for c in header.split())
             if version == "v1"]
    for secret in secrets:
        expected = Webhook(secret).sign(msg_id=msg_id, timestamp=sent_at, data=text)
        if any(hmac.compare_digest(sig, expected.split(",", 1)[1]) for sig in given):
            return True
    return False


def _event(body: dict[str, Any], msg_id: str, received_at: datetime) -> InboundEvent:
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("invitation_id"), str):
        raise VerificationError("body must be an object with a data object",
                                code="invalid_body", status=400)
    kind = body.get("type")
    if kind not in TYPES:
        raise VerificationError(f"type must be one of {', '.join(TYPES)}",
                                code="unsupported_event_type", status=400)
    occurred = instant_of(body.get("timestamp"), received_at)
    score = score_of(data.get("score"), 100)
    detail = {"report_url": data["report_url"]} if isinstance(data.get("report_url"), str) \
        else {}
    return InboundEvent(msg_id, data["invitation_id"], TYPES[kind], occurred, kind, score,
                        detail)
