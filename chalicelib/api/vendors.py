"""The tenant's interview vendor (admin) and the vendor formats' inbound routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.invitations import schemas
else:
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)
ADMIN = ("admin",)


@endpoint(bp, "GET", "/tenant/vendor", summary="The tenant's interview vendor", roles=ADMIN,
          response=schemas.VendorSettingsOut, errors=(404,), authorizer=api_key)
def get_vendor(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().vendor_settings.view(caller.tenant_id)
    return result


@endpoint(bp, "PUT", "/tenant/vendor", summary="Choose the tenant's interview vendor",
          roles=ADMIN, body=schemas.VendorSettingsIn, response=schemas.VendorSettingsOut,
          errors=(400, 404, 422), authorizer=api_key)
def put_vendor(caller: Caller, body: schemas.VendorSettingsIn) -> dict[str, Any]:
    result: dict[str, Any] = container().vendor_settings.set(caller.tenant_id,
                                                             body.model_dump())
    return result


@endpoint(bp, "POST", "/webhooks/vendors/{vendor}", summary="A vendor's interview events "
          "in its own format (hireflix, sparkhire, standard)", roles=None,
          response=schemas.WebhookResult, errors=(400, 401, 403, 404, 409))
def vendor_events(caller: Caller, vendor: str) -> dict[str, Any]:
    request = caller.request
    result: dict[str, Any] = container().vendor_events.receive(
        vendor, dict(request.headers or {}), request.raw_body or b"", caller.now)
    return result
