"""A tenant's interview vendor: which adapter, its URLs, signed or not, polled or not.

The inbound secrets are the tenant's webhook secrets (services/webhook_secrets.py: rotate
with an overlap, several verify at once); every vendor's adapter checks its own signature
scheme with them.
"""

from __future__ import annotations

from typing import Any

from chalicelib.invitations.adapters.vendors import ADAPTERS, build
from chalicelib.invitations.domain.vendors import VendorConfig
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.errors import NotFound, Unprocessable, ValidationFailed


class VendorSettings:
    def __init__(self, tenants: TenantStore) -> None:
        self._tenants = tenants

    def view(self, tenant_id: str) -> dict[str, Any]:
        tenant = self._tenants.get(tenant_id, consistent=True)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return {**VendorConfig.from_json(tenant.vendor).to_json(),
                "vendors": sorted(ADAPTERS)}

    def set(self, tenant_id: str, body: dict[str, Any]) -> dict[str, Any]:
        config = VendorConfig.from_json(body)
        if config.vendor not in ADAPTERS:
            raise ValidationFailed(f"vendor must be one of {', '.join(sorted(ADAPTERS))}",
                                   code="unknown_vendor")
        for url in (config.base_url, config.api_url):
            if url is not None and not url.startswith(("https://", "http://")):
                raise ValidationFailed("URLs must be http(s)", code="invalid_url")
        if config.poll and not config.api_url:
            raise Unprocessable("polling needs the vendor's api_url", code="missing_api_url")
        if not build(config, "https://unused.invalid", None).signs_webhooks and not config.poll:
            raise Unprocessable(f"{config.vendor}'s webhooks are unsigned: they only hint, "
                                "so it must be polled (poll, api_url)", code="poll_required")
        if self._tenants.update(tenant_id, {"vendor": config.to_json()}) is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return self.view(tenant_id)
