"""Price versions, budgets, budget markers and SMS paused by a hard cap.

    price_version  T#<t>#BILLING        PRICE#<effective_from>#<version>
    budget         T#<t>#BILLING        BUDGET
    marker         T#<t>#BUDGET#MARK    ALERT#<YYYY-MM>#<percent> | CAP#<YYYY-MM>
    outbox (paused) keeps status `pending`, gets gsi1 T#<t>#PAUSED / <pk>|<sk> and due keys
                    at the next month's start (the sweep's redrive queues it again then)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.billing.models import BudgetItem, PriceVersionItem
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.domain.due import due_keys
from chalicelib.shared.models import MarkerItem
from chalicelib.shared.stores.dynamo import get_or_none

MARKER_TTL = timedelta(days=400)


def _conditional_failed(err: PutError | UpdateError | DeleteError) -> bool:
    return err.cause_response_code == "ConditionalCheckFailedException"


class BillingStore:
    def __init__(self, due_shards: int) -> None:
        self._due_shards = due_shards

    # -- price table ---------------------------------------------------------------------
    def price_versions(self, tenant_id: str) -> list[PriceVersionItem]:
        pk, _ = PriceVersionItem.key(tenant_id, "", 0)
        return [i for i in PriceVersionItem.query(pk, PriceVersionItem.sk.startswith("PRICE#"),
                                                  consistent_read=True)
                if isinstance(i, PriceVersionItem)]

    def add_price_version(self, item: PriceVersionItem) -> bool:
        """False when that version number was taken meanwhile (retry with the next)."""
        try:
            item.save(condition=PriceVersionItem.pk.does_not_exist())
        except PutError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    # -- budget --------------------------------------------------------------------------
    def budget(self, tenant_id: str) -> BudgetItem | None:
        return get_or_none(BudgetItem, BudgetItem.key(tenant_id), True)

    def put_budget(self, item: BudgetItem) -> None:
        item.save()

    # -- markers: alerts sent, SMS capped --------------------------------------------------
    def mark(self, tenant_id: str, marker_id: str, now: datetime) -> bool:
        """Create a budget marker; False when it exists (the alert went out before)."""
        pk, sk = MarkerItem.key(f"T#{tenant_id}#BUDGET", marker_id)
        try:
            MarkerItem(pk, sk, expiration=now + MARKER_TTL).save(
                condition=MarkerItem.pk.does_not_exist())
        except PutError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def unmark(self, tenant_id: str, marker_id: str) -> None:
        pk, sk = MarkerItem.key(f"T#{tenant_id}#BUDGET", marker_id)
        MarkerItem(pk, sk).delete()

    def marked(self, tenant_id: str, marker_id: str) -> bool:
        pk, sk = MarkerItem.key(f"T#{tenant_id}#BUDGET", marker_id)
        return get_or_none(MarkerItem, (pk, sk), True) is not None

    # -- paused SMS ------------------------------------------------------------------------
    def pause(self, item: OutboxItem, now: datetime, until: datetime) -> bool:
        """Hold an unsent SMS until `until` (next month) or a cap lift: it is `pending`,
        joins the tenant's paused index and leaves the due index until `until`."""
        due_pk, due_sk = due_keys(item.tenant_id, item.item_id, until, self._due_shards)
        unsent = (OutboxItem.status == "pending") | (
            (OutboxItem.status == "sending") & (OutboxItem.claim_until < now))
        try:
            item.update(actions=[OutboxItem.status.set("pending"),
                                 OutboxItem.claim_until.remove(),
                                 OutboxItem.gsi1pk.set(f"T#{item.tenant_id}#PAUSED"),
                                 OutboxItem.gsi1sk.set(f"{item.pk}|{item.sk}"),
                                 OutboxItem.due_pk.set(due_pk), OutboxItem.due_sk.set(due_sk),
                                 OutboxItem.last_error.set("paused: monthly budget reached")],
                        condition=unsent)
        except UpdateError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def paused(self, tenant_id: str) -> Iterator[OutboxItem]:
        for item in OutboxItem.gsi1.query(f"T#{tenant_id}#PAUSED"):
            if isinstance(item, OutboxItem):
                yield item

    def resume(self, item: OutboxItem, recheck_at: datetime) -> bool:
        """Leave the paused index; due again at `recheck_at` (a lost queue message is still
        found by the sweep). True when the item is still pending (queue it)."""
        due_pk, due_sk = due_keys(item.tenant_id, item.item_id, recheck_at, self._due_shards)
        try:
            item.update(actions=[OutboxItem.gsi1pk.remove(), OutboxItem.gsi1sk.remove(),
                                 OutboxItem.due_pk.set(due_pk), OutboxItem.due_sk.set(due_sk)],
                        condition=OutboxItem.status == "pending")
        except UpdateError as err:
            if _conditional_failed(err):
                item.update(actions=[OutboxItem.gsi1pk.remove(), OutboxItem.gsi1sk.remove()])
                return False
            raise
        return True

    def leave_paused_index(self, item: OutboxItem) -> None:
        item.update(actions=[OutboxItem.gsi1pk.remove(), OutboxItem.gsi1sk.remove()])


def as_json(item: Any) -> dict[str, Any]:
    return {"version": int(item.version), "effective_from": item.effective_from,
            "currency": item.currency, "unit_prices": dict(item.unit_prices)}
