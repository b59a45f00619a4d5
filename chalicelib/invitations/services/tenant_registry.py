"""The operator's view of tenants: list them (gsi1 `TENANTS`), disable or enable one.

A disabled tenant's API keys are refused by the authorizer and its vendor webhooks are
rejected (`tenant_disabled`); its data stays. Enabling it again restores both (revoked keys
stay revoked)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import Clock
from chalicelib.invitations.models import TenantItem
from chalicelib.invitations.stores.key_store import KeyStore
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.errors import NotFound


def tenant_view(tenant: TenantItem) -> dict[str, Any]:
    def iso(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {"tenant_id": tenant.tenant_id, "name": tenant.name,
            "created_at": iso(tenant.created_at), "disabled_at": iso(tenant.disabled_at),
            "status": "disabled" if tenant.disabled_at else "active"}


class TenantRegistry:
    def __init__(self, tenants: TenantStore, keys: KeyStore, clock: Clock) -> None:
        self._tenants = tenants
        self._keys = keys
        self._clock = clock

    def list_tenants(self, limit: int = 100,
                     cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        items, next_cursor = self._keys.list_tenants(limit, cursor)
        return [tenant_view(t) for t in items], next_cursor

    def show(self, tenant_id: str) -> dict[str, Any]:
        tenant = self._tenants.get(tenant_id, consistent=True)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return tenant_view(tenant)

    def disable(self, tenant_id: str) -> dict[str, Any]:
        return self._set(tenant_id, self._clock.now())

    def enable(self, tenant_id: str) -> dict[str, Any]:
        return self._set(tenant_id, None)

    def _set(self, tenant_id: str, at: datetime | None) -> dict[str, Any]:
        tenant = self._tenants.set_disabled(tenant_id, at)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return tenant_view(tenant)
