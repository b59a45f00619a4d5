"""Unit tests for the funnel arithmetic (reports/domain/funnel.py)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.invitations.domain.invitation import Status
from chalicelib.reports.domain import funnel
from chalicelib.shared.domain.errors import DomainError, Unprocessable, ValidationFailed

CHAIN = ["invited", "sent", "opened", "started", "completed"]


def test_a_skipped_stage_is_counted_as_reached() -> None:
    assert funnel.reached("sent", "completed") == ["opened", "started", "completed"]
    assert funnel.reached("opened", "started") == ["started"]
    assert funnel.reached(None, "invited") == ["invited"]


def test_final_and_deadline_states_count_themselves_and_extensions_count_nothing() -> None:
    assert funnel.reached("started", "no_show") == ["no_show"]
    assert funnel.reached("no_show", "completed_late") == ["completed_late"]
    assert funnel.reached("no_show", "closed") == ["closed"]
    assert funnel.reached("sent", "cancelled") == ["cancelled"]
    assert funnel.reached("no_show", "sent") == []  # an HR extension
    assert funnel.reached("completed", "completed") == []


@given(st.lists(st.sampled_from(CHAIN), min_size=1, max_size=8))
def test_any_forward_path_never_widens_the_funnel(path: list[str]) -> None:
    # GIVEN an invitation that moves forward along the chain (the machine never goes back)
    forward = sorted(set(path), key=CHAIN.index)
    counts = {s: 0 for s in CHAIN}
    previous: str | None = None
    for status in ["invited", *[s for s in forward if s != "invited"]]:
        for name in funnel.reached(previous, status):
            counts[name] += 1
        previous = status
    # THEN every stage it passed is counted exactly once, in funnel order
    assert all(counts[s] <= 1 for s in CHAIN)
    assert all(counts[a] >= counts[b] for a, b in pairwise(CHAIN))
    assert counts[forward[-1]] == 1


@pytest.mark.parametrize("old, problem, reason", [
    ("invited", None, "not_delivered"), ("sent", "bounce", "not_delivered"),
    ("sent", None, "never_opened"), ("opened", None, "opened_not_started"),
    ("started", None, "started_not_completed"), ("started", "bounce", "started_not_completed"),
])
def test_no_show_reasons_are_inferred_from_the_last_open_status(
        old: str, problem: str | None, reason: str) -> None:
    assert funnel.inferred_reason(old, problem) == reason


def test_given_reasons_are_the_self_service_list() -> None:
    from chalicelib.delivery.services.self_service import REASONS

    assert tuple(REASONS) == funnel.GIVEN_REASONS
    assert funnel.given_reason("aliens") == "other"
    assert funnel.given_reason(None) is None


def test_every_counter_has_an_aggregate_attribute() -> None:
    from chalicelib.reports.models import AggregateItem

    names = ([f"n_{c}" for c in funnel.COUNTERS]
             + [f"h_{i}" for i in range(funnel.HISTOGRAM_SIZE)]
             + [f"rg_{r}" for r in funnel.GIVEN_REASONS]
             + [f"ri_{r}" for r in funnel.INFERRED_REASONS])
    for name in names:
        AggregateItem.number(name)
    assert set(funnel.COUNTERS) >= {s.value for s in Status}


def test_minute_buckets() -> None:
    assert funnel.minute_bucket(0) == 0
    assert funnel.minute_bucket(15) == 0 and funnel.minute_bucket(15.1) == 1
    assert funnel.minute_bucket(10080) == 11 and funnel.minute_bucket(10081) == 12


@given(st.lists(st.floats(min_value=0, max_value=20000), min_size=1, max_size=200))
def test_the_histogram_median_lies_in_the_true_medians_bucket(values: list[float]) -> None:
    histogram = [0] * funnel.HISTOGRAM_SIZE
    for v in values:
        histogram[funnel.minute_bucket(v)] += 1
    median = funnel.median_minutes(histogram)
    assert median is not None
    ordered = sorted(values)
    index = funnel.minute_bucket(ordered[(len(ordered) - 1) // 2])  # the lower median's
    lower = 0 if index == 0 else funnel.MINUTE_BUCKETS[index - 1]
    upper = funnel.MINUTE_BUCKETS[index] if index < len(funnel.MINUTE_BUCKETS) else lower
    assert lower <= median <= upper


def test_median_examples() -> None:
    assert funnel.median_minutes([0] * funnel.HISTOGRAM_SIZE) is None
    one = [0] * funnel.HISTOGRAM_SIZE
    one[2] = 2  # two completions between 30 and 60 minutes
    assert funnel.median_minutes(one) == 45.0
    late = [0] * funnel.HISTOGRAM_SIZE
    late[-1] = 1
    assert funnel.median_minutes(late) == 10080.0


def test_rates_and_empty_denominators() -> None:
    t = funnel.empty()
    assert set(funnel.rates(t).values()) == {None}
    t.counts.update(invited=10, opened=6, completed=4, completed_late=1, no_show=5,
                    closed=3, reminded=5, recovered=2)
    rates = funnel.rates(t)
    assert rates["completion"] == 0.5 and rates["response"] == 0.6
    assert rates["no_show"] == 0.5 and rates["final_no_show"] == 0.3
    assert rates["reminder_recovery"] == 0.4


TODAY = date(2026, 11, 25)


def test_day_range_defaults_and_bounds() -> None:
    assert funnel.day_range(None, None, TODAY) == ("2026-10-27", "2026-11-25")
    assert funnel.day_range("2026-11-01", "2026-11-01", TODAY) == ("2026-11-01", "2026-11-01")
    assert funnel.day_range("2025-11-25", "2026-11-25", TODAY)[0] == "2025-11-25"  # 366 days


@pytest.mark.parametrize("start, end, error, code", [
    ("2026-02-30", None, ValidationFailed, "invalid_date"),
    ("20261101", None, ValidationFailed, "invalid_date"),
    # each day is valid, the pair is not: 422
    ("2026-11-02", "2026-11-01", Unprocessable, "invalid_range"),
    ("2025-11-24", "2026-11-25", Unprocessable, "range_too_large"),
])
def test_day_range_errors(start: str, end: str | None, error: type[DomainError],
                          code: str) -> None:
    with pytest.raises(error) as err:
        funnel.day_range(start, end, TODAY)
    assert err.value.code == code
