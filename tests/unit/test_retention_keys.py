"""The retention clock's keys (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.invitations.domain.retention import (
    DEFAULT_RETENTION_DAYS,
    RETENTION_SHARDS,
    days_between,
    is_due,
    retention_days,
    retention_keys,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_keys_file_the_profile_under_the_day_its_period_ends() -> None:
    pk, sk = retention_keys("tn1", "cand1", T0, 365)
    assert pk.startswith("RETAIN#2027-11-25#") and int(pk.rsplit("#", 1)[1]) < RETENTION_SHARDS
    assert sk == "2027-11-25T09:00:00Z#tn1#cand1"
    assert not pk.startswith("DUE#")  # the minute sweep never reads these partitions
    later = retention_keys("tn1", "cand1", T0 + timedelta(days=3), 365)
    assert later[0].split("#")[1] == "2027-11-28" and later[0][-1] == pk[-1]  # same shard


def test_default_period_and_due_check() -> None:
    assert retention_days(None) == DEFAULT_RETENTION_DAYS == 365
    assert retention_days(30) == 30
    assert is_due(T0, T0, 30, T0 + timedelta(days=30))
    assert not is_due(T0 + timedelta(days=1), T0, 30, T0 + timedelta(days=30))
    assert is_due(None, T0, 30, T0 + timedelta(days=31))  # never active: from creation


def test_days_between_is_inclusive_and_bounded() -> None:
    assert days_between("2026-11-24", T0) == ["2026-11-24", "2026-11-25"]
    assert days_between("2026-11-26", T0) == []
    assert len(days_between("2020-01-01", T0, limit=10)) == 10
