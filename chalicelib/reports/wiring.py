"""Reports' wiring: analytics (funnel aggregates, summaries, `/reports/*`), exports and the
change feed."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.pool.wiring import PoolWiring

if TYPE_CHECKING:
    from chalicelib.reports.domain.exports import ExportObjects, ReportMail
    from chalicelib.reports.services.analytics import AnalyticsService
    from chalicelib.reports.services.call_list import CallListService
    from chalicelib.reports.services.export_feed import ExportFeed
    from chalicelib.reports.services.exports import ExportService
    from chalicelib.reports.services.rates import RatesService


class ReportsWiring(PoolWiring):
    @cached_property
    def analytics(self) -> AnalyticsService:
        from chalicelib.reports.services.analytics import AnalyticsService
        from chalicelib.reports.stores.aggregates_store import AggregatesStore

        return AnalyticsService(AggregatesStore(), self.objects, self.settings.due_shards,
                                self.tenant_zones)

    @cached_property
    def rates_report(self) -> RatesService:
        """Rates by one or two dimensions with names; the periodic report's rows."""
        from chalicelib.reports.services.rates import RatesService
        from chalicelib.reports.stores.aggregates_store import AggregatesStore
        from chalicelib.reports.stores.catalog_names import CatalogNames

        return RatesService(AggregatesStore(), CatalogNames())

    @cached_property
    def call_list(self) -> CallListService:
        """The audited no-show call list (names and contacts)."""
        from chalicelib.reports.services.call_list import CallListService
        from chalicelib.reports.stores.call_list_store import CallListStore

        return CallListService(CallListStore())

    @cached_property
    def export_objects(self) -> ExportObjects:
        """The bucket for exports: multipart uploads and download links (SigV4)."""
        if "export_objects" in self.overrides:
            objects: ExportObjects = self.overrides["export_objects"]
            return objects
        from chalicelib.shared.adapters.object_store import ObjectStore

        return ObjectStore(self._signing_s3(), self.settings.reports_bucket)

    @cached_property
    def exports(self) -> ExportService:
        from chalicelib.reports.services.exports import ExportService
        from chalicelib.reports.stores.export_store import ExportStore

        return ExportService(ExportStore(), self.export_objects,
                             link_ttl_s=self.settings.export_link_ttl_s,
                             rates=self.rates_report, mail=self.report_mail,
                             console_url=self.settings.public_api_url.rstrip("/") + "/console")

    @cached_property
    def report_mail(self) -> ReportMail:
        """The periodic report's "ready" email to campaign owners (SES, our identity)."""
        if "report_mail" in self.overrides:
            mail: ReportMail = self.overrides["report_mail"]
            return mail
        from chalicelib.shared.adapters.mail import SesNotice

        return SesNotice(self._client("ses"), self.settings.sender_email,
                             self.settings.ses_configuration_set)

    @cached_property
    def export_feed(self) -> ExportFeed:
        """New exports -> the exports queue (the exporter)."""
        from chalicelib.reports.services.export_feed import ExportFeed

        return ExportFeed(self._queue(self.settings.exports_queue, "exports_queue"))
