"""The caller's own tenant: its settings (name, default locale, time zone, quiet hours)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.invitations import schemas
else:
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/tenant", summary="The tenant's settings", roles=("admin", "recruiter"),
          response=schemas.TenantSettings, errors=(), authorizer=api_key)
def get_tenant(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().tenants.settings(caller.tenant_id)
    return result


@endpoint(bp, "PATCH", "/tenant", summary="Change the tenant's settings (admin)",
          roles=("admin",), body=schemas.TenantSettingsIn, response=schemas.TenantSettings,
          authorizer=api_key)
def update_tenant(caller: Caller, body: schemas.TenantSettingsIn) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    result: dict[str, Any] = container().tenants.update_settings(caller.tenant_id, changes)
    log_request(caller, "tenant settings changed", fields=sorted(changes))
    return result
