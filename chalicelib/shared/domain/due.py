"""Keys of the sparse, sharded "due" index.

An item carries `due_pk = DUE#<hour bucket>#<shard>` and `due_sk = <instant>#<tenant>#<id>`
only while a timed action is pending. The sweep reads the buckets from its watermark up to
now over every shard, so its cost grows with the number of due items, never with the table,
and a missed tick is caught up. The shard spreads 100k invitations sharing one deadline over
several partitions.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

#: An outbox item not sent this long after it was due is queued again by the sweep, so a
#: lost queue message (or a sender that died holding a claim) never strands a message.
REDRIVE_AFTER = timedelta(minutes=10)

_INSTANT = "%Y-%m-%dT%H:%M:%SZ"
_BUCKET = "%Y-%m-%dT%H"


def instant(at: datetime) -> str:
    """Fixed-width UTC text: sorts lexically in time order."""
    return at.astimezone(UTC).strftime(_INSTANT)


def bucket(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_BUCKET)


def shard_of(item_id: str, shards: int) -> int:
    return zlib.crc32(item_id.encode()) % shards


def due_keys(tenant_id: str, item_id: str, at: datetime, shards: int) -> tuple[str, str]:
    return (f"DUE#{bucket(at)}#{shard_of(item_id, shards)}",
            f"{instant(at)}#{tenant_id}#{item_id}")


def partition(bucket_name: str, shard: int) -> str:
    return f"DUE#{bucket_name}#{shard}"


def buckets_between(start: datetime, end: datetime, limit: int = 24 * 31) -> list[str]:
    """Hour buckets from `start` to `end` inclusive (at most `limit`, oldest first)."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    last = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    out: list[str] = []
    cursor = first
    while cursor <= last and len(out) < limit:
        out.append(cursor.strftime(_BUCKET))
        cursor += timedelta(hours=1)
    return out


def parse_bucket(value: str) -> datetime:
    return datetime.strptime(value, _BUCKET).replace(tzinfo=UTC)
