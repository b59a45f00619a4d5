"""Events -> one delivery per subscribed endpoint -> the hooks queue."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from chalicelib.hooks.domain.events import HookEvent
from chalicelib.hooks.models import HookDeliveryItem, HookEndpointItem
from chalicelib.hooks.services.sender import Queue, message_of
from chalicelib.hooks.stores.hook_store import HookStore
from chalicelib.shared.domain.due import instant

#: how long a delivery (and its log) is kept after it was created
DELIVERY_TTL = timedelta(days=30)


def message_id(endpoint_id: str, event_id: str) -> str:
    """The webhook-id: one per endpoint and event, the same for every attempt."""
    return "msg_" + hashlib.sha256(f"{endpoint_id}\x1f{event_id}".encode()).hexdigest()[:26]


def delivery_of(endpoint: HookEndpointItem, event: HookEvent,
                now: datetime) -> HookDeliveryItem:
    msg_id = message_id(endpoint.endpoint_id, event.event_id)
    pk, sk = HookDeliveryItem.key(endpoint.tenant_id, endpoint.endpoint_id, msg_id)
    body = json.dumps(event.payload(), separators=(",", ":"), ensure_ascii=False)
    return HookDeliveryItem(pk, sk, tenant_id=endpoint.tenant_id,
                            endpoint_id=endpoint.endpoint_id, message_id=msg_id,
                            event_type=event.type, event_id=event.event_id, body=body,
                            status="pending", attempts=0, round_start=0, next_attempt_at=now,
                            created_at=now, expiration=now + DELIVERY_TTL,
                            gsi1pk=HookDeliveryItem.log_key(endpoint.tenant_id,
                                                            endpoint.endpoint_id),
                            gsi1sk=f"{instant(now)}#{msg_id}")


class HookFanout:
    def __init__(self, store: HookStore, queue: Queue) -> None:
        self._store = store
        self._queue = queue
        self._endpoints: dict[str, list[HookEndpointItem]] = {}

    def subscribed(self, event: HookEvent) -> list[HookEndpointItem]:
        """The tenant's enabled endpoints that chose this event (read once per batch)."""
        if event.tenant_id not in self._endpoints:
            self._endpoints[event.tenant_id] = self._store.endpoints(event.tenant_id)
        return [e for e in self._endpoints[event.tenant_id]
                if e.disabled_at is None and event.type in (e.events or [])]

    def create(self, deliveries: Sequence[HookDeliveryItem]) -> list[int]:
        """Create each delivery once and queue its first attempt; the indexes that failed.
        A delivery that exists already (the record was seen before) is queued again only
        while it has had no attempt (its first queue message may be what failed)."""
        fresh: list[int] = []
        failed: list[int] = []
        for i, item in enumerate(deliveries):
            try:
                if self._store.create_delivery(item):
                    fresh.append(i)
                    continue
                known = self._store.delivery(item.tenant_id, item.endpoint_id,
                                             item.message_id)
                if known is not None and known.status == "pending" and not known.attempts:
                    fresh.append(i)
            except Exception:
                failed.append(i)
        bodies = [message_of(deliveries[i]) for i in fresh]
        failed += [fresh[j] for j in self._queue.send(bodies)] if bodies else []
        return sorted(failed)
