"""`GET /me`: who the API key is (tenant, role, campaigns), so a console shows what the role
may do without trying every route."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, endpoint

bp = Blueprint(__name__)


class Me(BaseModel):
    tenant_id: str
    role: str
    key_id: str
    campaign_ids: list[str]


@endpoint(bp, "GET", "/me", summary="The calling key: tenant, role, campaigns (interviewers)",
          roles=("admin", "recruiter", "interviewer", "finance"), response=Me, errors=(),
          authorizer=api_key)
def me(caller: Caller) -> dict[str, Any]:
    return {"tenant_id": caller.tenant_id, "role": caller.role, "key_id": caller.key_id,
            "campaign_ids": list(caller.campaign_ids)}
