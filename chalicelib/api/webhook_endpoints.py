"""The tenant's outbound webhook endpoints (admin role): HR systems hear of no-shows,
completions, reasons, extension requests, tag changes, exports and budget thresholds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import CURSOR, Caller, Query, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.hooks import schemas
else:
    schemas = schemas_of("chalicelib.hooks.schemas")

bp = Blueprint(__name__)
ADMIN = ("admin",)
PATH = "/webhook-endpoints/{endpoint_id}"


@endpoint(bp, "POST", "/webhook-endpoints", summary="Register an endpoint (secret shown once)",
          status=201, roles=ADMIN, body=schemas.CreateEndpoint,
          response=schemas.EndpointCreated, errors=(400, 409, 422), authorizer=api_key,
          codes=((422, "insecure_url, forbidden_target, unresolvable_host: a URL this stage "
                  "will not call"), (409, "too_many_endpoints")))
def create(caller: Caller, body: schemas.CreateEndpoint) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.create(
        caller.tenant_id, body.url, list(body.events), body.description, body.alert_email,
        caller.now)
    log_request(caller, "webhook endpoint registered", endpoint_id=result["id"])
    return result


@endpoint(bp, "GET", "/webhook-endpoints", summary="The tenant's webhook endpoints",
          roles=ADMIN, response=schemas.Endpoints, errors=(), authorizer=api_key)
def list_endpoints(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.list(caller.tenant_id)
    return result


@endpoint(bp, "GET", PATH, summary="One webhook endpoint", roles=ADMIN,
          response=schemas.Endpoint, errors=(404,), authorizer=api_key)
def get(caller: Caller, endpoint_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.get(caller.tenant_id, endpoint_id)
    return result


@endpoint(bp, "PATCH", PATH, summary="Change, pause or re-enable a webhook endpoint",
          roles=ADMIN, body=schemas.UpdateEndpoint, response=schemas.Endpoint,
          errors=(400, 404, 422), authorizer=api_key)
def update(caller: Caller, endpoint_id: str, body: schemas.UpdateEndpoint) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.update(
        caller.tenant_id, endpoint_id, schemas.changes_of(body), caller.now)
    log_request(caller, "webhook endpoint changed", endpoint_id=endpoint_id)
    return result


@endpoint(bp, "DELETE", PATH, summary="Delete a webhook endpoint", roles=ADMIN,
          response=schemas.EndpointDeleted, errors=(404,), authorizer=api_key)
def delete(caller: Caller, endpoint_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.delete(caller.tenant_id,
                                                                  endpoint_id)
    log_request(caller, "webhook endpoint deleted", endpoint_id=endpoint_id)
    return result


@endpoint(bp, "POST", PATH + "/secret/rotate", roles=ADMIN, authorizer=api_key,
          summary="New signing secret (shown once); the old one signs too for the overlap",
          body_doc=schemas.RotateEndpointSecret, response=schemas.SecretRotated,
          errors=(400, 404))
def rotate(caller: Caller, endpoint_id: str) -> dict[str, Any]:
    raw = caller.request.raw_body
    body = (schemas.RotateEndpointSecret.model_validate_json(raw) if raw and raw.strip()
            else schemas.RotateEndpointSecret())
    result: dict[str, Any] = container().webhook_endpoints.rotate(
        caller.tenant_id, endpoint_id, body.overlap_hours, caller.now)
    log_request(caller, "webhook endpoint secret rotated", endpoint_id=endpoint_id)
    return result


@endpoint(bp, "GET", PATH + "/deliveries", roles=ADMIN, authorizer=api_key,
          summary="The delivery log: attempts, status codes, next retry (newest first)",
          response=schemas.Deliveries, errors=(400, 404),
          query=(Query("limit", "1-100, default 50", schema={"type": "integer",
                                                              "minimum": 1, "maximum": 100}),
                 Query("status", "pending, delivered or failed",
                       schema={"type": "string", "enum": ["pending", "delivered",
                                                          "failed"]}),
                 CURSOR))
def deliveries(caller: Caller, endpoint_id: str) -> dict[str, Any]:
    status = caller.param("status")
    if status not in (None, "pending", "delivered", "failed"):
        from chalicelib.shared.domain.errors import ValidationFailed

        raise ValidationFailed("status must be pending, delivered or failed",
                               code="invalid_status")
    result: dict[str, Any] = container().webhook_endpoints.deliveries(
        caller.tenant_id, endpoint_id, caller.limit(), status, caller.param("cursor"))
    return result


@endpoint(bp, "POST", PATH + "/deliveries/{delivery_id}/replay", roles=ADMIN,
          authorizer=api_key, status=202, response=schemas.Delivery, errors=(404, 409),
          summary="Send a finished delivery again (same webhook-id, a new round of retries)",
          codes=((409, "endpoint_disabled, delivery_pending"),))
def replay(caller: Caller, endpoint_id: str, delivery_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.replay(
        caller.tenant_id, endpoint_id, delivery_id, caller.now)
    log_request(caller, "webhook delivery replayed", endpoint_id=endpoint_id)
    return result


@endpoint(bp, "POST", PATH + "/ping", roles=ADMIN, authorizer=api_key, status=202,
          summary="Queue a signed webhook.ping to the endpoint (see its delivery log)",
          response=schemas.Delivery, errors=(404, 409),
          codes=((409, "endpoint_disabled"),))
def ping(caller: Caller, endpoint_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().webhook_endpoints.ping(caller.tenant_id, endpoint_id,
                                                                caller.now)
    return result
