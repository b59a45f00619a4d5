"""Tenants and API keys: create them, and resolve a bearer key to a principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.clock import Clock
from chalicelib.invitations.domain.api_keys import status
from chalicelib.invitations.domain.reminders import PolicyProblem, parse_policy
from chalicelib.invitations.domain.retention import (
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    retention_days,
)
from chalicelib.invitations.models import TenantItem
from chalicelib.invitations.services.api_keys import ApiKeyService, key_items
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.contacts import ContactProblem, check_locale, check_timezone
from chalicelib.shared.domain.errors import NotFound, Unprocessable, ValidationFailed
from chalicelib.shared.domain.ids import new_id
from chalicelib.shared.domain.secrets import KEY_PREFIX, hash_api_key, new_webhook_secret


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    role: str
    key_id: str
    campaign_ids: tuple[str, ...] = ()  # the only campaigns an interviewer key may read


def parse_quiet_hours(text: str) -> dict[str, str] | None:
    """"22:00-07:00" -> {"start": "22:00", "end": "07:00"}; "off" -> none at all."""
    if text.strip().lower() == "off":
        return {"off": "true"}
    start, _, end = text.partition("-")
    if start.strip() == end.strip():  # well formed (the document's pattern), but no window
        raise Unprocessable("quiet_hours.start and .end must differ", code="invalid_quiet_hours")
    try:
        parse_policy({"quiet_hours": {"start": start.strip(), "end": end.strip()}}, ())
    except PolicyProblem as problem:
        raise (Unprocessable if problem.across else ValidationFailed)(
            str(problem), code=problem.code) from problem
    return {"start": start.strip(), "end": end.strip()}


def settings_view(tenant: TenantItem) -> dict[str, Any]:
    quiet = tenant.quiet_hours
    if quiet is None:
        shown = "21:00-08:00"
    elif quiet.get("off"):
        shown = "off"
    else:
        shown = f"{quiet['start']}-{quiet['end']}"
    return {"tenant_id": tenant.tenant_id, "name": tenant.name,
            "default_locale": tenant.default_locale, "timezone": tenant.timezone,
            "quiet_hours": shown, "retention_days": retention_days(tenant.retention_days)}


class TenantService:
    def __init__(self, store: TenantStore, clock: Clock, keys: ApiKeyService) -> None:
        self._store = store
        self._clock = clock
        self._keys = keys

    def create_tenant(self, name: str, *, default_locale: str = "en", timezone: str = "UTC",
                      quiet_hours: str | None = None) -> dict[str, str]:
        """A tenant with an admin key. The key and webhook secret are shown only here."""
        if not name.strip():
            raise ValidationFailed("tenant name is required", code="missing_name")
        now = self._clock.now()
        tenant_id = new_id("tn")
        secret = new_webhook_secret()
        pk, sk = TenantItem.key(tenant_id)
        quiet = parse_quiet_hours(quiet_hours) if quiet_hours else None
        tenant = TenantItem(pk, sk, tenant_id=tenant_id, name=name.strip(),
                            default_locale=default_locale, timezone=timezone,
                            quiet_hours=quiet, webhook_secret=secret, created_at=now)
        tenant.gsi1pk, tenant.gsi1sk = TenantItem.registry_keys(tenant_id)
        api_key, key_item, summary = key_items(tenant_id, "admin", "initial admin key", None,
                                               None, now)
        self._store.create(tenant, key_item, summary)
        return {"tenant_id": tenant_id, "name": tenant.name, "api_key": api_key,
                "key_id": key_item.key_id, "role": "admin", "webhook_secret": secret}

    def settings(self, tenant_id: str) -> dict[str, Any]:
        tenant = self._store.get(tenant_id)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return settings_view(tenant)

    def update_settings(self, tenant_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change the tenant's name, default locale, time zone (the default for candidates
        without one: quiet hours are kept in it), default quiet hours ("21:00-08:00" or
        "off") or retention period (days without activity or consent before a candidate is
        anonymised). Applies to invitations and campaigns created afterwards (a campaign keeps
        the policy it was created with) and to profiles as they are next touched."""
        values: dict[str, Any] = {}
        if "name" in changes:
            if not str(changes["name"] or "").strip():
                raise ValidationFailed("tenant name must not be empty", code="missing_name")
            values["name"] = str(changes["name"]).strip()
        for field, check in (("default_locale", check_locale), ("timezone", check_timezone)):
            if field in changes:
                checked = check(str(changes[field] or ""))
                if isinstance(checked, ContactProblem):
                    raise ValidationFailed(checked.message, code=checked.code)
                values[field] = checked
        if "quiet_hours" in changes:
            raw = changes["quiet_hours"]
            if not isinstance(raw, str) or not raw.strip():
                raise ValidationFailed('quiet_hours must be "HH:MM-HH:MM" or "off"',
                                       code="invalid_quiet_hours")
            values["quiet_hours"] = parse_quiet_hours(raw)
        if "retention_days" in changes:
            days = changes["retention_days"]
            if isinstance(days, bool) or not isinstance(days, int) or \
                    not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
                raise ValidationFailed(
                    f"retention_days must be a whole number of days, {MIN_RETENTION_DAYS}-"
                    f"{MAX_RETENTION_DAYS}", code="invalid_retention_days")
            values["retention_days"] = days
        if not values:
            raise ValidationFailed("nothing to change", code="empty_update")
        tenant = self._store.update(tenant_id, values)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return settings_view(tenant)

    def create_key(self, tenant_id: str, role: str, label: str | None = None,
                   campaign_ids: list[str] | None = None) -> dict[str, Any]:
        """Another key for the tenant (kept for `python -m infra.local create-key`)."""
        result: dict[str, Any] = self._keys.create_key(tenant_id, role, label, campaign_ids)
        return result

    def authenticate(self, token: str | None) -> Principal | None:
        """The bearer key's tenant and role, or None: an unknown, revoked (its hashed item
        is gone) or expired key (by the request clock), or a disabled tenant."""
        if not token:
            return None
        scheme, _, key = token.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.startswith(KEY_PREFIX):
            return None
        item = self._store.find_key(hash_api_key(key.strip()))
        if item is None or status(None, item.expires_at, self._clock.now()) != "active":
            return None
        tenant = self._store.get(item.tenant_id)
        if tenant is None or tenant.disabled_at is not None:
            return None
        return Principal(item.tenant_id, item.role, item.key_id,
                         tuple(map(str, item.campaign_ids or ())))
