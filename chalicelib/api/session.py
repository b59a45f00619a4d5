"""`GET /me`: who the API key is (tenant, role, campaigns), so a console shows what the role
may do without trying every route."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, endpoint
from chalicelib.api.lazy import schemas_of

if TYPE_CHECKING:
    from chalicelib.invitations import read_schemas
else:
    read_schemas = schemas_of("chalicelib.invitations.read_schemas")

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/me", summary="The calling key: tenant, role, campaigns (interviewers)",
          roles=("admin", "recruiter", "interviewer", "finance"), response=read_schemas.Me,
          errors=(),
          authorizer=api_key)
def me(caller: Caller) -> dict[str, Any]:
    return {"tenant_id": caller.tenant_id, "role": caller.role, "key_id": caller.key_id,
            "campaign_ids": list(caller.campaign_ids)}
