"""Price tables, statements, budgets (alerts, SMS hard cap) and margin per tenant.

Read costs: a statement reads the month's daily totals (one Query, at most 31 small items:
~1-4 RRU) and the tenant's price versions (one Query); never the usage records themselves.
A budget check after a stream batch costs one GetItem per tenant billed in the batch (two
Queries more when the tenant has a budget). The sender's hard-cap check for an SMS is one
GetItem of the month's cap marker.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from chalicelib.billing.domain import pricing
from chalicelib.billing.domain.aws_cost import AwsPrices, estimate
from chalicelib.billing.domain.pricing import Budget, PriceVersion, UsageRecord
from chalicelib.billing.models import BudgetItem, PriceVersionItem
from chalicelib.billing.stores.billing_store import BillingStore
from chalicelib.billing.stores.usage_store import UsageStore
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.domain.due import REDRIVE_AFTER
from chalicelib.shared.domain.errors import Conflict
from chalicelib.shared.domain.ports import MessageQueue

CONFIG = Path(__file__).resolve().parents[1] / "pricing"


def load_config(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CONFIG / name).read_text(encoding="utf-8"))
    return data


def default_prices() -> PriceVersion:
    return pricing.price_version(load_config("default_prices.json"), 0)


class AlertPublisher(Protocol):
    def publish(self, subject: str, message: dict[str, Any]) -> str: ...


class ReportStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    def link(self, key: str) -> str:
        """An expiring download link (15 minutes)."""
        ...


def statement_key(tenant_id: str, month: str) -> str:
    return f"tenant={tenant_id}/report=statement/month={month}/statement.csv"


def _month_of(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m")


def _next_month(at: datetime) -> datetime:
    return datetime.combine(pricing.next_month_start(at.astimezone(UTC).date()), time(),
                            tzinfo=UTC)


class BillingService:
    def __init__(self, usage: UsageStore, store: BillingStore, alerts: AlertPublisher,
                 reports: ReportStore, queue: MessageQueue) -> None:
        self._usage = usage
        self._store = store
        self._alerts = alerts
        self._reports = reports
        self._queue = queue
        self._aws = AwsPrices.from_config(load_config("aws_list_prices.json"))

    # -- price table ---------------------------------------------------------------------
    def versions(self, tenant_id: str) -> list[PriceVersion]:
        stored = [pricing.price_version({"currency": i.currency,
                                         "effective_from": i.effective_from,
                                         "unit_prices": i.unit_prices}, int(i.version))
                  for i in self._store.price_versions(tenant_id)]
        return [default_prices(), *sorted(stored, key=lambda v: v.version)]

    def prices(self, tenant_id: str, today: date) -> dict[str, Any]:
        versions = self.versions(tenant_id)
        current = pricing.in_effect(versions, today) or versions[0]
        return {"current_version": current.version,
                "versions": [v.as_json() for v in versions]}

    def add_prices(self, tenant_id: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        existing = self.versions(tenant_id)
        number = max(v.version for v in existing) + 1
        new = pricing.price_version(body, number)
        pricing.check_new_version(new, existing, now.date())
        pk, sk = PriceVersionItem.key(tenant_id, new.effective_from.isoformat(), number)
        item = PriceVersionItem(pk, sk, tenant_id=tenant_id, version=number,
                                effective_from=new.effective_from.isoformat(),
                                currency=new.currency,
                                unit_prices={k: str(v) for k, v in new.unit_prices.items()},
                                created_at=now)
        if not self._store.add_price_version(item):
            raise Conflict("another price version was added meanwhile; retry",
                           code="retry_later")
        self._reevaluate(tenant_id, now)
        return new.as_json()

    # -- statements ----------------------------------------------------------------------
    def statement(self, tenant_id: str, month: str) -> pricing.Statement:
        return pricing.statement(tenant_id, month, self._usage.daily_totals(tenant_id, month),
                                 self.versions(tenant_id))

    def statement_json(self, tenant_id: str, month: str | None, today: date) -> dict[str, Any]:
        month = pricing.parse_month(month, today)
        return self.statement(tenant_id, month).as_json()

    def export_statement(self, tenant_id: str, month: str | None,
                         today: date) -> dict[str, Any]:
        """The statement as CSV (UTF-8 with BOM, so Excel reads it) in the reports bucket;
        returns its key and a presigned link that expires."""
        month = pricing.parse_month(month, today)
        st = self.statement(tenant_id, month)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(pricing.statement_rows(st))
        key = statement_key(tenant_id, month)
        self._reports.put(key, buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8")
        return {"month": month, "key": key, "url": self._reports.link(key),
                "total": str(st.total), "currency": st.currency}

    # -- budgets -------------------------------------------------------------------------
    def put_budget(self, tenant_id: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        plan = pricing.budget(body)
        pk, sk = BudgetItem.key(tenant_id)
        self._store.put_budget(BudgetItem(pk, sk, tenant_id=tenant_id,
                                          monthly_amount=str(plan.monthly_amount),
                                          thresholds=list(plan.thresholds),
                                          hard_cap_sms=1 if plan.hard_cap_sms else 0,
                                          updated_at=now))
        return self._reevaluate(tenant_id, now)

    def get_budget(self, tenant_id: str, now: datetime) -> dict[str, Any]:
        plan = self._plan(tenant_id)
        month = _month_of(now)
        spend = self.statement(tenant_id, month).total
        return {**self._budget_json(plan), "month": month, "spend": str(spend),
                "sms_capped": self._store.marked(tenant_id, f"CAP#{month}")}

    @staticmethod
    def _budget_json(plan: Budget | None) -> dict[str, Any]:
        if plan is None:
            return {"monthly_amount": None, "thresholds": [], "hard_cap_sms": False}
        return {"monthly_amount": str(plan.monthly_amount), "thresholds": list(plan.thresholds),
                "hard_cap_sms": plan.hard_cap_sms}

    def _plan(self, tenant_id: str) -> Budget | None:
        item = self._store.budget(tenant_id)
        if item is None:
            return None
        thresholds: list[Any] = list(item.thresholds or [])
        return Budget(Decimal(item.monthly_amount), tuple(int(t) for t in thresholds),
                      bool(item.hard_cap_sms))

    def after_usage(self, records: Sequence[UsageRecord], now: datetime) -> None:
        """After a batch's usage was written: check each billed tenant's budget for the
        months the batch touched (alerts once per threshold and month; the SMS cap)."""
        for tenant_id, month in dict.fromkeys((r.tenant_id, r.month) for r in records):
            plan = self._plan(tenant_id)
            if plan is not None:
                self._check(tenant_id, month, plan, now)

    def _check(self, tenant_id: str, month: str, plan: Budget, now: datetime,
               alert: bool = True) -> bool:
        st = self.statement(tenant_id, month)
        # the cap first: a publish that fails (and is retried) must not leave SMS uncapped
        capped = pricing.capped(plan, st.total)
        if capped:
            self._store.mark(tenant_id, f"CAP#{month}", now)
        for threshold in pricing.crossed(plan, st.total) if alert else ():
            marker = f"ALERT#{month}#{threshold}"
            if not self._store.mark(tenant_id, marker, now):
                continue
            try:
                self._alerts.publish(
                    f"TalentLoop budget {threshold}% reached ({month})",
                    {"kind": "budget_threshold", "tenant_id": tenant_id, "month": month,
                     "threshold_percent": threshold, "spend": str(st.total),
                     "budget": str(plan.monthly_amount), "currency": st.currency})
            except Exception:
                self._store.unmark(tenant_id, marker)  # published by the record's retry
                raise
        return capped

    def _reevaluate(self, tenant_id: str, now: datetime) -> dict[str, Any]:
        """After a budget or price change: set or lift this month's SMS cap; a lift queues
        the paused messages again. Alerts are left to the stream (the tenant's next billed
        batch): only the stream function may publish to the alerts topic."""
        month = _month_of(now)
        plan = self._plan(tenant_id)
        capped = self._check(tenant_id, month, plan, now, alert=False) if plan else False
        resumed = 0
        if not capped:
            if self._store.marked(tenant_id, f"CAP#{month}"):
                self._store.unmark(tenant_id, f"CAP#{month}")
            resumed = self.resume_paused(tenant_id, now)
        return {**self._budget_json(plan), "month": month, "sms_capped": capped,
                "resumed": resumed}

    def resume_paused(self, tenant_id: str, now: datetime) -> int:
        bodies: list[dict[str, Any]] = []
        for item in self._store.paused(tenant_id):
            if self._store.resume(item, now + REDRIVE_AFTER):
                bodies.append({"pk": item.pk, "sk": item.sk})
        for start in range(0, len(bodies), 10):
            self._queue.enqueue_many(bodies[start:start + 10])  # lost ones: the sweep
        return len(bodies)

    def hold_sms(self, item: OutboxItem, now: datetime) -> bool:
        """For the sender: True when this SMS must wait (the tenant's SMS are capped this
        month); it is then paused until next month or until the cap is lifted."""
        if item.channel != "sms":
            return False
        if not self._store.marked(item.tenant_id, f"CAP#{_month_of(now)}"):
            if item.gsi1pk:  # paused before, released by the new month
                self._store.leave_paused_index(item)
            return False
        self._store.pause(item, now, _next_month(now))  # False: being sent, or sent
        return True

    # -- margin ----------------------------------------------------------------------------
    def margin(self, tenant_id: str, month: str | None, today: date) -> dict[str, Any]:
        month = pricing.parse_month(month, today)
        st = self.statement(tenant_id, month)
        cost = estimate(st.quantities, self._aws)
        body: dict[str, Any] = {"month": month, "revenue": str(st.total),
                                "revenue_currency": st.currency, "aws_cost": cost.as_json()}
        if st.currency == "USD":
            body["margin"] = str((st.total - cost.total).quantize(pricing.CENT))
            body["margin_percent"] = (str((100 * (st.total - cost.total) / st.total)
                                          .quantize(Decimal("0.1"))) if st.total else None)
        else:
            body["margin"] = None  # no exchange rates: revenue and cost stay side by side
        return body
