"""One decision on a campaign's no-show group (re-invite, extend, tag; dry run), and the
candidate's timeline across campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import (
    CURSOR,
    IDEMPOTENCY_KEY,
    READERS,
    Caller,
    Query,
    endpoint,
    limit_query,
    log_request,
)
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.secrets import CAMPAIGN_SCOPED

if TYPE_CHECKING:
    from chalicelib.pool import decision_schemas as schemas
else:
    schemas = schemas_of("chalicelib.pool.decision_schemas")

bp = Blueprint(__name__)

IDEMPOTENCY = Query("Idempotency-Key", "retrying a real run with the same key and body "
                    "replays the first answer; another body with the same key is refused "
                    "(422). Dry runs are never recorded", schema=IDEMPOTENCY_KEY)


@endpoint(bp, "POST", "/campaigns/{campaign_id}/no-shows/decision",
          summary="Decide on the no-show group in one request: re-invite into another "
                  "campaign, extend, or tag hold_contact/cold (dry run; each invitation "
                  "reported on its own)",
          body=schemas.NoShowDecisionIn, response=schemas.NoShowDecisionOut,
          headers=(IDEMPOTENCY,), errors=(400, 404, 409, 422), authorizer=api_key,
          codes=((404, "campaign_not_found, target_campaign_not_found"),
                 (409, "campaign_closed: the target campaign takes no invitations (the whole "
                  "request is refused, dry run too; nothing is written)"),
                 (409, "idempotency_in_progress: a request with this key is still running"),
                 (422, "idempotency_key_reused: the key was used with another body")))
def decide(caller: Caller, campaign_id: str, body: schemas.NoShowDecisionIn) -> dict[str, Any]:
    from chalicelib.pool.services.no_show_decisions import Decision  # the stores: first call

    decision = Decision(action=body.action, invitation_ids=body.invitation_ids,
                        reason=body.reason, limit=body.limit, cursor=body.cursor,
                        target_campaign_id=body.target_campaign_id,
                        extend_hours=body.extend_hours, new_deadline=body.new_deadline_at,
                        tag=body.tag, tag_days=body.tag_days, dry_run=body.dry_run)
    key = (caller.request.headers or {}).get("idempotency-key")
    result: dict[str, Any] = container().idempotent_decision(
        caller.tenant_id, campaign_id, decision, caller.key_id, caller.now, key,
        getattr(bp, "lambda_context", None))
    log_request(caller, "no-show decision", campaign_id=campaign_id, hr_action=body.action,
                dry_run=body.dry_run, **{f"n_{k}": v for k, v in result["totals"].items()})
    return result


@endpoint(bp, "GET", "/candidates/{candidate_id}/timeline", roles=READERS,
          summary="A candidate's timeline across campaigns, newest first (interviewers: "
                  "their campaigns' entries)",
          response=schemas.CandidateTimelinePage, errors=(400, 404), authorizer=api_key,
          query=(limit_query(50),
                 CURSOR))
def candidate_timeline(caller: Caller, candidate_id: str) -> dict[str, Any]:
    only = caller.campaign_ids if caller.role in CAMPAIGN_SCOPED else None
    result: dict[str, Any] = container().candidate_timeline.page(
        caller.tenant_id, candidate_id, only, caller.limit(), caller.param("cursor"))
    return result
