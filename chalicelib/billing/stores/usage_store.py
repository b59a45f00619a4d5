"""Usage records and daily totals, written exactly once per billable effect.

A record's key derives from the effect (billing/domain/pricing.py UsageRecord.key); it is put with
"must not exist" in the same transaction as the ADD to its tenant's daily total, so a replayed
stream record, a retried Lambda or a second caller changes neither. A stream batch is written
with one transaction per (tenant, day), up to 99 records + the total; when one is refused (a
record exists: a replay) its records are written one by one, skipping the existing ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.billing.domain.pricing import OPERATIONS, UsageRecord
from chalicelib.billing.models import UsageItem, UsageTotalItem
from chalicelib.shared.stores.dynamo import (
    cancellation_codes,
    connection,
    decode_cursor,
    encode_cursor,
)

MAX_PER_TRANSACTION = 99  # + the daily total = DynamoDB's 100-item limit


class UsageStore:
    def record(self, usage: UsageRecord) -> bool:
        """Write one record and move its day's total; False when it was recorded before."""
        try:
            self._write([usage])
        except TransactWriteError as err:
            codes = cancellation_codes(err)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def record_many(self, records: Sequence[UsageRecord]) -> list[int]:
        """Write a batch (one transaction per tenant and day, in chunks); returns the indexes
        that could not be written (their stream records are retried)."""
        failed: list[int] = []
        groups: dict[tuple[str, str], list[int]] = {}
        for index, usage in enumerate(records):
            groups.setdefault((usage.tenant_id, usage.day), []).append(index)
        for indexes in groups.values():
            for start in range(0, len(indexes), MAX_PER_TRANSACTION):
                chunk = indexes[start:start + MAX_PER_TRANSACTION]
                try:
                    self._write([records[i] for i in chunk])
                    continue
                except TransactWriteError:
                    pass  # a replay (some exist) or a conflict: one by one
                for i in chunk:
                    try:
                        self.record(records[i])
                    except TransactWriteError:
                        failed.append(i)
        return failed

    def _write(self, records: Sequence[UsageRecord]) -> None:
        first = records[0]
        added: Counter[str] = Counter()
        seen: set[str] = set()
        with TransactWrite(connection=connection()) as tx:
            for usage in records:
                if usage.key in seen:  # the same effect twice in one batch
                    continue
                seen.add(usage.key)
                pk, sk = UsageItem.key(usage.tenant_id, usage.month, usage.day, usage.key)
                tx.save(UsageItem(pk, sk, tenant_id=usage.tenant_id, month=usage.month,
                                  day=usage.day, operation=usage.operation,
                                  quantity=usage.quantity, usage_key=usage.key,
                                  occurred_at=usage.at, detail=usage.detail or None),
                        condition=UsageItem.pk.does_not_exist())
                added[usage.operation] += usage.quantity
            tpk, tsk = UsageTotalItem.key(first.tenant_id, first.month, first.day)
            actions: list[Action] = [UsageTotalItem.entity.set(UsageTotalItem),  # type: ignore[arg-type]
                                     UsageTotalItem.records.add(len(seen)),
                                     UsageTotalItem.tenant_id.set(first.tenant_id),
                                     UsageTotalItem.day.set(first.day)]
            actions += [UsageTotalItem.counter(op).add(n) for op, n in added.items()]
            tx.update(UsageTotalItem(tpk, tsk), actions=actions, add_version_condition=False)

    # -- reads ---------------------------------------------------------------------------
    def daily_totals(self, tenant_id: str, month: str) -> dict[str, dict[str, int]]:
        """Day -> operation -> quantity: one Query of at most 31 small items."""
        pk, _ = UsageTotalItem.key(tenant_id, month, "")
        out: dict[str, dict[str, int]] = {}
        for item in UsageTotalItem.query(pk, UsageTotalItem.sk.startswith("TOTAL#"),
                                         consistent_read=True):
            if isinstance(item, UsageTotalItem):
                out[item.day] = {op: int(getattr(item, f"n_{op}") or 0) for op in OPERATIONS}
        return out

    def records(self, tenant_id: str, month: str, limit: int = 100,
                cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """The month's usage records, a page at a time (the audit trail behind a total)."""
        pk, _ = UsageItem.key(tenant_id, month, "", "")
        result = UsageItem.query(pk, UsageItem.sk.startswith("REC#"), limit=limit,
                                 last_evaluated_key=decode_cursor(cursor))
        items = [{"operation": i.operation, "quantity": int(i.quantity), "key": i.usage_key,
                  "at": i.occurred_at.isoformat(), "detail": i.detail}
                 for i in result if isinstance(i, UsageItem)]
        return items, encode_cursor(result.last_evaluated_key)

    def count_records(self, tenant_id: str, month: str) -> dict[str, int]:
        """Operation -> quantity summed from the records themselves (tests, audits)."""
        pk, _ = UsageItem.key(tenant_id, month, "", "")
        totals: Counter[str] = Counter()
        for item in UsageItem.query(pk, UsageItem.sk.startswith("REC#"), consistent_read=True):
            if isinstance(item, UsageItem):
                totals[item.operation] += int(item.quantity)
        return dict(totals)
