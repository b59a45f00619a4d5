"""The talent pool."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api import schemas
from chalicelib.api.auth import api_key
from chalicelib.api.http import READERS, Caller, Query, endpoint
from chalicelib.bootstrap import container

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/talent-pool/candidates", roles=READERS,
          summary="Pool candidates by tag, optionally of one campaign",
          response=schemas.PoolPage, authorizer=api_key,
          query=(Query("tag", "e.g. no_show", required=True),
                 Query("campaign_id", "only candidates tagged from this campaign"),
                 Query("limit", "1-100, default 50", schema={"type": "integer"}),
                 Query("cursor", "next_cursor of the previous page")))
def list_pool(caller: Caller) -> dict[str, Any]:
    caller.check_campaign(caller.param("campaign_id"))  # interviewers: one of theirs
    result: dict[str, Any] = container().talent_pool.candidates(
        caller.tenant_id, caller.param("tag"), caller.param("campaign_id"), caller.limit(),
        caller.param("cursor"))
    return result
