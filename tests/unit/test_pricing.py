"""Price tables, statements and budgets (pure): decimal money, versions by day, codes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.billing.domain import pricing
from chalicelib.billing.domain.aws_cost import AwsPrices, estimate, work_units
from chalicelib.shared.domain.errors import Conflict, DomainError, Unprocessable, ValidationFailed

PRICES = {"invitation": "0.02", "email": "0.002", "sms_part": "0.09", "webhook_event": "0.0005",
          "export": "0.5"}


def version(n: int, effective: str, currency: str = "USD", **prices: str) -> pricing.PriceVersion:
    return pricing.price_version({"effective_from": effective, "currency": currency,
                                  "unit_prices": {**PRICES, **prices}}, n)


def test_a_version_from_mid_month_splits_the_lines_and_money_stays_decimal() -> None:
    versions = [version(0, "2026-01-01"), version(1, "2026-11-15", sms_part="0.1")]
    daily = {"2026-11-14": {"sms_part": 3, "email": 1}, "2026-11-15": {"sms_part": 7},
             "2026-10-31": {"sms_part": 100}}  # another month: ignored
    st = pricing.statement("t", "2026-11", daily, versions)
    assert [(x.operation, x.quantity, x.price_version, x.amount) for x in st.lines] == [
        ("email", 1, 0, Decimal("0.00")), ("sms_part", 3, 0, Decimal("0.27")),
        ("sms_part", 7, 1, Decimal("0.70"))]
    assert st.total == Decimal("0.97") and isinstance(st.total, Decimal)
    assert st.quantities["sms_part"] == 10


def test_rounding_is_half_up_per_line() -> None:
    st = pricing.statement("t", "2026-11", {"2026-11-01": {"email": 5}},
                           [version(0, "2026-01-01", email="0.001")])
    assert st.lines[0].amount == Decimal("0.01")  # 0.005 -> 0.01, not banker's 0.00


def test_the_latest_version_for_the_same_day_wins() -> None:
    versions = [version(0, "2026-01-01"), version(1, "2026-12-01", email="1"),
                version(2, "2026-12-01", email="2")]
    assert pricing.in_effect(versions, date(2026, 12, 5)).version == 2  # type: ignore[union-attr]
    assert pricing.in_effect(versions, date(2026, 11, 30)).version == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(("value", "error", "code"), [
    (None, ValidationFailed, "missing_month"), ("2026-1", ValidationFailed, "invalid_month"),
    ("2026-00", ValidationFailed, "invalid_month"),
    ("2027-01", Unprocessable, "future_month")])  # well formed, not billable yet: 422
def test_bad_months(value: str | None, error: type[DomainError], code: str) -> None:
    with pytest.raises(error) as err:
        pricing.parse_month(value, date(2026, 11, 25))
    assert err.value.code == code


def test_floats_and_negative_prices_are_refused() -> None:
    for bad in (0.1, "-1", "abc", True, "NaN"):
        with pytest.raises(ValidationFailed):
            pricing.money(bad, "x")
    assert pricing.money("0.1", "x") + pricing.money("0.2", "x") == Decimal("0.3")


def test_no_retroactive_versions_and_currency_changes_on_the_first() -> None:
    existing = [version(0, "2026-01-01")]
    today = date(2026, 11, 25)
    with pytest.raises(Unprocessable) as err:  # 422: relative to today
        pricing.check_new_version(version(1, "2026-10-31"), existing, today)
    assert err.value.code == "closed_month"
    with pytest.raises(Conflict) as conflict:  # 409: against the versions there are
        pricing.check_new_version(version(1, "2026-12-02", "EUR"), existing, today)
    assert conflict.value.code == "currency_change_mid_month"
    pricing.check_new_version(version(1, "2026-12-01", "EUR"), existing, today)
    pricing.check_new_version(version(1, "2026-11-20"), existing, today)  # the open month


def test_budget_thresholds_and_cap() -> None:
    plan = pricing.budget({"monthly_amount": "100", "thresholds": [80, 50, 100],
                           "hard_cap_sms": True})
    assert plan.thresholds == (50, 80, 100)
    assert pricing.crossed(plan, Decimal("79.99")) == [50]
    assert pricing.crossed(plan, Decimal("100")) == [50, 80, 100]
    assert not pricing.capped(plan, Decimal("99.99")) and pricing.capped(plan, Decimal("100"))
    soft = pricing.budget({"monthly_amount": "100"})
    assert not pricing.capped(soft, Decimal("1000"))


def test_statement_csv_rows_have_a_stable_header_and_a_total() -> None:
    st = pricing.statement("t", "2026-11", {"2026-11-02": {"invitation": 3}},
                           [version(0, "2026-01-01")])
    rows = pricing.statement_rows(st)
    assert rows[0] == list(pricing.CSV_COLUMNS)
    assert rows[1] == ["2026-11", "invitation", "3", "0.02", "0.06", "USD", "0", "2026-01-01"]
    assert rows[-1] == ["2026-11", "total", "", "", "0.06", "USD", "", ""]


def test_export_usage_key_is_the_export_id() -> None:
    at = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    usage = pricing.export_usage("t", "exp1", 10, 2000, at)
    assert (usage.key, usage.month, usage.day, usage.quantity) == (
        "export#exp1", "2026-11", "2026-11-30", 1)


AWS = AwsPrices.from_config({
    "prices": {"dynamodb_write_per_million_wru": "0.625", "dynamodb_read_per_million_rru": "0.125",
               "lambda_per_gb_second": "0.0000166667", "lambda_per_million_requests": "0.20",
               "api_gateway_per_million_requests": "3.50", "sqs_per_million_requests": "0.40",
               "sns_publish_per_million": "0.50", "s3_put_per_thousand": "0.005",
               "ses_per_thousand_emails": "0.10",
               "sms_per_part": {"default": "0.05", "US": "0.01"}},
    "lambda_memory_gb": "0.5",
    "per_operation": {"email": {"wru": "8", "rru": "4", "lambda_invocations": "1",
                                "lambda_seconds": "0.2", "sqs_requests": "2", "ses_emails": "1"},
                      "sms_part": {"sms_parts": "1", "wru": "8"}}})


def test_aws_cost_estimate_from_counted_operations() -> None:
    cost = estimate({"email": 1_000_000}, AWS)
    assert work_units({"email": 10}, AWS)["wru"] == Decimal(80)
    assert cost.components["dynamodb"] == Decimal("5.500000")  # 8 x 0.625 + 4 x 0.125
    assert cost.components["ses"] == Decimal("100.000000")
    assert cost.components["lambda"] == Decimal("1.866670")  # 0.20 requests + 100,000 GB-s
    assert cost.components["sqs"] == Decimal("0.800000")
    assert cost.total == sum(cost.components.values())


def test_sms_cost_by_country_dominates() -> None:
    us = estimate({"sms_part": 1000}, AWS, "US")
    other = estimate({"sms_part": 1000}, AWS)
    assert us.components["sms"] == Decimal("10.000000")
    assert other.components["sms"] == Decimal("50.000000")
    assert other.components["sms"] > 1000 * other.components["dynamodb"]
