"""The talent pool's stream consumers: tags and behaviour (with the score), and the
retention clock on candidate profiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.pool.models import TagItem
from chalicelib.pool.services.pool_stream import PoolStreamService
from chalicelib.pool.services.retention import RetentionService
from chalicelib.pool.stores.pool_stats_store import BehaviourDelta
from chalicelib.shared.fanout import Pending, StreamRecord


class PoolTags:
    """Rule tags and behaviour of a batch: the snapshots the tag rules read are prefetched
    at once; tags are written together, then behaviour is added and rescored."""

    def __init__(self, service: PoolStreamService, records: Sequence[dict[str, Any]]) -> None:
        self._batch = service.batch()
        self._batch.prefetch(records)
        self._tags: Pending[TagItem] = Pending()
        self._deltas: Pending[BehaviourDelta] = Pending()

    def collect(self, record: StreamRecord) -> None:
        pooled = self._batch.handle(record.event_name, record.new_image, record.old_image,
                                    record.at)
        if pooled.delta is not None:
            self._deltas.add(record.sequence, pooled.delta)
        for tag in pooled.tags:
            self._tags.add(record.sequence, tag)

    def flush(self, now: datetime) -> list[str]:
        return (self._tags.flush(self._batch.write_tags)
                + self._deltas.flush(lambda deltas: self._batch.apply(deltas, now)))


class RetentionClock:
    """Activity on a profile restarts its retention clock (written as the record is seen)."""

    def __init__(self, service: RetentionService) -> None:
        self._service = service
        self._activities: Pending[tuple[str, str, datetime]] = Pending()

    def collect(self, record: StreamRecord) -> None:
        activity = self._service.activity(record.new, record.old)  # images parsed once
        if activity is not None:
            self._activities.add(record.sequence, activity)

    def flush(self, now: datetime) -> list[str]:
        return self._activities.flush(self._service.on_activities)
