"""An estimate of the AWS cost behind a tenant's usage (pure).

Counted operations (the statement's quantities) times the AWS work one operation causes on
average (`per_operation`: DynamoDB request units, Lambda invocations and seconds, API Gateway
requests, SQS requests, SES emails, SMS parts, S3 PUTs), priced at list prices from
chalicelib/billing/pricing/aws_list_prices.json. It is an estimate: the constants are averages
measured by benchmarks/cost_per_1000.py, not this tenant's own metered AWS bill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)
MICRO = Decimal("0.000001")

#: work unit -> (price key, divisor): cost = units * price / divisor
_PRICED = {
    "wru": ("dynamodb_write_per_million_wru", MILLION),
    "rru": ("dynamodb_read_per_million_rru", MILLION),
    "lambda_invocations": ("lambda_per_million_requests", MILLION),
    "api_requests": ("api_gateway_per_million_requests", MILLION),
    "sqs_requests": ("sqs_per_million_requests", MILLION),
    "sns_publishes": ("sns_publish_per_million", MILLION),
    "s3_puts": ("s3_put_per_thousand", THOUSAND),
    "ses_emails": ("ses_per_thousand_emails", THOUSAND),
}
COMPONENTS = ("dynamodb", "lambda", "api_gateway", "sqs", "sns", "s3", "ses", "sms")
_COMPONENT = {"wru": "dynamodb", "rru": "dynamodb", "lambda_invocations": "lambda",
              "api_requests": "api_gateway", "sqs_requests": "sqs", "sns_publishes": "sns",
              "s3_puts": "s3", "ses_emails": "ses"}


@dataclass(frozen=True)
class AwsPrices:
    prices: Mapping[str, Any]
    per_operation: Mapping[str, Mapping[str, Decimal]]
    lambda_memory_gb: Decimal

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> AwsPrices:
        per_op = {op: {k: Decimal(str(v)) for k, v in units.items()}
                  for op, units in raw["per_operation"].items()}
        return cls(raw["prices"], per_op, Decimal(str(raw["lambda_memory_gb"])))

    def price(self, key: str) -> Decimal:
        return Decimal(str(self.prices[key]))

    def sms_part(self, country: str | None) -> Decimal:
        table = self.prices["sms_per_part"]
        return Decimal(str(table.get(country or "default", table["default"])))


@dataclass(frozen=True)
class CostEstimate:
    units: Mapping[str, Decimal]  # work units summed over operations
    components: Mapping[str, Decimal]  # USD per AWS service, 6 decimals
    total: Decimal  # USD, 6 decimals

    def as_json(self) -> dict[str, Any]:
        return {"currency": "USD", "total": str(self.total),
                "components": {k: str(v) for k, v in self.components.items()},
                "units": {k: str(v.normalize()) for k, v in self.units.items()}}


def work_units(quantities: Mapping[str, int], prices: AwsPrices) -> dict[str, Decimal]:
    """Operations -> the AWS work they cause (request units, invocations, messages...)."""
    units: dict[str, Decimal] = {}
    for op, n in quantities.items():
        for unit, per in prices.per_operation.get(op, {}).items():
            units[unit] = units.get(unit, Decimal(0)) + per * n
    return units


def estimate(quantities: Mapping[str, int], prices: AwsPrices,
             sms_country: str | None = None) -> CostEstimate:
    """Price the AWS work behind `quantities` (operation -> count) at list prices."""
    units = work_units(quantities, prices)
    components = dict.fromkeys(COMPONENTS, Decimal(0))
    for unit, amount in units.items():
        if unit in _PRICED:
            key, divisor = _PRICED[unit]
            components[_COMPONENT[unit]] += amount * prices.price(key) / divisor
    gb_seconds = units.get("lambda_seconds", Decimal(0)) * prices.lambda_memory_gb
    components["lambda"] += gb_seconds * prices.price("lambda_per_gb_second")
    components["sms"] += units.get("sms_parts", Decimal(0)) * prices.sms_part(sms_country)
    rounded = {k: v.quantize(MICRO, rounding=ROUND_HALF_UP) for k, v in components.items()}
    total = sum(components.values(), Decimal(0)).quantize(MICRO, rounding=ROUND_HALF_UP)
    return CostEstimate(units, rounded, total)
