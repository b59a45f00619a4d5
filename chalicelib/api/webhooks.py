"""The AI-interview vendor's webhook (Standard Webhooks; no API key: the signature is the
authentication)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.http import Caller, Query, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.invitations import schemas
else:
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)

SIGNATURE_HEADERS = (
    Query("webhook-id", "unique per message; a repeat is answered 2xx, once", required=True),
    Query("webhook-timestamp", "Unix seconds; ±5 minutes", required=True),
    Query("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body>", required=True),
)


@endpoint(bp, "POST", "/webhooks/vendor", summary="Vendor interview events (signed)",
          roles=None, body_doc=schemas.VendorEvent, response=schemas.WebhookResult,
          headers=SIGNATURE_HEADERS, errors=(400, 401, 403, 404, 409))
def vendor_webhook(caller: Caller) -> dict[str, Any]:
    request = caller.request
    result: dict[str, Any] = container().webhooks.receive(
        dict(request.headers or {}), request.raw_body or b"", caller.now)
    return result
