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

#: A due item whose action keeps failing is retried after 1, 2, 4 ... minutes (at most an
#: hour), then parked: out of the swept partitions, into PARKED, for an operator.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
MAX_SWEEP_ATTEMPTS = 6
#: The partition of the due index where parked items wait (the sweep reads only DUE#...).
PARKED = "PARKED"
#: One sweep run reads at most this many hour buckets, and always the newest RECENT_BUCKETS.
MAX_BUCKETS_PER_RUN = 24 * 31
RECENT_BUCKETS = 3

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


def retry_at(now: datetime, attempts: int) -> datetime:
    """When a due item that has failed `attempts` times is tried again (exponential)."""
    delay = RETRY_FIRST * 2 ** max(0, min(attempts - 1, 10))
    return now + min(delay, RETRY_MAX)


def item_of(due_sk: str) -> tuple[str, str]:
    """(tenant id, item id) of a due sort key `<instant>#<tenant>#<item id>`."""
    _, tenant_id, item_id = due_sk.split("#", 2)
    return tenant_id, item_id


def sweep_window(start: datetime, end: datetime, max_buckets: int = MAX_BUCKETS_PER_RUN,
                 recent: int = RECENT_BUCKETS) -> tuple[list[str], str | None]:
    """The hour buckets one sweep run reads, from the watermark's (`start`) to now's (`end`),
    and the first bucket it leaves for the next runs (None: none left). When more than
    `max_buckets` lie between - the watermark is far behind after an outage - the run reads
    the oldest `max_buckets - recent` and the newest `recent`: what is due now is never late
    however far behind the watermark is, and the backlog is caught up, oldest first, by the
    following runs (the watermark stops at the first bucket not read). Nothing is skipped."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    last = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    total = int((last - first) / timedelta(hours=1)) + 1
    if total <= max_buckets:
        return buckets_between(first, last, limit=max(total, 0)), None
    recent = max(1, min(recent, max_buckets - 1))
    head = max_buckets - recent
    older = buckets_between(first, first + timedelta(hours=head - 1), limit=head)
    newest = buckets_between(last - timedelta(hours=recent - 1), last, limit=recent)
    return older + newest, bucket(first + timedelta(hours=head))
