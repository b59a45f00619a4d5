"""The two fan-out loops: a table stream record, and a due item, go to registered consumers.

Every feature that reacts to the table's change stream registers a `StreamConsumer`; every
feature that keeps items in the sparse due index registers a `DueConsumer` for their entity
types. The entrypoints (triggers/stream.py, the sweep) only loop over what bootstrap.py
registered, so a new feature adds a consumer and one registration line, never a branch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

from chalicelib.shared.models import Item, from_image

T = TypeVar("T")


@dataclass(frozen=True)
class StreamRecord:
    """One change of the table as the stream delivers it (DynamoDB JSON images)."""

    event_name: str  # INSERT / MODIFY / REMOVE
    sequence: str  # the record's id in partial-batch failure reports
    new_image: dict[str, Any] | None
    old_image: dict[str, Any] | None
    at: datetime  # when the change happened

    @classmethod
    def of(cls, raw_event: dict[str, Any], at: datetime) -> StreamRecord:
        raw = raw_event["dynamodb"]
        return cls(raw_event["eventName"], raw["SequenceNumber"], raw.get("NewImage"),
                   raw.get("OldImage"), at)

    @cached_property
    def new(self) -> Item | None:
        """The new image as its entity (parsed once for every consumer)."""
        return from_image(self.new_image) if self.new_image else None

    @cached_property
    def old(self) -> Item | None:
        return from_image(self.old_image) if self.old_image else None


class StreamConsumer(Protocol):
    """What a feature does with a stream batch: `collect` each record (an exception fails
    that record, which Lambda retries), then `flush` the batch's writes once, returning the
    sequence numbers of the records whose writes failed (retried too). Idempotent: the
    stream delivers at least once."""

    def collect(self, record: StreamRecord) -> None: ...

    def flush(self, now: datetime) -> list[str]: ...


#: builds a batch's consumer; gets the raw records first (to prefetch what it will read)
StreamConsumerFactory = Callable[[Sequence[dict[str, Any]]], StreamConsumer]


class Pending(Generic[T]):
    """A batch's values waiting to be written, each remembered with its record's sequence
    number; `flush` writes them with `write` (which returns the indexes that failed) and
    returns the failed records' sequence numbers. Nothing to write: `write` is not called."""

    def __init__(self) -> None:
        self._items: list[tuple[str, T]] = []

    def add(self, sequence: str, value: T) -> None:
        self._items.append((sequence, value))

    def flush(self, write: Callable[[list[T]], list[int]]) -> list[str]:
        if not self._items:
            return []
        failed = write([value for _, value in self._items])
        return [self._items[i][0] for i in failed]


class Feed(Protocol):
    """Items that become queue messages (new export items, new import jobs)."""

    def message(self, event_name: str,
                new_image: dict[str, Any] | None) -> dict[str, str] | None: ...

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]: ...


class FeedConsumer:
    """Stream consumer handing a `Feed`'s messages to its queue, per batch."""

    def __init__(self, feed: Feed) -> None:
        self._feed = feed
        self._messages: Pending[dict[str, str]] = Pending()

    def collect(self, record: StreamRecord) -> None:
        message = self._feed.message(record.event_name, record.new_image)
        if message is not None:
            self._messages.add(record.sequence, message)

    def flush(self, now: datetime) -> list[str]:
        return self._messages.flush(self._feed.enqueue)


def record_time(raw: dict[str, Any], now: Callable[[], datetime]) -> datetime:
    """When a stream record's change happened (its approximate creation time)."""
    stamp = raw.get("ApproximateCreationDateTime")
    return datetime.fromtimestamp(float(stamp), UTC) if stamp else now()


def add_failures(response: dict[str, Any], failed: Iterable[str]) -> dict[str, Any]:
    """Add flush failures to a partial-batch response, once each."""
    reported = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    response["batchItemFailures"] += [{"itemIdentifier": s} for s in dict.fromkeys(failed)
                                      if s not in reported]
    return response


# -- due items ------------------------------------------------------------------------------
@dataclass
class DueOutcome:
    """What handling one due item did. `finished` False leaves it (and the watermark) for
    the next sweep (out of budget, lost a race); `counts` add to the sweep's report fields;
    `statuses` count invitation status moves."""

    finished: bool = True
    counts: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


class DueConsumer(Protocol):
    """A feature's handler for the due items of its `entities` (the sweep claims, then
    acts; handlers are conditional writes, so overlapping sweeps act once)."""

    @property
    def entities(self) -> tuple[type[Item], ...]: ...

    def due(self, item: Any, now: datetime) -> DueOutcome: ...


class DueConsumers:
    """The registry: entity type -> its due consumer."""

    def __init__(self, consumers: Sequence[DueConsumer]) -> None:
        self._by_type: dict[type[Item], DueConsumer] = {}
        for consumer in consumers:
            for entity in consumer.entities:
                if entity in self._by_type:
                    raise ValueError(f"two due consumers for {entity.__name__}")
                self._by_type[entity] = consumer

    @property
    def entities(self) -> tuple[type[Item], ...]:
        return tuple(self._by_type)

    def due(self, item: Item, now: datetime) -> DueOutcome:
        return self._by_type[type(item)].due(item, now)
