"""The local runner fires each scheduled function when EventBridge would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.definition import RESOURCES
from infra.local.schedules import fires_at


def minutes_of_a_day(expression: str) -> list[datetime]:
    start = datetime(2026, 11, 25, tzinfo=UTC)
    return [start + timedelta(minutes=m) for m in range(1440)
            if fires_at(expression, start + timedelta(minutes=m))]


def test_every_schedule_of_the_definition_is_understood() -> None:
    fired = {name: len(minutes_of_a_day(e)) for name, e in RESOURCES.schedules.items()}
    assert fired == {"sweep": 1440, "retention": 1, "pool_reengage": 24, "export_schedule": 1,
                     "vendor_poll": 288}


def test_cron_fires_at_its_utc_minute_whatever_the_offset_of_the_tick() -> None:
    (at,) = minutes_of_a_day("cron(30 3 * * ? *)")
    assert (at.hour, at.minute) == (3, 30)
    shanghai = datetime.fromisoformat("2026-11-25T11:30:00+08:00")  # 03:30 UTC
    assert fires_at("cron(30 3 * * ? *)", shanghai)
    assert [a.minute for a in minutes_of_a_day("rate(1 hour)")] == [0] * 24


def test_an_unknown_expression_is_an_error_not_silence() -> None:
    with pytest.raises(ValueError):
        fires_at("cron(0 12 ? * MON *)", datetime(2026, 11, 30, 12, tzinfo=UTC))
