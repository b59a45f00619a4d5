"""The deadline sweep: claim due invitations, then act.

Reads the sparse due index bucket by bucket from the stored watermark up to `now`, over every
shard (never the whole table: cost grows with due items, not with the table). Each due
invitation moves with a conditional write on its version, in the same transaction as its
reminder outbox items, whose ids are deterministic (`invitation / round<n> / channel`).
Overlapping or retried sweeps therefore claim each round once; a sweep killed midway leaves
the rest in the index for the next one. The watermark only advances past buckets that were
fully processed.

The shards of a bucket are swept in parallel threads (the work is waiting on DynamoDB), and a
run stops taking items when its cap or its time budget (the Lambda's remaining time, less a
reserve) runs out: the next tick continues from the watermark.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from chalicelib.delivery.stores.sweep_store import SweepStore
from chalicelib.shared.domain.due import (
    bucket,
    buckets_between,
    instant,
    parse_bucket,
)
from chalicelib.shared.fanout import DueConsumers, DueOutcome

FIRST_LOOKBACK = timedelta(days=7)  # where a brand-new deployment starts looking (once)
MAX_ITEMS_PER_RUN = 5000  # bounded work per invocation; the next tick continues
RESERVE_S = 10.0  # stop taking items when less than this is left of the invocation


@dataclass
class SweepReport:
    now: str
    buckets: int = 0
    due: int = 0
    transitioned: int = 0
    watermark: str = ""
    #: how far the watermark is behind `now` after the run (alarmed on in production)
    lag_seconds: float = 0.0
    digests: int = 0
    rounds_sent: int = 0
    rounds_skipped: int = 0
    conflicts: int = 0
    redriven: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: DueOutcome) -> None:
        """Add what one due item's consumer did."""
        for name, n in outcome.counts.items():
            setattr(self, name, getattr(self, name) + n)
        for status, n in outcome.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    def add(self, other: SweepReport) -> None:
        """Fold a shard's counts into this report."""
        for f in fields(self):
            value = getattr(other, f.name)
            if isinstance(value, int) and f.name != "buckets":
                setattr(self, f.name, getattr(self, f.name) + value)
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n


class _Budget:
    """How many more items this run may take, shared by the shard threads."""

    def __init__(self, items: int, time_left: Callable[[], float] | None) -> None:
        self._items = items
        self._time_left = time_left
        self._lock = threading.Lock()

    def take(self) -> bool:
        if self._time_left is not None and self._time_left() < RESERVE_S:
            return False
        with self._lock:
            if self._items <= 0:
                return False
            self._items -= 1
            return True


class SweepService:
    def __init__(self, sweeps: SweepStore, consumers: DueConsumers, shards: int) -> None:
        """`consumers`: the registry of due-item consumers (bootstrap.py registers one per
        entity type kept in the due index)."""
        self._sweeps = sweeps
        self._consumers = consumers
        self._shards = shards

    def run(self, now: datetime, time_left: Callable[[], float] | None = None) -> SweepReport:
        """Sweep every bucket from the watermark to `now`; `time_left` (seconds) is the
        invocation's remaining time, if it has a limit."""
        report = SweepReport(now=instant(now))
        budget = _Budget(MAX_ITEMS_PER_RUN, time_left)
        mark = self._sweeps.watermark()
        start = parse_bucket(mark) if mark else now - FIRST_LOOKBACK
        if start > now:  # only after a jump into the future (`tick --at`, tests)
            start = now - timedelta(hours=1)
        until = instant(now)
        first_unfinished: str | None = None
        with ThreadPoolExecutor(max_workers=self._shards,
                                thread_name_prefix="sweep-shard") as pool:
            for name in buckets_between(start, now):
                report.buckets += 1
                sweep_shard = functools.partial(self._shard, name, until=until, now=now,
                                                budget=budget)
                results = list(pool.map(sweep_shard, range(self._shards)))
                for finished, part in results:
                    report.add(part)
                    if not finished:
                        first_unfinished = first_unfinished or name
        report.watermark = first_unfinished or bucket(now)
        self._sweeps.set_watermark(report.watermark)
        report.lag_seconds = max(0.0, (now - parse_bucket(report.watermark)).total_seconds())
        return report

    def _shard(self, name: str, shard: int, until: str, now: datetime,
               budget: _Budget) -> tuple[bool, SweepReport]:
        """One shard of one bucket; (finished, its counts). Not finished: out of budget or
        an item lost a race (it stays in the index for the next run)."""
        report = SweepReport(now=instant(now))
        finished = True
        for item in self._sweeps.due(name, shard, until, self._consumers.entities):
            if not budget.take():
                return False, report
            report.due += 1
            outcome = self._consumers.due(item, now)
            report.count(outcome)
            finished = finished and outcome.finished
        return finished, report
