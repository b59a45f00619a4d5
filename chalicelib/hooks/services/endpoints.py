"""The tenant's webhook endpoints (admin role): register, change, rotate the secret, read
the delivery log, replay a delivery, send a ping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.hooks.domain.events import PING, HookEvent, event_id
from chalicelib.hooks.models import HookDeliveryItem, HookEndpointItem
from chalicelib.hooks.services.fanout import HookFanout, delivery_of
from chalicelib.hooks.services.sender import Poster, Queue, message_of
from chalicelib.hooks.stores.hook_store import HookStore
from chalicelib.shared.domain.errors import Conflict, NotFound, Unprocessable, ValidationFailed
from chalicelib.shared.domain.ids import new_id
from chalicelib.shared.domain.secrets import new_webhook_secret
from chalicelib.shared.domain.targets import TargetRefused, parse_url

MAX_ENDPOINTS = 20
DEFAULT_OVERLAP = timedelta(hours=24)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def endpoint_view(item: HookEndpointItem) -> dict[str, Any]:
    return {"id": item.endpoint_id, "url": item.url, "events": list(item.events or []),
            "description": item.description, "alert_email": item.alert_email,
            "status": "disabled" if item.disabled_at else "enabled",
            "disabled_at": _iso(item.disabled_at), "disabled_reason": item.disabled_reason,
            "failing_since": _iso(item.failing_since),
            "last_success_at": _iso(item.last_success_at),
            "previous_secret_valid_until": _iso(item.previous_until),
            "created_at": item.created_at.isoformat(), "updated_at": item.updated_at.isoformat()}


def delivery_view(item: HookDeliveryItem) -> dict[str, Any]:
    return {"id": item.message_id, "event_type": item.event_type, "event_id": item.event_id,
            "status": item.status, "attempts": int(item.attempts),
            "next_attempt_at": item.next_attempt_at.isoformat()
            if item.status == "pending" else None,
            "last_status_code": int(item.last_status_code)
            if item.last_status_code is not None else None,
            "last_error": item.last_error, "created_at": item.created_at.isoformat(),
            "finished_at": _iso(item.finished_at), "attempt_log": list(item.log or [])}


@dataclass
class EndpointService:
    store: HookStore
    poster: Poster
    queue: Queue
    allow_loopback: bool

    def _checked_url(self, url: str) -> str:
        try:
            self.poster.check(parse_url(url, self.allow_loopback))
        except TargetRefused as refused:
            # 422: a well-formed URL this stage will not call (http in production, a private
            # address): the document cannot know the stage or what the name resolves to
            raise Unprocessable(f"url: {refused}", code=refused.code) from refused
        return url

    def _get(self, tenant_id: str, endpoint_id: str) -> HookEndpointItem:
        item = self.store.endpoint(tenant_id, endpoint_id)
        if item is None:
            raise NotFound(f"webhook endpoint {endpoint_id} not found",
                           code="endpoint_not_found")
        return item

    def create(self, tenant_id: str, url: str, events: list[str], description: str | None,
               alert_email: str | None, now: datetime) -> dict[str, Any]:
        if len(self.store.endpoints(tenant_id)) >= MAX_ENDPOINTS:
            raise Conflict(f"a tenant has at most {MAX_ENDPOINTS} webhook endpoints",
                           code="too_many_endpoints")
        endpoint_id = new_id("ep")
        secret = new_webhook_secret()
        pk, sk = HookEndpointItem.key(tenant_id, endpoint_id)
        item = HookEndpointItem(pk, sk, tenant_id=tenant_id, endpoint_id=endpoint_id,
                                url=self._checked_url(url), events=list(dict.fromkeys(events)),
                                description=description, alert_email=alert_email,
                                secret=secret, created_at=now, updated_at=now,
                                exhausted_in_a_row=0)
        self.store.add_endpoint(item)
        return {**endpoint_view(item), "secret": secret}

    def list(self, tenant_id: str) -> dict[str, Any]:
        return {"items": [endpoint_view(e) for e in self.store.endpoints(tenant_id)]}

    def get(self, tenant_id: str, endpoint_id: str) -> dict[str, Any]:
        return endpoint_view(self._get(tenant_id, endpoint_id))

    def update(self, tenant_id: str, endpoint_id: str, changes: dict[str, Any],
               now: datetime) -> dict[str, Any]:
        item = self._get(tenant_id, endpoint_id)
        changes = {k: v for k, v in changes.items()
                   if v is not None or k in ("description", "alert_email")}
        if not changes:
            raise ValidationFailed("give at least one of url, events, description, "
                                   "alert_email, enabled", code="nothing_to_change")
        E = HookEndpointItem
        actions: list[Any] = [E.updated_at.set(now)]
        if "url" in changes:
            actions.append(E.url.set(self._checked_url(changes["url"])))
        if "events" in changes:
            actions.append(E.events.set(list(dict.fromkeys(changes["events"]))))
        for name in ("description", "alert_email"):
            if name in changes:
                attribute = getattr(E, name)
                value = changes[name]
                actions.append(attribute.set(value) if value else attribute.remove())
        if changes.get("enabled") is True:  # a fresh start: failure counts are cleared
            actions += [E.disabled_at.remove(), E.disabled_reason.remove(),
                        E.failing_since.remove(), E.exhausted_in_a_row.set(0)]
        elif changes.get("enabled") is False and item.disabled_at is None:
            actions += [E.disabled_at.set(now), E.disabled_reason.set("by_tenant")]
        if not self.store.change_endpoint(item, actions):
            raise NotFound(f"webhook endpoint {endpoint_id} not found",
                           code="endpoint_not_found")
        return endpoint_view(self._get(tenant_id, endpoint_id))

    def delete(self, tenant_id: str, endpoint_id: str) -> dict[str, Any]:
        item = self._get(tenant_id, endpoint_id)
        self.store.delete_endpoint(item)
        return {"id": endpoint_id, "deleted": True}

    def rotate(self, tenant_id: str, endpoint_id: str, overlap_hours: float | None,
               now: datetime) -> dict[str, Any]:
        """A new secret (shown once); the old one keeps signing beside it for the overlap,
        so the receiver may verify with either while it switches."""
        item = self._get(tenant_id, endpoint_id)
        overlap = DEFAULT_OVERLAP if overlap_hours is None else timedelta(hours=overlap_hours)
        secret = new_webhook_secret()
        E = HookEndpointItem
        actions: list[Any] = [E.secret.set(secret), E.updated_at.set(now)]
        if overlap > timedelta(0):
            actions += [E.previous_secret.set(item.secret), E.previous_until.set(now + overlap)]
        else:
            actions += [E.previous_secret.remove(), E.previous_until.remove()]
        if not self.store.change_endpoint(item, actions):
            raise NotFound(f"webhook endpoint {endpoint_id} not found",
                           code="endpoint_not_found")
        return {"id": endpoint_id, "secret": secret,
                "previous_secret_valid_until": _iso(now + overlap)
                if overlap > timedelta(0) else None}

    def deliveries(self, tenant_id: str, endpoint_id: str, limit: int,
                   status: str | None, cursor: str | None = None) -> dict[str, Any]:
        self._get(tenant_id, endpoint_id)
        items, next_cursor = self.store.deliveries(tenant_id, endpoint_id, limit, status,
                                                   cursor)
        return {"items": [delivery_view(d) for d in items], "next_cursor": next_cursor}

    def replay(self, tenant_id: str, endpoint_id: str, delivery_id: str,
               now: datetime) -> dict[str, Any]:
        """Send a finished delivery again, with the same webhook-id (receivers dedupe on
        it), as a new round of the retry schedule. The endpoint must be enabled."""
        endpoint = self._get(tenant_id, endpoint_id)
        item = self.store.delivery(tenant_id, endpoint_id, delivery_id)
        if item is None:
            raise NotFound(f"delivery {delivery_id} not found", code="delivery_not_found")
        if endpoint.disabled_at is not None:
            raise Conflict("the endpoint is disabled; enable it first",
                           code="endpoint_disabled")
        if not self.store.replay(item, now):
            raise Conflict("the delivery is still being attempted", code="delivery_pending")
        item.next_attempt_at = now
        self._send(item)
        fresh = self.store.delivery(tenant_id, endpoint_id, delivery_id)
        assert fresh is not None
        return delivery_view(fresh)

    def ping(self, tenant_id: str, endpoint_id: str, now: datetime) -> dict[str, Any]:
        """A `webhook.ping` delivery through the same queue, signing and log as events."""
        endpoint = self._get(tenant_id, endpoint_id)
        if endpoint.disabled_at is not None:
            raise Conflict("the endpoint is disabled; enable it first",
                           code="endpoint_disabled")
        event = HookEvent(tenant_id, PING, event_id(PING, endpoint_id, new_id("")), now,
                          {"endpoint_id": endpoint_id})
        item = delivery_of(endpoint, event, now)
        if HookFanout(self.store, self.queue).create([item]):
            raise Conflict("the ping could not be queued; retry", code="retry_later")
        return delivery_view(item)

    def _send(self, item: HookDeliveryItem) -> None:
        if self.queue.send([message_of(item)]):
            raise Conflict("the delivery could not be queued; retry", code="retry_later")
