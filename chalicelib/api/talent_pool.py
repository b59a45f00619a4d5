"""The talent pool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import (
    CURSOR,
    READERS,
    WRITERS,
    Caller,
    Query,
    endpoint,
    flag_query,
    limit_query,
    log_request,
)
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.patterns import TAG_LIST

if TYPE_CHECKING:
    from chalicelib.pool import schemas
else:
    schemas = schemas_of("chalicelib.pool.schemas")

ADMIN = ("admin",)

bp = Blueprint(__name__)


TAG_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
TAGS = {"type": "string", "pattern": TAG_LIST}
SCORE = {"type": "number", "minimum": 0, "maximum": 100}
RULE_ID = Query("rule_id", "1-40 characters: a-z, 0-9 and _",
                schema={"type": "string", "pattern": TAG_PATTERN})
SEGMENT = ("all", "any", "none", "min_score", "max_score", "position_id", "active_since",
           "locale")


@endpoint(bp, "GET", "/talent-pool/candidates", roles=READERS,
          summary="A pool segment: tags all/any/none, score, campaign/position, activity, locale",
          response=schemas.PoolPage, errors=(400, 422), authorizer=api_key,
          query=(Query("tag", "e.g. no_show (same as all=no_show); one of tag, all or any "
                       "names a tag (else 422 missing_tag)", schema=TAGS),
                 Query("all", "comma-separated tags the candidate has, every one", schema=TAGS),
                 Query("any", "comma-separated tags, at least one", schema=TAGS),
                 Query("none", "comma-separated tags the candidate must not have",
                       schema=TAGS),
                 Query("min_score", "cooperation score from", schema=SCORE),
                 Query("max_score", "cooperation score to", schema=SCORE),
                 Query("campaign_id", "only tags from this campaign"),
                 Query("position_id", "only candidates invited for this position"),
                 Query("active_since", "last behaviour at or after (ISO 8601)",
                       schema={"type": "string", "format": "date-time"}),
                 Query("locale", "e.g. zh-CN"),
                 flag_query("count", "true: also count the whole segment (reads all of it)"),
                 limit_query(50),
                 CURSOR))
def list_pool(caller: Caller) -> dict[str, Any]:
    caller.check_campaign(caller.param("campaign_id"))  # interviewers: one of theirs
    result: dict[str, Any] = container().talent_pool.candidates(
        caller.tenant_id, caller.param("tag"), caller.param("campaign_id"), caller.limit(),
        caller.param("cursor"), caller.now, {k: caller.param(k) for k in SEGMENT},
        caller.flag("count"))
    return result


@endpoint(bp, "GET", "/talent-pool/candidates/{candidate_id}", roles=WRITERS,
          summary="A pool candidate: profile, active tags, cooperation score with its "
          "components, invitation history, tag audit", response=schemas.PoolProfile,
          errors=(404,), authorizer=api_key)
def get_candidate(caller: Caller, candidate_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().talent_pool.candidate(caller.tenant_id, candidate_id,
                                                               caller.now)
    return result


@endpoint(bp, "POST", "/talent-pool/candidates/{candidate_id}/tags", status=201,
          summary="Tag a candidate by hand (audited: who, when, why)", body=schemas.TagIn,
          response=schemas.PoolTag, errors=(400, 404, 422), authorizer=api_key)
def add_tag(caller: Caller, candidate_id: str, body: schemas.TagIn) -> dict[str, Any]:
    result: dict[str, Any] = container().talent_pool.add_tag(
        caller.tenant_id, candidate_id, body.tag, body.reason, body.expires_at, caller.key_id,
        caller.now)
    log_request(caller, "pool tag added", candidate_id=candidate_id, tag=body.tag)
    return result


@endpoint(bp, "DELETE", "/talent-pool/candidates/{candidate_id}/tags/{tag}",
          summary="Remove a tag (rule or manual) from a candidate (audited)",
          response=schemas.TagRemoved, errors=(400, 404), authorizer=api_key,
          paths=(Query("tag", "a tag name", schema={"type": "string", "pattern": TAG_PATTERN}),),
          query=(Query("why", "kept in the audit record"),))
def remove_tag(caller: Caller, candidate_id: str, tag: str) -> dict[str, Any]:
    result: dict[str, Any] = container().talent_pool.remove_tag(
        caller.tenant_id, candidate_id, tag, caller.param("why"), caller.key_id, caller.now)
    log_request(caller, "pool tag removed", candidate_id=candidate_id, tag=tag)
    return result


@endpoint(bp, "GET", "/talent-pool/rules", roles=ADMIN,
          summary="The tenant's tag rules (defaults where not set)",
          response=schemas.TagRules, authorizer=api_key)
def get_rules(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().talent_pool.rules(caller.tenant_id)
    return result


@endpoint(bp, "PUT", "/talent-pool/rules", roles=ADMIN,
          summary="Replace the tenant's tag rules (fields left out take the defaults)",
          body=schemas.TagRulesIn, response=schemas.TagRules, authorizer=api_key)
def replace_rules(caller: Caller, body: schemas.TagRulesIn) -> dict[str, Any]:
    result: dict[str, Any] = container().talent_pool.replace_rules(
        caller.tenant_id, body.model_dump(exclude_unset=True))
    log_request(caller, "pool rules replaced")
    return result


@endpoint(bp, "GET", "/talent-pool/suggestions", roles=WRITERS,
          summary="Pool candidates for a position, ranked by score, recency and fit "
          "(skips hold_contact, opted-out and suppressed)", response=schemas.Suggestions,
          errors=(400, 404), authorizer=api_key,
          query=(Query("position_id", "the new position", required=True),
                 limit_query(20)))
def suggestions(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().pool_suggestions.suggest(
        caller.tenant_id, caller.param("position_id"), caller.limit(default=20), caller.now)
    return result


@endpoint(bp, "POST", "/talent-pool/re-engagements",
          summary="Invite a pool segment to a campaign (dry run: who would be invited, who "
          "not, and why); frequency-capped, consent honoured, idempotent",
          body=schemas.ReEngagementIn, response=schemas.ReEngagement, errors=(400, 404, 409, 422),
          codes=((409, "campaign_closed: the campaign's fixed deadline has passed"),),
          authorizer=api_key)
def re_engage(caller: Caller, body: schemas.ReEngagementIn) -> dict[str, Any]:
    result: dict[str, Any] = container().reengagement.run(
        caller.tenant_id, body.segment.model_dump(exclude_none=True), body.campaign_id,
        body.dry_run, body.cap_days, body.max_candidates, caller.now)
    log_request(caller, "re-engagement", campaign_id=body.campaign_id, dry_run=body.dry_run,
                invitations_created=len(result["invited"]) if not body.dry_run else 0,
                skipped=len(result["skipped"]))
    return result


@endpoint(bp, "PUT", "/talent-pool/re-engagement-rules/{rule_id}",
          summary="Create or replace a scheduled re-engagement (run hourly when due)",
          body=schemas.ReEngagementRuleIn, response=schemas.ReEngagementRule,
          errors=(400, 404, 409, 422), authorizer=api_key, paths=(RULE_ID,),
          codes=((409, "campaign_closed: the campaign's fixed deadline has passed"),))
def put_reengagement_rule(caller: Caller, rule_id: str,
                          body: schemas.ReEngagementRuleIn) -> dict[str, Any]:
    data = body.model_dump()
    data["segment"] = body.segment.model_dump(exclude_none=True)
    result: dict[str, Any] = container().reengagement_rules.save(caller.tenant_id, rule_id,
                                                                 data, caller.now)
    log_request(caller, "re-engagement rule saved", rule_id=rule_id)
    return result


@endpoint(bp, "GET", "/talent-pool/re-engagement-rules", summary="Scheduled re-engagements",
          response=schemas.ReEngagementRules, authorizer=api_key)
def list_reengagement_rules(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().reengagement_rules.list(caller.tenant_id)
    return result


@endpoint(bp, "DELETE", "/talent-pool/re-engagement-rules/{rule_id}",
          summary="Delete a scheduled re-engagement", response=schemas.Deleted,
          errors=(404,), authorizer=api_key, paths=(RULE_ID,))
def delete_reengagement_rule(caller: Caller, rule_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().reengagement_rules.delete(caller.tenant_id, rule_id)
    log_request(caller, "re-engagement rule deleted", rule_id=rule_id)
    return result
