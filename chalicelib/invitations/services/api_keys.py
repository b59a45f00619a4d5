"""API keys of a tenant: issue (shown once), list (never the secret), revoke.

Used by the admin routes (a tenant's own keys) and by the operator CLI (any tenant's).
A revoked key's hashed item is deleted in the same transaction that stamps its summary, so
the authorizer's one GetItem no longer finds it; an expired key is refused by the request
clock. The API refuses to revoke a tenant's last active admin key (it would lock the tenant
out of its own administration); the operator may (`keep_admin=False`) and can issue a new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import Clock
from chalicelib.invitations.domain.api_keys import (
    KeyProblem,
    KeyState,
    check_expiry,
    other_admin,
    status,
)
from chalicelib.invitations.models import ApiKeyItem, KeySummaryItem
from chalicelib.invitations.stores.key_store import KeyStore
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.errors import Conflict, NotFound, Unprocessable, ValidationFailed
from chalicelib.shared.domain.ids import new_id
from chalicelib.shared.domain.secrets import CAMPAIGN_SCOPED, ROLES, hash_api_key, new_api_key

OPERATOR = "operator"  # `revoked_by` of keys the operator CLI revokes


def key_items(tenant_id: str, role: str, label: str | None, campaign_ids: list[str] | None,
              expires_at: datetime | None,
              now: datetime) -> tuple[str, ApiKeyItem, KeySummaryItem]:
    """A new random key, its hashed item and its summary (both carry no secret)."""
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", code="invalid_role")
    if (role in CAMPAIGN_SCOPED) != bool(campaign_ids):
        raise Unprocessable("campaign ids go with (and only with) interviewer keys",
                            code="invalid_campaign_scope")
    try:
        expires_at = check_expiry(expires_at, now)
    except KeyProblem as problem:  # in the past, or too far ahead: relative to now
        raise Unprocessable(str(problem), code=problem.code) from problem
    api_key = new_api_key()
    key_hash = hash_api_key(api_key)
    key_id = new_id("key")
    scope = list(campaign_ids) if campaign_ids else None
    item = ApiKeyItem(*ApiKeyItem.key(key_hash), tenant_id=tenant_id, key_id=key_id, role=role,
                      campaign_ids=scope, label=label, created_at=now, expires_at=expires_at)
    summary = KeySummaryItem(*KeySummaryItem.key(tenant_id, key_id), tenant_id=tenant_id,
                             key_id=key_id, key_hash=key_hash, role=role, campaign_ids=scope,
                             label=label, created_at=now, expires_at=expires_at)
    return api_key, item, summary


def key_view(summary: KeySummaryItem, now: datetime) -> dict[str, Any]:
    def iso(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {"key_id": summary.key_id, "role": summary.role,
            "campaign_ids": list(summary.campaign_ids or []), "label": summary.label,
            "created_at": iso(summary.created_at), "expires_at": iso(summary.expires_at),
            "revoked_at": iso(summary.revoked_at), "revoked_by": summary.revoked_by,
            "status": status(summary.revoked_at, summary.expires_at, now)}


class ApiKeyService:
    def __init__(self, tenants: TenantStore, keys: KeyStore, clock: Clock) -> None:
        self._tenants = tenants
        self._keys = keys
        self._clock = clock

    def create_key(self, tenant_id: str, role: str, label: str | None = None,
                   campaign_ids: list[str] | None = None,
                   expires_at: datetime | None = None) -> dict[str, Any]:
        """A key for the tenant; the key itself is in this answer only."""
        now = self._clock.now()
        api_key, item, summary = key_items(tenant_id, role, label, campaign_ids, expires_at, now)
        if self._tenants.get(tenant_id) is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        self._keys.add(item, summary)
        return {"tenant_id": tenant_id, "api_key": api_key, **key_view(summary, now)}

    def list_keys(self, tenant_id: str, include_revoked: bool = True, limit: int | None = None,
                  cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the tenant's keys (all of them without a limit) and the next cursor."""
        now = self._clock.now()
        items, next_cursor = self._keys.list_keys(tenant_id, limit, cursor, include_revoked)
        return [key_view(item, now) for item in items], next_cursor

    def revoke_key(self, tenant_id: str, key_id: str, by: str,
                   keep_admin: bool = True) -> dict[str, Any]:
        """Revoke one of the tenant's keys (another tenant's key id is not found). Revoking
        again answers the revoked key unchanged. With `keep_admin`, the last active admin
        key cannot be revoked (409 `last_admin_key`): issue another admin key first."""
        now = self._clock.now()
        summary = self._keys.get(tenant_id, key_id)
        if summary is None:
            raise NotFound(f"key {key_id} not found", code="key_not_found")
        if summary.revoked_at is not None:
            return key_view(summary, now)
        keep = None
        if keep_admin and summary.role == "admin" and \
                status(None, summary.expires_at, now) == "active":
            items, _ = self._keys.list_keys(tenant_id, include_revoked=False)
            states = {i.key_id: i for i in items}
            other = other_admin([KeyState(i.key_id, i.role, i.revoked_at, i.expires_at)
                                 for i in items], key_id, now)
            if other is None:
                raise Conflict("this is the tenant's last active admin key; issue another "
                               "admin key before revoking it", code="last_admin_key")
            keep = states[other.key_id]
        if not self._keys.revoke(summary, now, by, keep):
            current = self._keys.get(tenant_id, key_id)
            if current is not None and current.revoked_at is not None:
                return key_view(current, now)
            raise Conflict("the tenant's keys changed meanwhile; retry", code="retry_later")
        summary.revoked_at, summary.revoked_by = now, by
        return key_view(summary, now)
