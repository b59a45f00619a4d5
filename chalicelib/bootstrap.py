"""The one wiring module: builds adapters and services from Settings, lazily.

Nothing is built at import time (cold starts stay short, tests need no patching). Tests and
the local runner may build a `Container` with their own settings, clock or fake ports and
install it with `use()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from chalicelib.clock import Clock, SystemClock
from chalicelib.config import Settings, get_settings


@dataclass
class Container:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    overrides: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from chalicelib.adapters.models import bind_table

        bind_table(self.settings.table_name, self.settings.region)

    def _client(self, service: str) -> Any:
        if service in self.overrides:
            return self.overrides[service]
        import boto3

        return boto3.session.Session().client(service, region_name=self.settings.region)

    # -- stores --------------------------------------------------------------------------
    @cached_property
    def tenant_store(self) -> Any:
        from chalicelib.adapters.tenant_store import TenantStore

        return TenantStore()

    @cached_property
    def catalog_store(self) -> Any:
        from chalicelib.adapters.catalog_store import CatalogStore

        return CatalogStore()

    @cached_property
    def invitation_store(self) -> Any:
        from chalicelib.adapters.invitation_store import InvitationStore

        return InvitationStore(self.settings.due_shards)

    @cached_property
    def pool_store(self) -> Any:
        from chalicelib.adapters.pool_store import PoolStore

        return PoolStore()

    # -- ports ---------------------------------------------------------------------------
    @cached_property
    def email(self) -> Any:
        if "email" in self.overrides:
            return self.overrides["email"]
        from chalicelib.adapters.aws_senders import SesEmailSender

        return SesEmailSender(self._client("ses"), self.settings.sender_email,
                              self.settings.ses_configuration_set)

    @cached_property
    def sms(self) -> Any:
        if "sms" in self.overrides:
            return self.overrides["sms"]
        from chalicelib.adapters.aws_senders import SnsSmsSender

        return SnsSmsSender(self._client("sns"))

    @cached_property
    def queue(self) -> Any:
        if "queue" in self.overrides:
            return self.overrides["queue"]
        from chalicelib.adapters.sqs_queue import SqsQueue

        return SqsQueue(self._client("sqs"), self.settings.outbox_queue)

    @cached_property
    def vendor(self) -> Any:
        from chalicelib.adapters.vendor import LinkVendor

        return LinkVendor(self.settings.vendor_base_url)

    # -- services ------------------------------------------------------------------------
    @cached_property
    def tenants(self) -> Any:
        from chalicelib.services.tenants import TenantService

        return TenantService(self.tenant_store, self.clock)

    @cached_property
    def catalog(self) -> Any:
        from chalicelib.services.catalog import CatalogService

        def quiet_hours(tenant_id: str) -> Any:
            tenant = self.tenant_store.get(tenant_id)
            return tenant.quiet_hours if tenant else None

        return CatalogService(self.catalog_store, self.settings.grace_hours, quiet_hours)

    @cached_property
    def invitations(self) -> Any:
        from chalicelib.adapters.profile_store import ProfileStore
        from chalicelib.services.invitations import InvitationService

        return InvitationService(self.catalog_store, self.invitation_store, self.vendor,
                                 self.tenant_store, ProfileStore())

    @cached_property
    def catalog_reads(self) -> Any:
        from chalicelib.services.catalog_reads import CatalogReads

        return CatalogReads(self.catalog_store)

    @cached_property
    def invitation_reads(self) -> Any:
        from chalicelib.adapters.profile_store import ProfileStore
        from chalicelib.services.invitation_reads import InvitationReads

        return InvitationReads(self.catalog_store, self.invitation_store, ProfileStore())

    @cached_property
    def idempotent_invite(self) -> Any:
        from chalicelib.services.idempotency import IdempotentInvite

        return IdempotentInvite(self.settings.table_name, self.invitations.invite)

    @cached_property
    def invitation_actions(self) -> Any:
        from chalicelib.services.invitation_actions import InvitationActions

        return InvitationActions(self.invitation_store)

    @cached_property
    def webhooks(self) -> Any:
        from chalicelib.services.webhooks import VendorWebhookService

        return VendorWebhookService(self.tenant_store, self.invitation_store)

    @cached_property
    def sweep(self) -> Any:
        from chalicelib.adapters.sweep_store import SweepStore
        from chalicelib.services.sweep import SweepService

        return SweepService(SweepStore(), self.invitation_store, self.queue,
                            self.settings.due_shards,
                            summaries=lambda item, now: self.analytics.sweep_summary(item, now))

    @cached_property
    def stream(self) -> Any:
        from chalicelib.adapters.counts_store import CountsStore
        from chalicelib.services.stream import StreamService

        return StreamService(self.invitation_store, CountsStore(), self.pool_store, self.queue,
                             self.catalog_store, self.tenant_zones)

    @cached_property
    def sender(self) -> Any:
        import time

        from chalicelib.adapters.message_templates import MessageRenderer
        from chalicelib.domain.pacing import Pacer
        from chalicelib.services.sender import SenderPorts, SenderService

        ports = SenderPorts(self.email, self.sms, MessageRenderer(), self.self_service.link)
        rates = {"email": self.settings.send_rate_email, "sms": self.settings.send_rate_sms}
        pacer = Pacer(rates, time.monotonic, time.sleep, self.settings.sender_instances)
        return SenderService(self.invitation_store, self.catalog_store, self.tenant_store,
                             self.pool_store, ports, self.suppression_store, pacer,
                             hold=self.billing.hold_sms)

    @cached_property
    def suppression_store(self) -> Any:
        from chalicelib.adapters.suppression_store import SuppressionStore

        return SuppressionStore()

    @cached_property
    def ses_events(self) -> Any:
        from chalicelib.services.ses_events import SesEventService

        return SesEventService(self.suppression_store)

    @cached_property
    def self_service(self) -> Any:
        from chalicelib.adapters.signing_key import SigningKey
        from chalicelib.services.self_service import SelfService

        key = SigningKey(self.settings.token_signing_secret,
                         lambda: self._client("secretsmanager"))
        return SelfService(self.invitation_store, self.catalog_store, self.tenant_store,
                           self.pool_store, self.suppression_store, self.invitation_actions,
                           key, self.settings.public_api_url)

    @cached_property
    def talent_pool(self) -> Any:
        from chalicelib.services.talent_pool import TalentPoolService

        return TalentPoolService(self.pool_store)

    # -- metering and billing (docs/metering.md) --------------------------------------------
    @cached_property
    def usage_store(self) -> Any:
        from chalicelib.adapters.usage_store import UsageStore

        return UsageStore()

    @cached_property
    def alerts(self) -> Any:
        if "alerts" in self.overrides:
            return self.overrides["alerts"]
        from chalicelib.adapters.billing_aws import SnsAlerts

        return SnsAlerts(self._client("sns"), self.settings.alerts_topic)

    @cached_property
    def reports(self) -> Any:
        if "reports" in self.overrides:
            return self.overrides["reports"]
        import boto3
        from botocore.config import Config

        from chalicelib.adapters.billing_aws import S3Reports

        # SigV4 links: the bucket is KMS-encrypted, and they carry X-Amz-Expires
        client = self.overrides.get("s3") or boto3.session.Session().client(
            "s3", region_name=self.settings.region, config=Config(signature_version="s3v4"))
        return S3Reports(client, self.settings.reports_bucket)

    @cached_property
    def billing(self) -> Any:
        from chalicelib.adapters.billing_store import BillingStore
        from chalicelib.services.billing import BillingService

        return BillingService(self.usage_store, BillingStore(self.settings.due_shards),
                              self.alerts, self.reports, self.queue)

    @cached_property
    def metering(self) -> Any:
        from chalicelib.services.metering import MeteringService

        return MeteringService(self.usage_store, self.billing.after_usage)
    @cached_property
    def objects(self) -> Any:
        from chalicelib.adapters.object_store import ObjectStore

        return ObjectStore(self._client("s3"), self.settings.reports_bucket)

    @cached_property
    def candidate_import(self) -> Any:
        from chalicelib.adapters.import_store import ImportStore
        from chalicelib.services.candidate_import import CandidateImportService

        return CandidateImportService(ImportStore(), self.objects, self.tenant_store)

    @cached_property
    def erasure(self) -> Any:
        from chalicelib.adapters.erasure_store import ErasureStore
        from chalicelib.services.erasure import ErasureService

        return ErasureService(ErasureStore())

    @cached_property
    def retention(self) -> Any:
        from chalicelib.adapters.retention_store import RetentionStore
        from chalicelib.services.retention import RetentionService

        return RetentionService(RetentionStore(), self.tenant_store, self.erasure.erase)
    @cached_property
    def analytics(self) -> Any:
        from chalicelib.adapters.aggregates_store import AggregatesStore
        from chalicelib.services.analytics import AnalyticsService

        return AnalyticsService(AggregatesStore(),
                                self.objects,
                                self.settings.due_shards, self.tenant_zones)

    @cached_property
    def tenant_zones(self) -> Any:
        """tenant id -> its time zone, read at most every 5 minutes per tenant."""
        import time

        from chalicelib.domain.reminders import zone_of

        cache: dict[str, tuple[float, Any]] = {}

        def zone(tenant_id: str) -> Any:
            hit = cache.get(tenant_id)
            if hit is None or time.monotonic() - hit[0] > 300:
                tenant = self.tenant_store.get(tenant_id)
                hit = cache[tenant_id] = (time.monotonic(),
                                          zone_of(tenant.timezone if tenant else None))
            return hit[1]

        return zone
    @cached_property
    def pool_stats_store(self) -> Any:
        from chalicelib.adapters.pool_stats_store import PoolStatsStore

        return PoolStatsStore()

    @cached_property
    def pool_stream(self) -> Any:
        from chalicelib.services.pool_stream import PoolStreamService

        return PoolStreamService(self.pool_store, self.pool_stats_store,
                                 self.invitation_store.get)

    @cached_property
    def pool_suggestions(self) -> Any:
        from chalicelib.services.pool_suggestions import SuggestionService

        return SuggestionService(self.pool_store, self.pool_stats_store, self.catalog_store,
                                 self.suppression_store)

    @cached_property
    def reengagement(self) -> Any:
        from chalicelib.services.reengagement import ReEngagementService

        return ReEngagementService(self.talent_pool, self.pool_store, self.catalog_store,
                                   self.invitation_store, self.invitations,
                                   self.suppression_store)

    @cached_property
    def reengagement_rules(self) -> Any:
        from chalicelib.services.reengagement import ReEngagementRules

        return ReEngagementRules(self.pool_store, self.reengagement)
    # -- exports (docs/exports.md) -----------------------------------------------------------
    @cached_property
    def export_objects(self) -> Any:
        if "export_objects" in self.overrides:
            return self.overrides["export_objects"]
        import boto3
        from botocore.config import Config

        from chalicelib.adapters.s3_exports import S3ExportObjects

        client = boto3.session.Session().client(
            "s3", region_name=self.settings.region, config=Config(signature_version="s3v4"))
        return S3ExportObjects(client, self.settings.reports_bucket)

    @cached_property
    def exports(self) -> Any:
        from chalicelib.adapters.export_store import ExportStore
        from chalicelib.services.exports import ExportService

        return ExportService(ExportStore(), self.export_objects,
                             link_ttl_s=self.settings.export_link_ttl_s)

    @cached_property
    def export_feed(self) -> Any:
        from chalicelib.adapters.sqs_queue import SqsQueue
        from chalicelib.services.export_feed import ExportFeed

        queue = self.overrides.get("exports_queue") or SqsQueue(self._client("sqs"),
                                                                self.settings.exports_queue)
        return ExportFeed(queue)

    @cached_property
    def import_jobs(self) -> Any:
        from chalicelib.adapters.import_job_store import ImportJobStore
        from chalicelib.services.import_jobs import ImportJobService

        return ImportJobService(ImportJobStore(), self.candidate_import)

    @cached_property
    def import_feed(self) -> Any:
        from chalicelib.adapters.sqs_queue import SqsQueue
        from chalicelib.services.export_feed import JobFeed

        queue = self.overrides.get("imports_queue") or SqsQueue(self._client("sqs"),
                                                                self.settings.imports_queue)
        return JobFeed(queue, "import_job", "import_id")


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
