"""Unit tests for time as an input (chalicelib/clock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.clock import FixedClock, SystemClock, parse_instant


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-10T12:00:00Z", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
    ("2025-03-10T12:00:00+00:00", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
    ("2025-03-10T20:00:00+08:00", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
    ("2025-03-10T07:00:00-05:00", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
    ("2025-03-10T01:30:00+05:30", datetime(2025, 3, 9, 20, 0, tzinfo=UTC)),
    ("2025-03-10T12:00:00.250Z", datetime(2025, 3, 10, 12, 0, 0, 250_000, tzinfo=UTC)),
])
def test_parse_instant_converts_to_utc(text: str, expected: datetime) -> None:
    parsed = parse_instant(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["2025-03-10T12:00:00", "2025-03-10", "2025-03-10 12:00"])
def test_parse_instant_rejects_naive_times(text: str) -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_instant(text)


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01T00:00:00Z", "12:00Z"])
def test_parse_instant_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)


@settings(max_examples=100, deadline=None)
@given(at=st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30),
    timezones=st.builds(timezone, st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
        lambda m: timedelta(minutes=m)))))
def test_parse_instant_round_trips_isoformat(at: datetime) -> None:
    parsed = parse_instant(at.isoformat())
    assert parsed == at
    assert parsed.tzinfo is UTC
    assert parse_instant(parsed.isoformat().replace("+00:00", "Z")) == at


def test_fixed_clock_says_what_it_is_told() -> None:
    # GIVEN a clock fixed at a moment
    start = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    clock = FixedClock(start)
    assert clock.now() == start
    assert clock.now() == start  # it does not tick by itself
    # WHEN it is moved three days ahead
    clock.set(start + timedelta(days=3))
    # THEN it says so
    assert clock.now() == datetime(2025, 3, 13, 12, 0, tzinfo=UTC)


def test_system_clock_is_aware_utc() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)
