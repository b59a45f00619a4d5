"""The invitation core's wiring: tenants, catalog, invitations, HR actions, vendor webhooks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.shared.wiring import SharedWiring

if TYPE_CHECKING:
    from chalicelib.invitations.services.api_keys import ApiKeyService
    from chalicelib.invitations.services.catalog import CatalogService
    from chalicelib.invitations.services.catalog_reads import CatalogReads
    from chalicelib.invitations.services.extension_requests import ExtensionRequests
    from chalicelib.invitations.services.idempotency import IdempotentInvite
    from chalicelib.invitations.services.invitation_actions import InvitationActions
    from chalicelib.invitations.services.invitation_reads import InvitationReads
    from chalicelib.invitations.services.invitations import InvitationService
    from chalicelib.invitations.services.reconcile import Reconciler
    from chalicelib.invitations.services.tenant_registry import TenantRegistry
    from chalicelib.invitations.services.tenants import TenantService
    from chalicelib.invitations.services.vendor_events import VendorDirectory, VendorEvents
    from chalicelib.invitations.services.vendor_settings import VendorSettings
    from chalicelib.invitations.services.webhook_secrets import WebhookSecretService
    from chalicelib.invitations.services.webhooks import VendorWebhookService
    from chalicelib.invitations.stores.catalog_store import CatalogStore
    from chalicelib.invitations.stores.invitation_store import InvitationStore
    from chalicelib.invitations.stores.key_store import KeyStore
    from chalicelib.invitations.stores.outbox_store import OutboxStore
    from chalicelib.invitations.stores.suppression_store import SuppressionStore
    from chalicelib.invitations.stores.tenant_store import TenantStore


class InvitationsWiring(SharedWiring):
    # -- stores --------------------------------------------------------------------------
    @cached_property
    def tenant_store(self) -> TenantStore:
        from chalicelib.invitations.stores.tenant_store import TenantStore

        return TenantStore()

    @cached_property
    def key_store(self) -> KeyStore:
        from chalicelib.invitations.stores.key_store import KeyStore

        return KeyStore()

    @cached_property
    def catalog_store(self) -> CatalogStore:
        from chalicelib.invitations.stores.catalog_store import CatalogStore

        return CatalogStore()

    @cached_property
    def invitation_store(self) -> InvitationStore:
        from chalicelib.invitations.stores.invitation_store import InvitationStore

        return InvitationStore(self.settings.due_shards)

    @cached_property
    def outbox_store(self) -> OutboxStore:
        from chalicelib.invitations.stores.outbox_store import OutboxStore

        return OutboxStore(self.settings.due_shards)

    @cached_property
    def suppression_store(self) -> SuppressionStore:
        from chalicelib.invitations.stores.suppression_store import SuppressionStore

        return SuppressionStore()

    @cached_property
    def vendor(self) -> VendorDirectory:
        """Each tenant's interview vendor (adapters/vendors: the registry)."""
        from chalicelib.invitations.adapters.vendors.http import UrllibHttp
        from chalicelib.invitations.services.vendor_events import VendorDirectory

        return VendorDirectory(self.tenant_store, self.settings.vendor_base_url, UrllibHttp())

    # -- services ------------------------------------------------------------------------
    @cached_property
    def tenants(self) -> TenantService:
        from chalicelib.invitations.services.tenants import TenantService

        return TenantService(self.tenant_store, self.clock, self.api_keys)

    @cached_property
    def api_keys(self) -> ApiKeyService:
        from chalicelib.invitations.services.api_keys import ApiKeyService

        return ApiKeyService(self.tenant_store, self.key_store, self.clock)

    @cached_property
    def webhook_secrets(self) -> WebhookSecretService:
        from chalicelib.invitations.services.webhook_secrets import WebhookSecretService

        return WebhookSecretService(self.tenant_store, self.clock)

    @cached_property
    def tenant_registry(self) -> TenantRegistry:
        from chalicelib.invitations.services.tenant_registry import TenantRegistry

        return TenantRegistry(self.tenant_store, self.key_store, self.clock)

    @cached_property
    def tenant_zones(self) -> Callable[[str], tzinfo]:
        """tenant id -> its time zone, read at most every 5 minutes per tenant."""
        import time

        from chalicelib.invitations.domain.reminders import zone_of

        cache: dict[str, tuple[float, tzinfo]] = {}

        def zone(tenant_id: str) -> tzinfo:
            hit = cache.get(tenant_id)
            if hit is None or time.monotonic() - hit[0] > 300:
                tenant = self.tenant_store.get(tenant_id)
                hit = cache[tenant_id] = (time.monotonic(),
                                          zone_of(tenant.timezone if tenant else None))
            return hit[1]

        return zone

    @cached_property
    def catalog(self) -> CatalogService:
        from chalicelib.invitations.services.catalog import CatalogService

        def quiet_hours(tenant_id: str) -> Any:
            tenant = self.tenant_store.get(tenant_id)
            return tenant.quiet_hours if tenant else None

        return CatalogService(self.catalog_store, self.settings.grace_hours, quiet_hours,
                              self._template_pins())

    def _template_pins(self) -> Callable[[str], dict[str, int]] | None:
        """tenant id -> its message-template versions, pinned on each new campaign
        (delivery's; DeliveryWiring supplies it)."""
        return None

    @cached_property
    def invitations(self) -> InvitationService:
        from chalicelib.invitations.services.invitations import InvitationService
        from chalicelib.invitations.stores.profile_store import ProfileStore

        return InvitationService(self.catalog_store, self.invitation_store, self.vendor,
                                 self.tenant_store, ProfileStore())

    @cached_property
    def catalog_reads(self) -> CatalogReads:
        from chalicelib.invitations.services.catalog_reads import CatalogReads

        return CatalogReads(self.catalog_store, self.settings.due_shards)

    @cached_property
    def invitation_reads(self) -> InvitationReads:
        from chalicelib.invitations.services.invitation_reads import InvitationReads
        from chalicelib.invitations.stores.profile_store import ProfileStore

        return InvitationReads(self.catalog_store, self.invitation_store, ProfileStore())

    @cached_property
    def idempotent_invite(self) -> IdempotentInvite:
        from chalicelib.invitations.services.idempotency import IdempotentInvite

        return IdempotentInvite(self.settings.table_name, self.invitations.invite)

    @cached_property
    def invitation_actions(self) -> InvitationActions:
        from chalicelib.invitations.services.invitation_actions import InvitationActions

        return InvitationActions(self.invitation_store, self.outbox_store)

    @cached_property
    def extension_requests(self) -> ExtensionRequests:
        from chalicelib.invitations.services.extension_requests import ExtensionRequests
        from chalicelib.invitations.stores.extension_store import ExtensionStore
        from chalicelib.invitations.stores.profile_store import ProfileStore

        return ExtensionRequests(ExtensionStore(), self.invitation_store,
                                 self.invitation_actions, self.catalog_store, ProfileStore())

    @cached_property
    def webhooks(self) -> VendorWebhookService:
        from chalicelib.invitations.services.webhooks import VendorWebhookService

        return VendorWebhookService(self.vendor_events)

    @cached_property
    def vendor_events(self) -> VendorEvents:
        from chalicelib.invitations.services.vendor_events import VendorEvents

        return VendorEvents(self.vendor, self.invitation_store)

    @cached_property
    def vendor_settings(self) -> VendorSettings:
        from chalicelib.invitations.services.vendor_settings import VendorSettings

        return VendorSettings(self.tenant_store)

    @cached_property
    def vendor_poll(self) -> Reconciler:
        from chalicelib.invitations.services.reconcile import Reconciler
        from chalicelib.invitations.stores import vendor_queries

        return Reconciler(self.vendor, self.vendor_events, vendor_queries.tenants,
                          vendor_queries.open_invitations)
