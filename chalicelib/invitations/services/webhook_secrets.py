"""A tenant's vendor-webhook secrets: rotate (the new secret is shown once), see which
secrets verify (fingerprints only), retire an older one before its window ends.

After a rotation the old secret keeps verifying until `retire_at` (the overlap window,
24 h by default, 0-168 h), so the vendor can switch without a rejected event; verification
accepts a signature by any live secret (services/webhooks.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import Clock
from chalicelib.invitations.domain import webhook_secrets as rules
from chalicelib.invitations.models import TenantItem
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.errors import Conflict, NotFound, ValidationFailed
from chalicelib.shared.domain.secrets import new_webhook_secret


def secrets_view(tenant: TenantItem, now: datetime) -> dict[str, Any]:
    retiring = rules.live(rules.parse_retiring(tenant.retiring_webhook_secrets), now)
    since = tenant.webhook_secret_rotated_at or tenant.created_at
    return {"current": {"fingerprint": rules.fingerprint(tenant.webhook_secret),
                        "since": since.isoformat() if since else None},
            "retiring": [{"fingerprint": r.fingerprint, "rotated_at": r.rotated_at.isoformat(),
                          "retire_at": r.retire_at.isoformat()} for r in retiring]}


class WebhookSecretService:
    def __init__(self, tenants: TenantStore, clock: Clock) -> None:
        self._tenants = tenants
        self._clock = clock

    def view(self, tenant_id: str) -> dict[str, Any]:
        return secrets_view(self._tenant(tenant_id), self._clock.now())

    def rotate(self, tenant_id: str, overlap_hours: float | None = None) -> dict[str, Any]:
        """A new current secret (in this answer only); the old one verifies until
        now + overlap. Refused while two older secrets still verify."""
        now = self._clock.now()
        try:
            overlap = rules.overlap_of(overlap_hours)
            tenant = self._tenant(tenant_id)
            secret = new_webhook_secret()
            retiring = rules.rotate(tenant.webhook_secret,
                                    rules.parse_retiring(tenant.retiring_webhook_secrets),
                                    secret, now, overlap)
        except rules.SecretProblem as problem:
            raise _error(problem) from problem
        updated = self._tenants.replace_secrets(tenant_id, tenant.webhook_secret, secret,
                                                [r.to_json() for r in retiring], now)
        if updated is None:
            raise Conflict("the tenant's secrets changed meanwhile; retry", code="retry_later")
        return {"webhook_secret": secret, **secrets_view(updated, now)}

    def retire(self, tenant_id: str, fingerprint: str | None = None) -> dict[str, Any]:
        """Stop an older secret (or, with no fingerprint, every older one) verifying now."""
        now = self._clock.now()
        tenant = self._tenant(tenant_id)
        try:
            retiring = rules.retire(rules.parse_retiring(tenant.retiring_webhook_secrets),
                                    fingerprint, now)
        except rules.SecretProblem as problem:
            raise _error(problem) from problem
        updated = self._tenants.replace_secrets(
            tenant_id, tenant.webhook_secret, tenant.webhook_secret,
            [r.to_json() for r in retiring],
            tenant.webhook_secret_rotated_at or tenant.created_at)
        if updated is None:
            raise Conflict("the tenant's secrets changed meanwhile; retry", code="retry_later")
        return secrets_view(updated, now)

    def _tenant(self, tenant_id: str) -> TenantItem:
        tenant = self._tenants.get(tenant_id, consistent=True)
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} not found", code="tenant_not_found")
        return tenant


def _error(problem: rules.SecretProblem) -> ValidationFailed | NotFound | Conflict:
    if problem.code == "secret_not_found":
        return NotFound(str(problem), code=problem.code)
    if problem.code == "rotation_in_progress":
        return Conflict(str(problem), code=problem.code)
    return ValidationFailed(str(problem), code=problem.code)
