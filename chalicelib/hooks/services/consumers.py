"""Outbound webhooks' stream consumer: the subscribable events a record shows
(domain/events.py, and reports' "export produced") -> a delivery per subscribed endpoint,
created once (redelivered records create nothing), then queued for the hook sender."""

from __future__ import annotations

from datetime import datetime

from chalicelib.hooks.domain.events import HookEvent, events_of, export_ready
from chalicelib.hooks.models import HookDeliveryItem
from chalicelib.hooks.services.fanout import HookFanout, delivery_of
from chalicelib.reports.services.export_feed import produced
from chalicelib.shared.fanout import Pending, StreamRecord


class HookDeliveries:
    def __init__(self, fanout: HookFanout) -> None:
        self._fanout = fanout
        self._deliveries: Pending[HookDeliveryItem] = Pending()

    def collect(self, record: StreamRecord) -> None:
        events = events_of(record.event_name, record.new_image, record.old_image, record.at)
        done = produced(record.event_name, record.new_image, record.old_image)
        if done is not None:
            events.append(export_ready(done.tenant_id, done.export_id, done.report,
                                       done.format, done.rows, done.bytes, record.at))
        for event in events:
            self._add(record.sequence, event, record.at)

    def _add(self, sequence: str, event: HookEvent, at: datetime) -> None:
        for endpoint in self._fanout.subscribed(event):
            self._deliveries.add(sequence, delivery_of(endpoint, event, at))

    def flush(self, now: datetime) -> list[str]:
        return self._deliveries.flush(self._fanout.create)
