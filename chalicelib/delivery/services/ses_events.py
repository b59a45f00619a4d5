"""SES bounces, complaints and deliveries -> suppression list, invitation flag, outbox.

Idempotent: suppressions and flags have deterministic keys and set values, so SNS delivering
the same notification twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.delivery.domain.ses_events import SesEvent
from chalicelib.invitations.models import SuppressionItem
from chalicelib.invitations.stores.suppression_store import SuppressionStore
from chalicelib.observability import logger


class SesEventService:
    def __init__(self, store: SuppressionStore) -> None:
        self._store = store

    def handle(self, event: SesEvent, at: datetime) -> str:
        tenant_id = event.tags.get("tenant")
        invitation_id = event.tags.get("invitation")
        if not tenant_id:
            # without our tags the tenant is unknown, and suppressions are per tenant
            logger.warning("SES event without tenant tag", extra={"kind": event.kind,
                                                                  "message_id": event.message_id})
            return "ignored"
        if event.kind in ("delivery", "click"):
            kind, _, channel = (event.tags.get("outbox") or "").rpartition("_")
            if invitation_id and kind and channel:
                mark = self._store.mark_delivered if event.kind == "delivery" \
                    else self._store.mark_clicked
                mark(tenant_id, invitation_id, kind, channel, at)
            return "delivered" if event.kind == "delivery" else "clicked"
        if not event.suppresses:
            return "ignored"
        for address in event.recipients:
            pk, sk = SuppressionItem.key(tenant_id, "email", address)
            self._store.suppress(SuppressionItem(
                pk, sk, tenant_id=tenant_id, channel="email", address=address,
                reason=event.kind, detail=event.detail or None,
                source_message_id=event.message_id or None, created_at=at))
        if invitation_id:
            self._store.flag_invitation(tenant_id, invitation_id, event.kind)
        return "suppressed"
