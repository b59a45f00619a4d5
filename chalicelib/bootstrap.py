"""The one wiring module: composes each feature's wiring and registers the fan-out consumers.

Each feature builds its own adapters and services (`<feature>/wiring.py`, typed, lazy and
cached); `Container` joins them and is the only place that knows every feature: it lists the
table stream's consumers and the sweep's due-item consumers (docs/architecture.md). Nothing is
built at import time (cold starts stay short, tests need no patching). Tests and the local
runner may build a `Container` with their own settings, clock or fake ports (`overrides`) and
install it with `use()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.billing.wiring import BillingWiring
from chalicelib.clock import Clock, SystemClock
from chalicelib.config import Settings, get_settings
from chalicelib.delivery.wiring import DeliveryWiring
from chalicelib.hooks.wiring import HooksWiring

if TYPE_CHECKING:
    from chalicelib.delivery.services.sweep import SweepService
    from chalicelib.invitations.models import OutboxItem
    from chalicelib.shared.fanout import DueConsumers, StreamConsumer


@dataclass
class Container(DeliveryWiring, BillingWiring, HooksWiring):
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    overrides: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from chalicelib.entities import register_all
        from chalicelib.shared.models import bind_table

        register_all()
        bind_table(self.settings.table_name, self.settings.region)

    def _sms_hold(self) -> Callable[[OutboxItem, datetime], bool] | None:
        return self.billing.hold_sms

    # -- the fan-out registries ------------------------------------------------------------
    def stream_consumers(self, records: Sequence[dict[str, Any]]) -> list[StreamConsumer]:
        """One stream batch's consumers, in the order they see each record and flush."""
        from chalicelib.billing.services.consumers import Metering
        from chalicelib.delivery.services.outbox_feed import OutboxFeed
        from chalicelib.hooks.services.consumers import HookDeliveries
        from chalicelib.invitations.services.vendor_notices import VendorNotices
        from chalicelib.pool.services.consumers import PoolTags, RetentionClock
        from chalicelib.reports.services.consumers import FunnelAggregates
        from chalicelib.shared.fanout import FeedConsumer

        return [
            OutboxFeed(self.invitation_store, self.outbox_store, self.queue, self.catalog_store,
                       self.tenant_zones, self.chat_bots.configured),
            RetentionClock(self.retention),
            Metering(self.metering),
            FunnelAggregates(self.analytics),
            PoolTags(self.pool_stream, records),
            FeedConsumer(self.export_feed),
            FeedConsumer(self.import_feed),
            HookDeliveries(self.hook_fanout()),
            VendorNotices(self.vendor),
        ]

    def due_consumers(self) -> DueConsumers:
        """What the sweep does with each entity type kept in the due index."""
        from chalicelib.delivery.services.due_items import (
            DigestSend,
            InvitationTimers,
            OutboxRedrive,
        )
        from chalicelib.delivery.stores.digest_store import DigestStore
        from chalicelib.invitations.services.campaign_closing import (
            CampaignClosing,
            ClosedCampaigns,
        )
        from chalicelib.reports.services.consumers import SummaryRefresh
        from chalicelib.shared.fanout import DueConsumers

        return DueConsumers([
            InvitationTimers(self.invitation_store, self.outbox_store,
                             ClosedCampaigns(self.catalog_store)),
            OutboxRedrive(self.outbox_store, self.queue),
            DigestSend(self.outbox_store, DigestStore(), self.catalog_store,
                       self.chat_bots.configured),
            SummaryRefresh(self.analytics),
            CampaignClosing(self.invitation_store, self.catalog_store, self.settings.due_shards),
        ])

    @cached_property
    def sweep(self) -> SweepService:
        from chalicelib.delivery.services.sweep import SweepService
        from chalicelib.delivery.stores.sweep_store import SweepStore

        return SweepService(SweepStore(), self.due_consumers(), self.settings.due_shards)


_container: Container | None = None


def container() -> Container:
    global _container
    if _container is None:
        _container = Container(get_settings())
    return _container


def use(new: Container | None) -> None:
    """Install a container (tests, local runner); None resets to the environment's."""
    global _container
    _container = new
