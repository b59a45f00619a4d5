"""Pages of positions and campaigns (newest first) and changes to a campaign."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import (
    CURSOR,
    ID,
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
    from chalicelib.invitations import read_schemas, schemas
else:
    read_schemas = schemas_of("chalicelib.invitations.read_schemas")
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)

PAGE = (limit_query(50),
        CURSOR)


@endpoint(bp, "GET", "/positions", summary="Positions, newest first", roles=READERS,
          response=read_schemas.PositionPage, query=PAGE, authorizer=api_key)
def list_positions(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().catalog_reads.positions(
        caller.tenant_id, caller.limit(), caller.param("cursor"))
    return result


@endpoint(bp, "GET", "/campaigns", summary="Campaigns, newest first (interviewers: theirs)",
          roles=READERS, response=read_schemas.CampaignPage, authorizer=api_key,
          query=(Query("status", "open or closed",
                       schema={"type": "string", "enum": ["open", "closed"]}),
                 Query("position_id", "only this position's campaigns", schema=ID), *PAGE))
def list_campaigns(caller: Caller) -> dict[str, Any]:
    only = caller.campaign_ids if caller.role in CAMPAIGN_SCOPED else None
    result: dict[str, Any] = container().catalog_reads.campaigns(
        caller.tenant_id, caller.limit(), caller.param("cursor"), status=caller.param("status"),
        position_id=caller.param("position_id"), only=only)
    return result


@endpoint(bp, "PATCH", "/campaigns/{campaign_id}", summary="Rename, change the owner or "
          "interviewers, or close a campaign early", body=read_schemas.CampaignPatch,
          response=schemas.Campaign, errors=(400, 404, 409), authorizer=api_key)
def update_campaign(caller: Caller, campaign_id: str,
                    body: read_schemas.CampaignPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    result: dict[str, Any] = container().catalog_reads.update_campaign(
        caller.tenant_id, campaign_id, changes, caller.now)
    log_request(caller, "campaign changed", campaign_id=campaign_id, fields=sorted(changes))
    return result
