"""Reports' consumers: the funnel aggregates and change feed from the stream, and the
campaign summaries whose refresh was throttled, from the sweep."""

from __future__ import annotations

from datetime import datetime

from chalicelib.reports.models import SummaryStateItem
from chalicelib.reports.services.analytics import AnalyticsService
from chalicelib.shared.fanout import DueOutcome, StreamRecord
from chalicelib.shared.models import Item


class FunnelAggregates:
    """Aggregates, the S3 change feed and campaign summaries of one stream batch."""

    def __init__(self, service: AnalyticsService) -> None:
        self._batch = service.batch()

    def collect(self, record: StreamRecord) -> None:
        self._batch.add(record.sequence, record.event_name, record.new_image, record.old_image)

    def flush(self, now: datetime) -> list[str]:
        return self._batch.flush(now)


class SummaryRefresh:
    """Due: a campaign summary whose refresh waited for the next minute."""

    entities: tuple[type[Item], ...] = (SummaryStateItem,)

    def __init__(self, service: AnalyticsService) -> None:
        self._service = service

    def due(self, item: SummaryStateItem, now: datetime) -> DueOutcome:
        return DueOutcome(finished=self._service.sweep_summary(item, now))
