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

No one item can stop the sweep. An item whose action fails (an exception, a write that keeps
conflicting, a summary that cannot be written) is re-filed a little later (1, 2, 4 ...
minutes, counted on the item), so its bucket is finished and the watermark moves on; after
MAX_SWEEP_ATTEMPTS it is parked (due_pk = PARKED: out of the swept partitions, listed by
`parked()`, logged as an error and counted in the report, which an alarm watches). And no
lookback limit can silently stop progress: a run reads at most MAX_BUCKETS_PER_RUN buckets,
the oldest from the watermark and always the newest few (`sweep_window`), and the watermark
stops at the first bucket it did not finish or read, so a far-behind sweep catches up over a
few runs (alarmed: buckets read per run) while what is due now stays on time.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from chalicelib.delivery.stores.sweep_store import SweepStore
from chalicelib.observability import logger
from chalicelib.shared.domain.due import (
    MAX_SWEEP_ATTEMPTS,
    bucket,
    due_keys,
    instant,
    item_of,
    parse_bucket,
    retry_at,
    sweep_window,
)
from chalicelib.shared.fanout import DueConsumers, DueOutcome
from chalicelib.shared.models import Item

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
    #: invitations of campaigns closed early that this run cancelled
    closed_early: int = 0
    #: items whose action failed this run and were re-filed for a later attempt
    failed: int = 0
    #: items that failed MAX_SWEEP_ATTEMPTS times and were parked (alarmed on)
    parked: int = 0
    #: the first bucket this run left unread (the watermark far behind), "" when none
    behind: str = ""
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

    def has_time(self) -> bool:
        return self._time_left is None or self._time_left() >= RESERVE_S

    def take(self) -> bool:
        if not self.has_time():
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
        """Sweep the buckets from the watermark to `now` (`sweep_window`); `time_left`
        (seconds) is the invocation's remaining time, if it has a limit."""
        report = SweepReport(now=instant(now))
        budget = _Budget(MAX_ITEMS_PER_RUN, time_left)
        mark = self._sweeps.watermark()
        start = parse_bucket(mark) if mark else now - FIRST_LOOKBACK
        if start > now:  # only after a jump into the future (`tick --at`, tests)
            start = now - timedelta(hours=1)
        until = instant(now)
        names, unread = sweep_window(start, now)
        first_unfinished: str | None = None
        with ThreadPoolExecutor(max_workers=self._shards,
                                thread_name_prefix="sweep-shard") as pool:
            for name in names:
                if not budget.has_time():  # the rest is read by the next tick
                    first_unfinished = first_unfinished or name
                    break
                report.buckets += 1
                sweep_shard = functools.partial(self._shard, name, until=until, now=now,
                                                budget=budget)
                results = list(pool.map(sweep_shard, range(self._shards)))
                for finished, part in results:
                    report.add(part)
                    if not finished:
                        first_unfinished = first_unfinished or name
        stops = [b for b in (first_unfinished, unread) if b is not None]
        report.watermark = min(stops) if stops else bucket(now)
        report.behind = unread or ""
        self._sweeps.set_watermark(report.watermark)
        report.lag_seconds = max(0.0, (now - parse_bucket(report.watermark)).total_seconds())
        if unread:
            logger.warning("sweep behind: catching up", extra={
                "watermark": report.watermark, "lag_seconds": report.lag_seconds})
        return report

    # -- operators -------------------------------------------------------------------------
    def parked(self, limit: int = 100) -> list[dict[str, object]]:
        """Parked items (ids, attempts, the last error's class), oldest first."""
        out: list[dict[str, object]] = []
        for item in self._sweeps.parked(limit):
            tenant_id, item_id = item_of(str(item.due_sk))
            out.append({"tenant_id": tenant_id, "item_id": item_id,
                        "entity": Item.entity.get_discriminator(type(item)),
                        "pk": item.pk, "sk": item.sk,
                        "attempts": int(item.sweep_attempts or 0),
                        "error": item.sweep_error,
                        "parked_at": instant(item.parked_at) if item.parked_at else None})
        return out

    def requeue_parked(self, now: datetime, limit: int = 100) -> int:
        """Make every parked item due now again (after the cause was fixed)."""
        done = 0
        for item in self._sweeps.parked(limit):
            tenant_id, item_id = item_of(str(item.due_sk))
            if self._sweeps.requeue(item, due_keys(tenant_id, item_id, now, self._shards)):
                done += 1
        return done

    # -- one shard of one bucket -------------------------------------------------------------
    def _shard(self, name: str, shard: int, until: str, now: datetime,
               budget: _Budget) -> tuple[bool, SweepReport]:
        """One shard of one bucket; (finished, its counts). Not finished: out of budget, the
        index could not be read, or a failed item could not be re-filed (it stays in the
        index for the next run)."""
        report = SweepReport(now=instant(now))
        finished = True
        try:
            for item in self._sweeps.due(name, shard, until, self._consumers.entities):
                if not budget.take():
                    return False, report
                report.due += 1
                if not self._one(item, now, report):
                    finished = False
        except Exception:  # the index itself: the bucket stays unfinished (alarmed by lag)
            logger.exception("sweep could not read the due index",
                             extra={"bucket": name, "shard": shard})
            return False, report
        return finished, report

    def _one(self, item: Item, now: datetime, report: SweepReport) -> bool:
        """Hand one due item to its consumer; a failure (an exception, or not finished: a
        write that kept conflicting, a summary not written) re-files or parks it. False
        only when it is still where it was (the bucket is then not finished)."""
        try:
            outcome = self._consumers.due(item, now)
            report.count(outcome)
            error = None if outcome.finished else (
                outcome.reason or ("conflict" if outcome.counts.get("conflicts")
                                   else "not_finished"))
        except Exception as err:
            tenant_id, item_id = _ids(item) or ("?", "?")
            logger.exception("sweep item failed", extra={
                "tenant_id": tenant_id, "item_id": item_id, "error": type(err).__name__})
            error = type(err).__name__
        if error is None:
            if item.sweep_attempts:
                self._quietly(self._sweeps.clear_failures, item)
            return True
        return self._failed(item, error, now, report)

    def _failed(self, item: Item, error: str, now: datetime, report: SweepReport) -> bool:
        attempts = int(item.sweep_attempts or 0) + 1
        ids = _ids(item)
        if ids is None:  # its consumer already moved it out of the index: nothing to re-file
            return True
        tenant_id, item_id = ids
        try:
            if attempts >= MAX_SWEEP_ATTEMPTS:
                if self._sweeps.park(item, now, attempts, error):
                    report.parked += 1
                    logger.error("sweep item parked", extra={
                        "tenant_id": tenant_id, "item_id": item_id, "attempts": attempts,
                        "error": error})
            elif self._sweeps.refile(item, due_keys(tenant_id, item_id,
                                                    retry_at(now, attempts), self._shards),
                                     attempts, error):
                report.failed += 1
        except Exception:  # could not move it: it stays in this bucket for the next run
            logger.exception("sweep could not re-file a failed item",
                             extra={"tenant_id": tenant_id, "item_id": item_id})
            return False
        return True  # moved, or moved meanwhile by another writer

    @staticmethod
    def _quietly(action: Callable[[Item], object], item: Item) -> None:
        try:
            action(item)
        except Exception:  # only a counter: the next failure counts from where it was
            logger.exception("sweep could not reset a failure count")


def _ids(item: Item) -> tuple[str, str] | None:
    """(tenant id, item id) from the item's due keys as read; None when they are gone (the
    consumer wrote the item before failing)."""
    try:
        return item_of(str(item.due_sk))
    except ValueError:
        return None
