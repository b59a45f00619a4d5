"""HR's queue of candidates' extension requests: list, approve, deny."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import CURSOR, READERS, Caller, Query, endpoint, limit_query, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.secrets import CAMPAIGN_SCOPED

if TYPE_CHECKING:
    from chalicelib.invitations import extension_schemas as schemas
else:
    schemas = schemas_of("chalicelib.invitations.extension_schemas")

bp = Blueprint(__name__)

DECIDED = ((404, "extension_request_not_found"),
           (409, "extension_request_decided: approved and denied exclude each other"))


def _scope(caller: Caller) -> tuple[str, ...] | None:
    return caller.campaign_ids if caller.role in CAMPAIGN_SCOPED else None


@endpoint(bp, "GET", "/extension-requests", roles=READERS,
          summary="Candidates' extension requests queued for HR, newest first "
                  "(interviewers: their campaigns)",
          response=schemas.ExtensionRequestPage, errors=(400, 404), authorizer=api_key,
          query=(Query("status", "pending (default), approved or denied",
                       schema={"type": "string", "enum": ["pending", "approved", "denied"]}),
                 Query("campaign_id", "only this campaign's requests"),
                 limit_query(50),
                 CURSOR))
def list_requests(caller: Caller) -> dict[str, Any]:
    campaign_id = caller.param("campaign_id")
    if campaign_id is not None:
        caller.check_campaign(campaign_id)
    result: dict[str, Any] = container().extension_requests.queue(
        caller.tenant_id, caller.param("status"), campaign_id, _scope(caller),
        caller.limit(), caller.param("cursor"))
    return result


@endpoint(bp, "POST", "/extension-requests/{request_id}/approve",
          summary="Approve an extension request: the deadline moves (reminders re-planned); "
                  "idempotent", body=schemas.ExtensionApprove,
          response=schemas.ExtensionRequest, errors=(400, 404, 409, 422), authorizer=api_key,
          optional_body=True,
          codes=(*DECIDED, (409, "not_extendable: the invitation is completed, closed or "
                            "cancelled (deny it instead)")))
def approve(caller: Caller, request_id: str, body: schemas.ExtensionApprove) -> dict[str, Any]:
    result: dict[str, Any] = container().extension_requests.approve(
        caller.tenant_id, request_id, body.hours, body.new_deadline_at, caller.key_id,
        caller.now, _scope(caller))
    log_request(caller, "extension approved", request_id=request_id)
    return result


@endpoint(bp, "POST", "/extension-requests/{request_id}/deny",
          summary="Deny an extension request (optional note); idempotent",
          body=schemas.ExtensionDeny, response=schemas.ExtensionRequest,
          errors=(400, 404, 409), authorizer=api_key, codes=DECIDED, optional_body=True)
def deny(caller: Caller, request_id: str, body: schemas.ExtensionDeny) -> dict[str, Any]:
    result: dict[str, Any] = container().extension_requests.deny(
        caller.tenant_id, request_id, body.note, caller.key_id, caller.now, _scope(caller))
    log_request(caller, "extension denied", request_id=request_id)
    return result
