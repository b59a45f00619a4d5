"""Billing's stream consumer: usage records of the effects the stream shows (sent messages,
invitations, webhook events, exports), written once per effect, then the budget checks."""

from __future__ import annotations

from datetime import datetime

from chalicelib.billing.domain.pricing import UsageRecord
from chalicelib.billing.services.metering import MeteringService
from chalicelib.shared.fanout import Pending, StreamRecord


class Metering:
    def __init__(self, service: MeteringService) -> None:
        self._service = service
        self._usage: Pending[UsageRecord] = Pending()

    def collect(self, record: StreamRecord) -> None:
        for usage in self._service.usage_of(record.event_name, record.new_image,
                                            record.old_image):
            self._usage.add(record.sequence, usage)

    def flush(self, now: datetime) -> list[str]:
        return self._usage.flush(lambda usage: self._service.record(usage, now))
