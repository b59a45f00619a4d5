"""Vendor webhooks (Standard Webhooks).

HMAC-SHA256 over `id.timestamp.body` with the tenant's `whsec_` secret, ±5 minutes around the
receipt time (time is an input, not read here), several signatures accepted (secret rotation).
A repeated `webhook-id` is answered 2xx with no second effect: the dedupe marker is written in
the same transaction as the state change. Events out of order never move an invitation
backwards; they are kept in the candidate's timeline only.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook

from chalicelib.clock import parse_instant
from chalicelib.invitations.domain.invitation import Event, Outcome
from chalicelib.invitations.models import InvitationItem, TenantItem, TimelineItem
from chalicelib.invitations.services.transitions import Applied, SideItems, apply_event
from chalicelib.invitations.stores.invitation_store import InvitationStore, TxResult
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from chalicelib.shared.domain.ids import tenant_of_invitation
from chalicelib.shared.models import Item, MarkerItem

TOLERANCE = timedelta(minutes=5)
DEDUPE_FOR = timedelta(days=30)
SECRET_CACHE = timedelta(minutes=1)  # longer than any vendor's retry horizon
EVENTS = {"interview.opened": Event.OPENED, "interview.started": Event.STARTED,
          "interview.completed": Event.COMPLETED}


class VendorWebhookService:
    def __init__(self, tenants: TenantStore, invitations: InvitationStore) -> None:
        self._tenants = tenants
        self._invitations = invitations
        self._secrets: dict[str, tuple[datetime, TenantItem | None]] = {}

    def _tenant(self, tenant_id: str, now: datetime) -> TenantItem | None:
        """Tenants (and their secrets) cached for a minute: a vendor sends bursts."""
        cached = self._secrets.get(tenant_id)
        if cached is not None and abs(now - cached[0]) < SECRET_CACHE:
            return cached[1]
        if len(self._secrets) > 1000:
            self._secrets.clear()
        tenant = self._tenants.get(tenant_id)
        self._secrets[tenant_id] = (now, tenant)
        return tenant

    def receive(self, headers: Mapping[str, str], body: bytes,
                received_at: datetime) -> dict[str, Any]:
        lower = {k.lower(): v for k, v in headers.items()}
        msg_id = lower.get("webhook-id", "")
        stamp = lower.get("webhook-timestamp", "")
        signatures = lower.get("webhook-signature", "")
        if not (msg_id and stamp and signatures):
            raise Unauthorized("webhook-id, webhook-timestamp and webhook-signature are required",
                               code="missing_signature_headers")
        try:
            sent_at = datetime.fromtimestamp(int(stamp), UTC)
        except (ValueError, OverflowError) as err:
            raise Unauthorized("webhook-timestamp is not a Unix time",
                               code="invalid_timestamp") from err
        if abs(received_at - sent_at) > TOLERANCE:
            raise Unauthorized("webhook-timestamp is outside the 5 minute tolerance",
                               code="stale_timestamp")
        text = body.decode("utf-8", errors="replace")
        tenant_id = tenant_of_invitation(_claimed_invitation(text) or "")
        tenant = self._tenant(tenant_id, received_at) if tenant_id else None
        if tenant is None or not _signed(tenant.webhook_secret, msg_id, sent_at, text, signatures):
            raise Unauthorized("no valid signature", code="invalid_signature")
        payload = _parse(text)
        event = EVENTS[payload["type"]]
        occurred = min(payload["timestamp"], received_at)
        inv_id: str = payload["invitation_id"]
        inv = self._invitations.get(tenant.tenant_id, inv_id)
        if inv is None:
            raise NotFound(f"invitation {inv_id} not found", code="invitation_not_found")
        mpk, msk = MarkerItem.key(f"T#{tenant.tenant_id}#WEBHOOK", msg_id)
        marker = MarkerItem(mpk, msk, expiration=received_at + DEDUPE_FOR)

        def timeline(current: InvitationItem, outcome: Outcome) -> tuple[list[Item], list[Item]]:
            tpk, tsk = TimelineItem.key(current.tenant_id, current.candidate_id,
                                        instant(occurred), msg_id)
            entry = TimelineItem(tpk, tsk, tenant_id=current.tenant_id,
                                 candidate_id=current.candidate_id,
                                 invitation_id=current.invitation_id, type=payload["type"],
                                 occurred_at=occurred, source_id=msg_id,
                                 applied=outcome.status.value if outcome.changed else None)
            return [], [entry]

        applied = _apply(self._invitations, inv, event, occurred, timeline, marker,
                         payload.get("score"), received_at)
        if applied.result is TxResult.DUPLICATE:
            return {"webhook_id": msg_id, "result": "duplicate"}
        if applied.result is TxResult.CONFLICT or applied.outcome is None:
            raise Conflict("the invitation kept changing; retry", code="retry_later")
        return {"webhook_id": msg_id, "result": "processed",
                "invitation_id": inv_id, "status": applied.outcome.status.value,
                "changed": applied.outcome.changed}


def _apply(store: InvitationStore, inv: InvitationItem, event: Event, at: datetime,
           side: SideItems, marker: MarkerItem, score: float | None,
           received_at: datetime) -> Applied:
    def reload() -> InvitationItem | None:
        return store.get(inv.tenant_id, inv.invitation_id)

    return apply_event(store, inv, event, at, side_items=side, marker=marker,
                       reload=reload, score=score if event is Event.COMPLETED else None,
                       now=received_at)


def _claimed_invitation(text: str) -> str | None:
    """The invitation id the (still unverified) body names: it routes to the tenant."""
    try:
        data = json.loads(text).get("data", {})
    except (ValueError, AttributeError):
        return None
    value = data.get("invitation_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _signed(secret: str, msg_id: str, sent_at: datetime, text: str, header: str) -> bool:
    expected = Webhook(secret).sign(msg_id=msg_id, timestamp=sent_at, data=text)
    for candidate in header.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected.split(",", 1)[1]):
            return True
    return False


def _parse(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError as err:
        raise ValidationFailed("body is not JSON", code="invalid_json") from err
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise ValidationFailed("body must be an object with a data object", code="invalid_body")
    kind = body.get("type")
    if kind not in EVENTS:
        raise ValidationFailed(f"type must be one of {', '.join(EVENTS)}",
                               code="unsupported_event_type")
    stamp = body.get("timestamp")
    try:
        if isinstance(stamp, int | float) and not isinstance(stamp, bool):
            occurred = datetime.fromtimestamp(stamp, UTC)
        elif isinstance(stamp, str):
            occurred = parse_instant(stamp)
        else:
            raise ValueError("missing")
    except (ValueError, OverflowError, OSError) as err:
        raise ValidationFailed("timestamp must be an ISO-8601 instant or Unix time",
                               code="invalid_timestamp") from err
    score = body["data"].get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ValidationFailed("data.score must be a number", code="invalid_score")
    return {"type": kind, "timestamp": occurred, "invitation_id": body["data"]["invitation_id"],
            "score": float(score) if score is not None else None}
