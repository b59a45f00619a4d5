"""Standard Webhooks signatures of outbound deliveries (pure).

The same library the inbound vendor webhooks verify with (invitations/services/webhooks.py):
`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed with the endpoint's `whsec_`
secret. While a rotated secret's overlap lasts, a delivery carries one signature per live
secret (space separated), so a receiver can switch secrets without a gap.
"""

from __future__ import annotations

from datetime import datetime

from standardwebhooks.webhooks import Webhook


def signature(secret: str, msg_id: str, at: datetime, body: str) -> str:
    """One `v1,<base64>` signature."""
    return str(Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body))


def headers(secrets: list[str], msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (`at` is the attempt's time)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": " ".join(signature(s, msg_id, at, body) for s in secrets),
            "content-type": "application/json", "user-agent": "TalentLoop-Webhooks/1"}
