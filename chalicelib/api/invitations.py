"""Bulk invitations and listings by status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import (
    CURSOR,
    IDEMPOTENCY_KEY,
    INVITATION_STATUSES,
    READERS,
    Caller,
    Query,
    endpoint,
    flag_query,
    limit_query,
    log_request,
)
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.invitations import read_schemas, schemas
else:
    read_schemas = schemas_of("chalicelib.invitations.read_schemas")
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)

IDEMPOTENCY = Query("Idempotency-Key", "retrying with the same key and body replays the "
                    "first answer; another body with the same key is refused (422)",
                    schema=IDEMPOTENCY_KEY)


@endpoint(bp, "POST", "/campaigns/{campaign_id}/invitations", status=201,
          summary="Invite up to 1,000 candidates (rows checked one by one)",
          body=schemas.CreateInvitations, body_doc=schemas.CreateInvitationsDoc,
          response=schemas.InvitationsCreated, headers=(IDEMPOTENCY,),
          errors=(400, 404, 409, 413, 422), authorizer=api_key,
          codes=((409, "campaign_closed: the campaign's fixed deadline has passed (the whole "
                  "request is refused, nothing is written; not retryable)"),
                 (409, "idempotency_in_progress: a request with this key is still running")))
def create_invitations(caller: Caller, campaign_id: str,
                       body: schemas.CreateInvitations) -> dict[str, Any]:
    key = (caller.request.headers or {}).get("idempotency-key")
    result: dict[str, Any] = container().idempotent_invite(
        caller.tenant_id, campaign_id, body.candidates, caller.now, key,
        getattr(bp, "lambda_context", None))
    log_request(caller, "invitations created", campaign_id=campaign_id,
                invitations_created=result["created"], duplicates=result["duplicates"],
                rejected=len(result["rejected"]))
    return result


@endpoint(bp, "GET", "/campaigns/{campaign_id}/invitations", roles=READERS,
          summary="Invitations of a campaign, by status (e.g. the no-show group) or all, "
                  "searched by name, email or phone",
          response=read_schemas.InvitationRows, errors=(400, 404), authorizer=api_key,
          query=(Query("status", "invitation status (default: every status)",
                       schema={"type": "string", "enum": list(INVITATION_STATUSES)}),
                 Query("q", "part of the name, or the exact email or phone",
                       schema={"type": "string", "maxLength": 200}),
                 flag_query("late", "true: only results the vendor reported late "
                                    "(completed_late, or completed after a cancel)"),
                 limit_query(50),
                 CURSOR))
def list_invitations(caller: Caller, campaign_id: str) -> dict[str, Any]:
    caller.check_campaign(campaign_id)
    result: dict[str, Any] = container().invitation_reads.list(
        caller.tenant_id, campaign_id, caller.param("status"), caller.param("q"),
        caller.limit(), caller.param("cursor"), late=caller.flag("late"))
    return result


@endpoint(bp, "POST", "/invitations/actions", summary="Cancel, extend or resend invitations "
          "(each reported on its own)", body=schemas.InvitationActionIn,
          response=schemas.InvitationActionsDone, errors=(400, 422), authorizer=api_key)
def invitation_actions(caller: Caller, body: schemas.InvitationActionIn) -> dict[str, Any]:
    result: dict[str, Any] = container().invitation_actions.run(
        caller.tenant_id, body.action, body.invitation_ids, body.deadline_at, caller.now)
    log_request(caller, "invitation action", hr_action=body.action,
                invitations=len(body.invitation_ids))
    return result
