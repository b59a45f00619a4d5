"""The no-show call list: names and contacts of a campaign's no-shows for HR to follow up,
as JSON or CSV; every pull audited (who, which list, when). Interviewers: their campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.api.auth import api_key
from chalicelib.api.http import READERS, Caller, Query, endpoint, limit_query, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.errors import ValidationFailed

if TYPE_CHECKING:
    from chalicelib.reports import schemas
else:
    schemas = schemas_of("chalicelib.reports.schemas")

bp = Blueprint(__name__)

FORMATS = ("json", "csv")


@endpoint(bp, "GET", "/reports/campaigns/{campaign_id}/no-show-call-list", roles=READERS,
          summary="A campaign's no-shows with names and contacts to follow up (audited; "
                  "erased candidates never, opted-out ones counted only)",
          response=schemas.CallList, errors=(400, 404), authorizer=api_key, csv=True,
          query=(Query("format", "json (default) or csv (UTF-8 with BOM, a download)",
                       schema={"type": "string", "enum": list(FORMATS)}),))
def no_show_call_list(caller: Caller, campaign_id: str) -> dict[str, Any] | Response:
    fmt = caller.param("format") or "json"
    if fmt not in FORMATS:
        raise ValidationFailed("format must be json or csv", code="unknown_format")
    caller.check_campaign(campaign_id)
    container().catalog.campaign(caller.tenant_id, campaign_id)  # another tenant's: 404
    from chalicelib.reports.services.call_list import Puller

    result: dict[str, Any] = container().call_list.pull(
        Puller(caller.tenant_id, caller.key_id, caller.role), campaign_id, fmt, caller.now)
    log_request(caller, "call list pulled", campaign_id=campaign_id, pull_id=result["pull_id"],
                rows=len(result["items"]), format=fmt)
    if fmt == "csv":
        return Response(result["csv"].decode(), status_code=200, headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="no-shows-{campaign_id}.csv"',
            "X-Call-List-Pull": result["pull_id"], "Cache-Control": "no-store"})
    return result


@endpoint(bp, "GET", "/reports/call-list-audit", roles=("admin",),
          summary="Who pulled which no-show call list, when (newest first)",
          response=schemas.CallListAudit, authorizer=api_key, query=(limit_query(50),))
def call_list_audit(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().call_list.audits(caller.tenant_id, caller.limit())
    return result
