"""The tenant's own API keys and vendor-webhook secret (admin role; the operator CLI,
`python -m infra.operator`, does the same for any tenant)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, Query, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.invitations import schemas
else:
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)
ADMIN = ("admin",)


@endpoint(bp, "GET", "/tenant/keys", summary="The tenant's API keys (never the key itself)",
          roles=ADMIN, response=schemas.ApiKeys, errors=(400,), authorizer=api_key,
          query=(Query("include_revoked", "true (default) or false"),
                 Query("limit", "1-100, default 100", schema={"type": "integer"}),
                 Query("cursor", "next_cursor of the previous page")))
def list_keys(caller: Caller) -> dict[str, Any]:
    include = (caller.param("include_revoked") or "true").lower() != "false"
    items, cursor = container().api_keys.list_keys(
        caller.tenant_id, include, caller.limit(default=100), caller.param("cursor"))
    return {"items": items, "next_cursor": cursor}


@endpoint(bp, "POST", "/tenant/keys", summary="Issue an API key (shown once)", status=201,
          roles=ADMIN, body=schemas.CreateApiKey, response=schemas.ApiKeyCreated,
          errors=(400,), authorizer=api_key)
def create_key(caller: Caller, body: schemas.CreateApiKey) -> dict[str, Any]:
    result: dict[str, Any] = container().api_keys.create_key(
        caller.tenant_id, body.role, body.label, body.campaign_ids, body.expires_at)
    log_request(caller, "api key issued", new_key_id=result["key_id"], role=body.role)
    return result


@endpoint(bp, "DELETE", "/tenant/keys/{key_id}", summary="Revoke an API key",
          roles=ADMIN, response=schemas.ApiKey, errors=(404, 409), authorizer=api_key)
def revoke_key(caller: Caller, key_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().api_keys.revoke_key(caller.tenant_id, key_id,
                                                             by=caller.key_id)
    log_request(caller, "api key revoked", revoked_key_id=key_id)
    return result


@endpoint(bp, "GET", "/tenant/webhook-secret", summary="Which webhook secrets verify",
          roles=ADMIN, response=schemas.WebhookSecrets, errors=(), authorizer=api_key)
def webhook_secrets(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_secrets.view(caller.tenant_id)
    return result


@endpoint(bp, "POST", "/tenant/webhook-secret/rotate", roles=ADMIN, authorizer=api_key,
          summary="New webhook secret (shown once); the old one verifies for the overlap",
          body=schemas.RotateSecretIn, optional_body=True, response=schemas.SecretRotated,
          errors=(400, 409))
def rotate_secret(caller: Caller, body: schemas.RotateSecretIn) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_secrets.rotate(caller.tenant_id,
                                                                body.overlap_hours)
    log_request(caller, "webhook secret rotated", overlap_hours=body.overlap_hours)
    return result


@endpoint(bp, "POST", "/tenant/webhook-secret/retire", roles=ADMIN, authorizer=api_key,
          summary="Stop an older webhook secret (or all of them) verifying now",
          body=schemas.RetireSecretIn, optional_body=True, response=schemas.WebhookSecrets,
          errors=(400, 404))
def retire_secret(caller: Caller, body: schemas.RetireSecretIn) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_secrets.retire(caller.tenant_id,
                                                                body.fingerprint)
    log_request(caller, "webhook secret retired", fingerprint=body.fingerprint)
    return result

