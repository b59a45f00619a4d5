"""The retention clock (pure).

A candidate without consent is anonymised after `retention_days` (per tenant, default 365)
without activity. Instead of a daily table scan, a profile without consent carries keys of
the existing sparse `due` index in their own partitions, `RETAIN#<day>#<shard>` (the minute
sweep reads only `DUE#...` partitions, so it never sees them): the daily job reads the days
from its watermark to today over every shard - cost grows with the candidates that fall due,
never with the table. Every activity moves the keys (same item: nothing goes stale).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.shared.domain.due import instant, shard_of

DEFAULT_RETENTION_DAYS = 365
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
RETENTION_SHARDS = 4
_DAY = "%Y-%m-%d"


def retention_days(configured: int | float | None) -> int:
    return int(configured) if configured else DEFAULT_RETENTION_DAYS


def due_at(last_activity: datetime, days: int) -> datetime:
    return last_activity + timedelta(days=days)


def retention_keys(tenant_id: str, candidate_id: str, last_activity: datetime,
                   days: int) -> tuple[str, str]:
    """due_pk / due_sk of a profile whose clock runs from `last_activity`."""
    at = due_at(last_activity, days)
    shard = shard_of(f"{tenant_id}/{candidate_id}", RETENTION_SHARDS)
    return (partition(day_of(at), shard), f"{instant(at)}#{tenant_id}#{candidate_id}")


def partition(day: str, shard: int) -> str:
    return f"RETAIN#{day}#{shard}"


def day_of(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_DAY)


def days_between(start: str, end: datetime, limit: int = 400) -> list[str]:
    """Days from `start` (a day name) to `end`'s day inclusive, oldest first."""
    first = datetime.strptime(start, _DAY).date()
    last = end.astimezone(UTC).date()
    out: list[str] = []
    cursor: date = first
    while cursor <= last and len(out) < limit:
        out.append(cursor.strftime(_DAY))
        cursor += timedelta(days=1)
    return out


def is_due(last_activity: datetime | None, created: datetime, days: int,
           now: datetime) -> bool:
    return due_at(last_activity or created, days) <= now
