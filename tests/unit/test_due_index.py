"""Unit tests for the keys of the sparse, sharded due index (shared/domain/due.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.shared.domain.due import (
    bucket,
    buckets_between,
    due_keys,
    instant,
    parse_bucket,
    partition,
    shard_of,
)
from chalicelib.shared.domain.ids import invitation_id

CST = timezone(timedelta(hours=8))
NEWFOUNDLAND = timezone(timedelta(hours=-3, minutes=-30))

# Fixed-offset zones only: Python compares two datetimes sharing one tzinfo by wall time,
# which is not time order inside a DST fold, so ZoneInfo zones would test Python, not `instant`.
fixed_offsets = st.builds(
    timezone,
    st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
        lambda m: timedelta(minutes=m)),
)
aware_datetimes = st.datetimes(
    min_value=datetime(1000, 1, 2),  # strftime("%Y") is not zero-padded below year 1000
    max_value=datetime(9999, 12, 30),
    timezones=fixed_offsets,
)


# --- instant ------------------------------------------------------------------------------


def test_instant_is_utc_text() -> None:
    assert instant(datetime(2025, 3, 10, 20, 5, 9, tzinfo=CST)) == "2025-03-10T12:05:09Z"
    assert instant(datetime(2025, 1, 1, 0, 30, tzinfo=NEWFOUNDLAND)) == "2025-01-01T04:00:00Z"


@settings(max_examples=200, deadline=None)
@given(at=aware_datetimes)
def test_instant_is_fixed_width_utc(at: datetime) -> None:
    text = instant(at)
    assert len(text) == len("2025-03-10T12:05:09Z")
    assert text.endswith("Z")
    assert datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) == \
        at.replace(microsecond=0)


@settings(max_examples=100, deadline=None)
@given(moments=st.lists(aware_datetimes, min_size=2, max_size=12))
def test_sorting_instants_sorts_by_time(moments: list[datetime]) -> None:
    # instant() has second resolution: equal seconds give equal strings, so compare the
    # string order with the strings of the time order.
    assert sorted(instant(m) for m in moments) == [instant(m) for m in sorted(moments)]


@settings(max_examples=200, deadline=None)
@given(a=aware_datetimes, b=aware_datetimes)
def test_instant_order_agrees_with_time_order(a: datetime, b: datetime) -> None:
    if a.replace(microsecond=0) < b.replace(microsecond=0):
        assert instant(a) < instant(b)


# --- bucket and partition -----------------------------------------------------------------


def test_bucket_is_the_utc_hour() -> None:
    assert bucket(datetime(2025, 3, 10, 7, 59, 59, tzinfo=CST)) == "2025-03-09T23"
    assert bucket(datetime(2025, 3, 10, 0, 0, tzinfo=UTC)) == "2025-03-10T00"


@settings(max_examples=200, deadline=None)
@given(at=aware_datetimes)
def test_parse_bucket_round_trips_to_the_start_of_the_hour(at: datetime) -> None:
    start = parse_bucket(bucket(at))
    assert start.tzinfo is UTC
    assert start == at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    assert start <= at < start + timedelta(hours=1)
    assert bucket(start) == bucket(at)


def test_partition_matches_due_keys() -> None:
    at = datetime(2025, 3, 10, 12, 34, 56, tzinfo=UTC)
    pk, sk = due_keys("tn1", "inv-tn1-abc", at, 8)
    assert pk == partition("2025-03-10T12", shard_of("inv-tn1-abc", 8))
    assert sk == "2025-03-10T12:34:56Z#tn1#inv-tn1-abc"


def test_due_keys_use_utc_for_both_keys() -> None:
    # GIVEN a deadline written in +08:00 that falls on the previous UTC day
    at = datetime(2025, 3, 10, 3, 15, tzinfo=CST)
    # WHEN the due keys are built
    pk, sk = due_keys("tn1", "inv-tn1-abc", at, 4)
    # THEN the bucket and the sort key are both UTC
    assert pk.startswith("DUE#2025-03-09T19#")
    assert sk.startswith("2025-03-09T19:15:00Z#")
    assert 0 <= int(pk.rsplit("#", 1)[1]) < 4


# --- shard_of -----------------------------------------------------------------------------


def test_shard_of_is_stable_across_calls() -> None:
    # crc32 is not salted per process (unlike hash()), so the value is a constant
    assert shard_of("inv-tn1-abc", 8) == shard_of("inv-tn1-abc", 8)
    assert [shard_of(f"item{i}", 16) for i in range(50)] == \
        [shard_of(f"item{i}", 16) for i in range(50)]
    assert shard_of("", 8) == 0  # crc32(b"") == 0


def test_one_shard_puts_everything_together() -> None:
    assert {shard_of(f"item{i}", 1) for i in range(100)} == {0}


@settings(max_examples=200, deadline=None)
@given(item_id=st.text(max_size=60), shards=st.integers(min_value=1, max_value=64))
def test_shard_of_is_within_range(item_id: str, shards: int) -> None:
    assert 0 <= shard_of(item_id, shards) < shards


def test_shard_of_spreads_ten_thousand_ids_evenly() -> None:
    # GIVEN 10,000 invitations of one campaign (they all share a deadline)
    ids = [invitation_id("tn01", "cmp01", f"cand{i:05d}") for i in range(10_000)]
    # WHEN they are spread over 8 shards
    counts = Counter(shard_of(i, 8) for i in ids)
    # THEN every shard is used and none holds more than twice its share
    mean = len(ids) / 8
    assert set(counts) == set(range(8))
    assert max(counts.values()) <= 2 * mean
    assert min(counts.values()) >= mean / 2


# --- buckets_between ----------------------------------------------------------------------


def test_buckets_between_is_inclusive_and_oldest_first() -> None:
    start = datetime(2025, 3, 10, 9, 45, tzinfo=UTC)
    end = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    assert buckets_between(start, end) == [
        "2025-03-10T09", "2025-03-10T10", "2025-03-10T11", "2025-03-10T12"]


def test_buckets_between_within_one_hour_is_one_bucket() -> None:
    at = datetime(2025, 3, 10, 9, 5, tzinfo=UTC)
    assert buckets_between(at, at + timedelta(minutes=30)) == ["2025-03-10T09"]


def test_buckets_between_crosses_a_day_and_year_boundary() -> None:
    start = datetime(2024, 12, 31, 22, 30, tzinfo=UTC)
    end = datetime(2025, 1, 1, 1, 10, tzinfo=UTC)
    assert buckets_between(start, end) == [
        "2024-12-31T22", "2024-12-31T23", "2025-01-01T00", "2025-01-01T01"]


def test_buckets_between_converts_offsets_to_utc() -> None:
    start = datetime(2025, 3, 10, 7, 30, tzinfo=CST)  # 2025-03-09T23:30Z
    end = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)
    assert buckets_between(start, end) == ["2025-03-09T23", "2025-03-10T00", "2025-03-10T01"]


def test_buckets_between_respects_the_limit_keeping_the_oldest() -> None:
    start = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
    end = start + timedelta(days=40)
    assert buckets_between(start, end, limit=3) == [
        "2025-03-01T00", "2025-03-01T01", "2025-03-01T02"]
    assert len(buckets_between(start, end)) == 24 * 31  # the default limit
    assert buckets_between(start, end, limit=0) == []


def test_buckets_between_end_before_start_is_empty() -> None:
    start = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    assert buckets_between(start, start - timedelta(hours=1)) == []


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=fixed_offsets),
    span_minutes=st.integers(min_value=0, max_value=80 * 60),
    limit=st.integers(min_value=1, max_value=100),
)
def test_buckets_between_properties(start: datetime, span_minutes: int, limit: int) -> None:
    end = start + timedelta(minutes=span_minutes)
    out = buckets_between(start, end, limit=limit)
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    last = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = int((last - first) / timedelta(hours=1)) + 1
    assert len(out) == min(limit, hours)
    assert out[0] == bucket(start)
    if limit >= hours:
        assert out[-1] == bucket(end)
    parsed = [parse_bucket(b) for b in out]
    assert all(b - a == timedelta(hours=1) for a, b in pairwise(parsed))
    assert out == sorted(out)


@pytest.mark.parametrize("value", ["2025-03-10T00", "2024-02-29T23", "1999-12-31T12"])
def test_parse_bucket_round_trip_on_text(value: str) -> None:
    parsed = parse_bucket(value)
    assert parsed.tzinfo is UTC
    assert bucket(parsed) == value
