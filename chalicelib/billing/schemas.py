"""Request and response models of billing (docs/metering.md): prices, statements, budgets,
margin."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.shared.schemas import Model, Strict


class PriceVersionIn(Strict):
    effective_from: str = Field(description="YYYY-MM-DD; not in a closed month")
    currency: str = Field(description="ISO 4217, e.g. USD; changes only on a month's 1st")
    unit_prices: dict[str, str] = Field(
        description="decimal strings per operation: invitation, email, sms_part, "
                    "webhook_event, export")


class PriceVersion(Model):
    version: int
    effective_from: str
    currency: str
    unit_prices: dict[str, str]


class PriceTable(Model):
    current_version: int
    versions: list[PriceVersion]


class StatementLine(Model):
    operation: str
    quantity: int
    unit_price: str
    amount: str
    price_version: int
    effective_from: str


class Statement(Model):
    tenant_id: str
    month: str
    currency: str
    lines: list[StatementLine]
    total: str = Field(description="decimal string in the tenant's currency")
    quantities: dict[str, int]


class StatementExportIn(Strict):
    month: str = Field(description="YYYY-MM")


class StatementExport(Model):
    month: str
    key: str
    url: str = Field(description="presigned GET link; expires after 15 minutes")
    total: str
    currency: str


class BudgetIn(Strict):
    monthly_amount: str = Field(description="decimal string in the tenant's currency")
    thresholds: list[int] = Field(default_factory=lambda: [50, 80, 100],
                                  description="percent of the monthly amount")
    hard_cap_sms: bool = False


class BudgetOut(Model):
    monthly_amount: str | None
    thresholds: list[int]
    hard_cap_sms: bool
    month: str
    sms_capped: bool
    spend: str | None = None
    resumed: int | None = None


class Margin(Model):
    month: str
    revenue: str
    revenue_currency: str
    aws_cost: dict[str, Any]
    margin: str | None
    margin_percent: str | None = None
