"""Positions and campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import READERS, Caller, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.invitations import schemas
else:
    schemas = schemas_of("chalicelib.invitations.schemas")

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/positions", summary="Create a position", status=201,
          body=schemas.CreatePosition, response=schemas.Position, authorizer=api_key)
def create_position(caller: Caller, body: schemas.CreatePosition) -> dict[str, Any]:
    return container().catalog.create_position(caller.tenant_id, body.title, body.department,
                                               caller.now)


@endpoint(bp, "POST", "/campaigns", summary="Create a campaign", status=201,
          body=schemas.CreateCampaign, response=schemas.Campaign, errors=(400, 404, 422),
          authorizer=api_key)
def create_campaign(caller: Caller, body: schemas.CreateCampaign) -> dict[str, Any]:
    return container().catalog.create_campaign(
        caller.tenant_id, position_id=body.position_id, name=body.name,
        channels=list(body.channels), window_hours=body.window_hours,
        deadline_at=body.deadline_at, locale=body.locale, now=caller.now,
        reminder_policy=(body.reminder_policy.model_dump(exclude_unset=True)
                         if body.reminder_policy is not None else None),
        audience_windows=body.audience_windows, owner_email=body.owner_email,
        interviewer_emails=body.interviewer_emails)


@endpoint(bp, "GET", "/campaigns/{campaign_id}", summary="A campaign with live status counts",
          roles=READERS, response=schemas.Campaign, errors=(404,), authorizer=api_key)
def get_campaign(caller: Caller, campaign_id: str) -> dict[str, Any]:
    caller.check_campaign(campaign_id)
    return container().catalog.get_campaign(caller.tenant_id, campaign_id)
