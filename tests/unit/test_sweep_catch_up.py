"""The sweep's window and its watermark when far behind: no lookback limit may silently
stop progress or skip due items (in-memory fakes, no AWS)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from chalicelib.delivery.services.sweep import SweepService
from chalicelib.reports.models import SummaryStateItem
from chalicelib.shared.domain.due import (
    MAX_BUCKETS_PER_RUN,
    RETRY_MAX,
    bucket,
    due_keys,
    retry_at,
    sweep_window,
)
from chalicelib.shared.fanout import DueConsumers, DueOutcome
from chalicelib.shared.models import Item

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


class FakeSweeps:
    """The sweep's store in memory: a watermark and items by (bucket, shard)."""

    def __init__(self, watermark: str) -> None:
        self.mark: str | None = watermark
        self.items: dict[tuple[str, int], list[SummaryStateItem]] = {}
        self.buckets_read: list[str] = []

    def add(self, item: SummaryStateItem) -> None:
        _, name, shard = str(item.due_pk).split("#")
        self.items.setdefault((name, int(shard)), []).append(item)

    def watermark(self) -> str | None:
        return self.mark

    def set_watermark(self, value: str) -> None:
        self.mark = value

    def due(self, name: str, shard: int, until: str,
            entities: tuple[type[Item], ...]) -> Iterator[SummaryStateItem]:
        if shard == 0:
            self.buckets_read.append(name)
        kept = self.items.pop((name, shard), [])
        yield from kept


class Summaries:
    """The due consumer of campaign summaries, recording what it was handed."""

    entities: tuple[type[Item], ...] = (SummaryStateItem,)

    def __init__(self) -> None:
        self.items: list[SummaryStateItem] = []

    def due(self, item: SummaryStateItem, now: datetime) -> DueOutcome:
        self.items.append(item)
        return DueOutcome()


def summary_due_at(at: datetime) -> SummaryStateItem:
    pk, sk = SummaryStateItem.key("tn1", "cmp1")
    due_pk, due_sk = due_keys("tn1", "summary/cmp1", at, 1)
    return SummaryStateItem(pk, sk, tenant_id="tn1", campaign_id="cmp1", due_pk=due_pk,
                            due_sk=due_sk)


def test_a_watermark_far_behind_is_caught_up_without_skipping_anything() -> None:
    # GIVEN a watermark 32 days behind (an outage) and an item due 12 hours ago, more than
    # the 31 days of buckets one run reads away from the watermark
    sweeps = FakeSweeps(bucket(NOW - timedelta(days=32)))
    sweeps.add(summary_due_at(NOW - timedelta(hours=12)))
    done = Summaries()
    service = SweepService(sweeps, DueConsumers([done]), 1)  # type: ignore[arg-type]
    # WHEN the sweep runs
    first = service.run(NOW)
    # THEN it read the oldest buckets and the newest, and left the watermark where it
    # stopped reading (not at now: that would skip the item for good), flagged as behind
    assert first.buckets == MAX_BUCKETS_PER_RUN
    assert sweeps.buckets_read[-1] == bucket(NOW)
    assert first.behind and first.watermark == first.behind < bucket(NOW)
    assert first.lag_seconds > 24 * 3600
    # WHEN it runs again a minute later
    second = service.run(NOW + timedelta(minutes=1))
    # THEN the backlog is read, the item handled, and the watermark is at now
    assert [i.campaign_id for i in done.items] == ["cmp1"]
    assert second.watermark == bucket(NOW) and second.behind == ""


def test_the_window_reads_everything_when_close_and_never_skips_when_far() -> None:
    names, unread = sweep_window(NOW - timedelta(hours=2), NOW)
    assert names == [bucket(NOW - timedelta(hours=h)) for h in (2, 1, 0)] and unread is None
    far = NOW - timedelta(days=400)
    names, unread = sweep_window(far, NOW, max_buckets=10, recent=3)
    assert names[:7] == [bucket(far + timedelta(hours=h)) for h in range(7)]
    assert names[7:] == [bucket(NOW - timedelta(hours=h)) for h in (2, 1, 0)]
    assert unread == bucket(far + timedelta(hours=7))
    # the next run starts at `unread`: nothing between is ever left behind
    names, unread = sweep_window(far + timedelta(hours=7), NOW, max_buckets=10, recent=3)
    assert names[0] == bucket(far + timedelta(hours=7))


def test_retries_back_off_exponentially_up_to_an_hour() -> None:
    delays = [retry_at(NOW, n) - NOW for n in range(1, 9)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays == sorted(delays) and max(delays) == RETRY_MAX
