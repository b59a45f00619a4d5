"""Endpoints and deliveries in the table, named after what the services do with them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.hooks.models import HookDeliveryItem, HookEndpointItem
from chalicelib.shared.stores.dynamo import decode_cursor, encode_cursor, get_or_none


def _conditional_failed(err: Exception) -> bool:
    cause = getattr(err, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


class HookStore:
    # -- endpoints -------------------------------------------------------------------------
    def add_endpoint(self, item: HookEndpointItem) -> None:
        item.save(condition=HookEndpointItem.pk.does_not_exist())

    def endpoint(self, tenant_id: str, endpoint_id: str) -> HookEndpointItem | None:
        return get_or_none(HookEndpointItem, HookEndpointItem.key(tenant_id, endpoint_id), True)

    def endpoints(self, tenant_id: str) -> list[HookEndpointItem]:
        """A tenant's endpoints (a handful: MAX_ENDPOINTS), oldest first."""
        pk, _ = HookEndpointItem.key(tenant_id, "")
        return list(HookEndpointItem.query(pk, HookEndpointItem.sk.startswith("EP#")))

    def change_endpoint(self, item: HookEndpointItem, actions: Sequence[Any]) -> bool:
        """Apply `actions` if the endpoint still exists; False when it was deleted."""
        try:
            item.update(actions=list(actions), condition=HookEndpointItem.pk.exists())
        except UpdateError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def delete_endpoint(self, item: HookEndpointItem) -> None:
        item.delete()

    # -- deliveries ------------------------------------------------------------------------
    def create_delivery(self, item: HookDeliveryItem) -> bool:
        """False when this (endpoint, event) delivery exists already (a redelivered record)."""
        try:
            item.save(condition=HookDeliveryItem.pk.does_not_exist())
        except PutError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def delivery(self, tenant_id: str, endpoint_id: str,
                 message_id: str) -> HookDeliveryItem | None:
        return get_or_none(HookDeliveryItem,
                           HookDeliveryItem.key(tenant_id, endpoint_id, message_id), True)

    def deliveries(self, tenant_id: str, endpoint_id: str, limit: int,
                   status: str | None = None,
                   cursor: str | None = None) -> tuple[list[HookDeliveryItem], str | None]:
        """A page of an endpoint's deliveries, newest first, and the cursor of the next one
        (one Query on gsi1; with `status`, a page may hold fewer than `limit`)."""
        result = HookDeliveryItem.gsi1.query(
            HookDeliveryItem.log_key(tenant_id, endpoint_id), scan_index_forward=False,
            limit=limit, last_evaluated_key=decode_cursor(cursor),
            filter_condition=(HookDeliveryItem.status == status) if status else None)
        items = [d for d in result if isinstance(d, HookDeliveryItem)]
        return items, encode_cursor(result.last_evaluated_key)

    def claim(self, item: HookDeliveryItem, now: datetime, until: datetime) -> bool:
        """Take a due, pending delivery for one attempt; False when another copy of its
        queue message has it, it is done, or it is not due (a duplicate message)."""
        condition = ((HookDeliveryItem.status == "pending")
                     & (HookDeliveryItem.next_attempt_at <= now)
                     & (HookDeliveryItem.claim_until.does_not_exist()
                        | (HookDeliveryItem.claim_until < now)))
        try:
            item.update(actions=[HookDeliveryItem.claim_until.set(until)], condition=condition)
        except UpdateError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def record(self, item: HookDeliveryItem, actions: Sequence[Any]) -> None:
        item.update(actions=list(actions))

    def replay(self, item: HookDeliveryItem, now: datetime) -> bool:
        """A finished delivery back to pending, due now, as a new round of attempts."""
        try:
            item.update(actions=[HookDeliveryItem.status.set("pending"),
                                 HookDeliveryItem.next_attempt_at.set(now),
                                 HookDeliveryItem.round_start.set(item.attempts),
                                 HookDeliveryItem.claim_until.remove(),
                                 HookDeliveryItem.finished_at.remove()],
                        condition=HookDeliveryItem.status != "pending")
        except UpdateError as err:
            if _conditional_failed(err):
                return False
            raise
        return True
