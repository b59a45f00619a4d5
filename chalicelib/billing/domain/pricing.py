"""Usage, price tables and monthly statements (pure; money is Decimal, never float).

A billable operation is a `UsageRecord` with a deterministic `key` derived from the effect it
bills (an outbox item and its provider message id, a webhook id, an invitation id, an export
id), so writing it with "must not exist" bills it exactly once however often it is replayed.

A tenant's price table is a list of versions, each effective from a day; the statement prices
each day's quantities with the version in effect that day, so a version starting mid-month
gives two line items per operation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from chalicelib.shared.domain.errors import Conflict, Unprocessable, ValidationFailed

INVITATION = "invitation"
EMAIL = "email"
SMS_PART = "sms_part"
WEBHOOK_EVENT = "webhook_event"
EXPORT = "export"
OPERATIONS = (INVITATION, EMAIL, SMS_PART, WEBHOOK_EVENT, EXPORT)

CENT = Decimal("0.01")
UNIT = Decimal("0.000001")  # unit prices keep 6 decimals (an SMS part costs fractions)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class UsageRecord:
    """One billable effect: `quantity` units of `operation` for `tenant_id` at `at`."""

    tenant_id: str
    operation: str
    quantity: int
    key: str  # deterministic, from the effect: the exactly-once guard
    at: datetime
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m")

    @property
    def day(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%d")


def export_usage(tenant_id: str, export_id: str, rows: int, size_bytes: int,
                 at: datetime) -> UsageRecord:
    """The usage record of one produced export (rows and bytes kept as detail)."""
    return UsageRecord(tenant_id, EXPORT, 1, f"export#{export_id}", at,
                       {"export_id": export_id, "rows": rows, "bytes": size_bytes})


# -- months ----------------------------------------------------------------------------------
def parse_month(value: str | None, today: date) -> str:
    """`YYYY-MM`, not after the current month; 400 with a code otherwise."""
    if not value:
        raise ValidationFailed("month is required, e.g. ?month=2026-11", code="missing_month")
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValidationFailed(f"month must be YYYY-MM, got {value!r}", code="invalid_month")
    if value > today.strftime("%Y-%m"):  # 422: well formed, but not yet a month to bill
        raise Unprocessable(f"month {value} has not started", code="future_month")
    return value


def month_days(month: str) -> list[date]:
    first = date(int(month[:4]), int(month[5:7]), 1)
    following = next_month_start(first)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def next_month_start(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


# -- price tables ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PriceVersion:
    version: int
    effective_from: date
    currency: str
    unit_prices: Mapping[str, Decimal]

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "effective_from": self.effective_from.isoformat(),
                "currency": self.currency,
                "unit_prices": {op: str(p) for op, p in self.unit_prices.items()}}


def money(value: Any, name: str) -> Decimal:
    """A non-negative decimal from a string or an int (floats are refused: 0.1 is inexact)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationFailed(f"{name} must be a decimal string, e.g. \"0.0100\"",
                               code="invalid_amount")
    try:
        amount = Decimal(value)
    except InvalidOperation as err:
        raise ValidationFailed(f"{name} is not a decimal: {value!r}", code="invalid_amount") \
            from err
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(f"{name} must be zero or more", code="invalid_amount")
    return amount


def price_version(raw: Mapping[str, Any], version: int) -> PriceVersion:
    """Validate a price version (from the config file or a PUT body)."""
    currency = str(raw.get("currency", ""))
    if not _CURRENCY.match(currency):
        raise ValidationFailed("currency must be an ISO 4217 code like USD",
                               code="invalid_currency")
    try:
        effective = date.fromisoformat(str(raw.get("effective_from", "")))
    except ValueError as err:
        raise ValidationFailed("effective_from must be a date YYYY-MM-DD",
                               code="invalid_effective_from") from err
    prices = raw.get("unit_prices")
    if not isinstance(prices, Mapping):
        raise ValidationFailed("unit_prices must be an object", code="invalid_prices")
    unknown = sorted(set(prices) - set(OPERATIONS))
    if unknown:
        raise ValidationFailed(f"unknown operations: {', '.join(unknown)}",
                               code="unknown_operation")
    missing = sorted(set(OPERATIONS) - set(prices))
    if missing:
        raise ValidationFailed(f"a price is needed for: {', '.join(missing)}",
                               code="missing_operation")
    return PriceVersion(version, effective, currency,
                        {op: money(prices[op], f"unit_prices.{op}") for op in OPERATIONS})


def check_new_version(new: PriceVersion, existing: Sequence[PriceVersion], today: date) -> None:
    """No retroactive edits to closed months; a currency changes only on a month's first day
    (so one statement has one currency)."""
    if new.effective_from < today.replace(day=1):
        raise Unprocessable("effective_from is in a closed month; prices of closed months "
                            "never change", code="closed_month")
    current = in_effect(existing, new.effective_from)
    if current is not None and current.currency != new.currency and new.effective_from.day != 1:
        raise Conflict("the currency can only change from the first day of a month",
                       code="currency_change_mid_month")


def in_effect(versions: Iterable[PriceVersion], day: date) -> PriceVersion | None:
    """The version in effect on `day`: the latest effective_from <= day (then the highest
    version number: a later PUT for the same day replaces the earlier one)."""
    best: PriceVersion | None = None
    for v in versions:
        if v.effective_from <= day and (
                best is None or (v.effective_from, v.version) > (best.effective_from,
                                                                 best.version)):
            best = v
    return best


# -- statements ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    operation: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    price_version: int
    effective_from: date

    def as_json(self) -> dict[str, Any]:
        return {"operation": self.operation, "quantity": self.quantity,
                "unit_price": str(self.unit_price), "amount": str(self.amount),
                "price_version": self.price_version,
                "effective_from": self.effective_from.isoformat()}


@dataclass(frozen=True)
class Statement:
    tenant_id: str
    month: str
    currency: str
    lines: tuple[Line, ...]
    total: Decimal
    quantities: Mapping[str, int]  # per operation, the whole month

    def as_json(self) -> dict[str, Any]:
        return {"tenant_id": self.tenant_id, "month": self.month, "currency": self.currency,
                "lines": [line.as_json() for line in self.lines], "total": str(self.total),
                "quantities": dict(self.quantities)}


def statement(tenant_id: str, month: str, daily: Mapping[str, Mapping[str, int]],
              versions: Sequence[PriceVersion]) -> Statement:
    """Price each day's quantities with the version in effect that day; one line per
    (price version, operation). Amounts are rounded half-up to cents per line."""
    days = month_days(month)
    by_version: dict[int, dict[str, int]] = {}
    chosen: dict[int, PriceVersion] = {}
    for day in days:
        version = in_effect(versions, day)
        counts = daily.get(day.isoformat())
        if version is None or not counts:
            continue
        chosen[version.version] = version
        bucket = by_version.setdefault(version.version, {})
        for op, n in counts.items():
            if n:
                bucket[op] = bucket.get(op, 0) + int(n)
    lines: list[Line] = []
    quantities: dict[str, int] = dict.fromkeys(OPERATIONS, 0)
    for number in sorted(by_version):
        version = chosen[number]
        for op in OPERATIONS:
            n = by_version[number].get(op, 0)
            if not n:
                continue
            unit = version.unit_prices.get(op, Decimal(0))
            amount = (unit * n).quantize(CENT, rounding=ROUND_HALF_UP)
            lines.append(Line(op, n, unit, amount, number, version.effective_from))
            quantities[op] += n
    month_start = in_effect(versions, days[-1]) or (versions[0] if versions else None)
    currency = month_start.currency if month_start else "USD"
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return Statement(tenant_id, month, currency, tuple(lines), total, quantities)


CSV_COLUMNS = ("month", "operation", "quantity", "unit_price", "amount", "currency",
               "price_version", "effective_from")


def statement_rows(st: Statement) -> list[list[str]]:
    """The statement as CSV rows (header first, a total row last); stable columns."""
    rows = [list(CSV_COLUMNS)]
    for line in st.lines:
        rows.append([st.month, line.operation, str(line.quantity), str(line.unit_price),
                     str(line.amount), st.currency, str(line.price_version),
                     line.effective_from.isoformat()])
    rows.append([st.month, "total", "", "", str(st.total), st.currency, "", ""])
    return rows


# -- budgets ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Budget:
    monthly_amount: Decimal
    thresholds: tuple[int, ...]  # percent of the monthly amount
    hard_cap_sms: bool


def budget(raw: Mapping[str, Any]) -> Budget:
    amount = money(raw.get("monthly_amount"), "monthly_amount")
    thresholds = raw.get("thresholds", [50, 80, 100])
    if (not isinstance(thresholds, list) or len(thresholds) > 10
            or not all(isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= 1000
                       for t in thresholds)):
        raise ValidationFailed("thresholds must be up to 10 integers (percent) from 1 to 1000",
                               code="invalid_thresholds")
    cap = raw.get("hard_cap_sms", False)
    if not isinstance(cap, bool):
        raise ValidationFailed("hard_cap_sms must be true or false", code="invalid_hard_cap")
    return Budget(amount, tuple(sorted(set(thresholds))), cap)


def crossed(plan: Budget, spend: Decimal) -> list[int]:
    """Thresholds (percent) the month's spend has reached."""
    if plan.monthly_amount <= 0:
        return list(plan.thresholds)
    return [t for t in plan.thresholds if spend * 100 >= plan.monthly_amount * t]


def capped(plan: Budget | None, spend: Decimal) -> bool:
    """SMS pauses once the month's spend reaches the budget (when the hard cap is on)."""
    return bool(plan and plan.hard_cap_sms and spend >= plan.monthly_amount)
