"""Billing's wiring: metering (usage from the stream), prices, budgets, statements."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.reports.wiring import ReportsWiring

if TYPE_CHECKING:
    from chalicelib.billing.services.billing import AlertPublisher, BillingService, ReportStore
    from chalicelib.billing.services.metering import MeteringService
    from chalicelib.billing.stores.usage_store import UsageStore


class BillingWiring(ReportsWiring):
    @cached_property
    def usage_store(self) -> UsageStore:
        from chalicelib.billing.stores.usage_store import UsageStore

        return UsageStore()

    @cached_property
    def alerts(self) -> AlertPublisher:
        if "alerts" in self.overrides:
            alerts: AlertPublisher = self.overrides["alerts"]
            return alerts
        from chalicelib.billing.adapters.alerts import SnsAlerts

        return SnsAlerts(self._client("sns"), self.settings.alerts_topic)

    @cached_property
    def reports(self) -> ReportStore:
        """Billing statements in the bucket, with download links (SigV4)."""
        if "reports" in self.overrides:
            reports: ReportStore = self.overrides["reports"]
            return reports
        from chalicelib.shared.adapters.object_store import ObjectStore

        client = self.overrides.get("s3") or self._signing_s3()
        return ObjectStore(client, self.settings.reports_bucket)

    @cached_property
    def billing(self) -> BillingService:
        from chalicelib.billing.services.billing import BillingService
        from chalicelib.billing.stores.billing_store import BillingStore

        return BillingService(self.usage_store, BillingStore(self.settings.due_shards),
                              self.alerts, self.reports, self.queue)

    @cached_property
    def metering(self) -> MeteringService:
        from chalicelib.billing.services.metering import MeteringService

        return MeteringService(self.usage_store, self.billing.after_usage)
