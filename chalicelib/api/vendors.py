"""The tenant's interview vendor (admin) and the vendor formats' inbound routes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed

#: the adapters' refusals of an object that is not one of the vendor's events (not JSON, or not
#: an object, stays 400: the document asks for an object)
SHAPE_ERRORS = ("invalid_body", "unsupported_event_type", "invalid_timestamp", "invalid_score")

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
          body_doc=schemas.VendorPayload, response=schemas.WebhookResult,
          errors=(400, 401, 403, 404, 409, 422))
def vendor_events(caller: Caller, vendor: str) -> dict[str, Any]:
    request = caller.request
    try:
        result: dict[str, Any] = container().vendor_events.receive(
            vendor, dict(request.headers or {}), request.raw_body or b"", caller.now)
    except ValidationFailed as err:
        if err.code in SHAPE_ERRORS and _is_object(request.raw_body):  # not an event: 422
            raise Unprocessable(err.message, code=err.code) from err
        raise
    return result


def _is_object(raw: bytes | str | None) -> bool:
    try:
        return isinstance(json.loads(raw or b""), dict)
    except (ValueError, UnicodeDecodeError):
        return False
