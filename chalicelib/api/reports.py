"""Exports to S3: on demand (queued, then a download link) and the tenant's schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, Query, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.reports import schemas
else:
    schemas = schemas_of("chalicelib.reports.schemas")

bp = Blueprint(__name__)

EXPORTERS = ("admin", "recruiter", "finance")
IDEMPOTENCY = Query("Idempotency-Key", "retrying with the same key returns the same export; "
                    "the same key for another request is refused (422)")


@endpoint(bp, "POST", "/reports/exports", status=202, roles=EXPORTERS,
          summary="Start an export to S3 (CSV or JSON Lines); poll it for the link",
          body=schemas.CreateExport, response=schemas.Export, headers=(IDEMPOTENCY,),
          errors=(400, 404, 422), authorizer=api_key)
def create_export(caller: Caller, body: schemas.CreateExport) -> dict[str, Any]:
    key = (caller.request.headers or {}).get("idempotency-key")
    result: dict[str, Any] = container().exports.create(
        caller.tenant_id, report=body.report, fmt=body.format, campaign_id=body.campaign_id,
        start=body.start, end=body.end, now=caller.now, idempotency_key=key)
    log_request(caller, "export requested", export_id=result["export_id"],
                report=body.report)
    return result


@endpoint(bp, "GET", "/reports/exports", roles=EXPORTERS, summary="Recent exports",
          response=schemas.ExportPage, authorizer=api_key,
          query=(Query("limit", "1-100, default 20", schema={"type": "integer"}),
                 Query("cursor", "next_cursor of the previous page")))
def list_exports(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().exports.recent(
        caller.tenant_id, caller.limit(default=20), caller.param("cursor"), caller.now)
    return result


@endpoint(bp, "GET", "/reports/exports/{export_id}", roles=EXPORTERS,
          summary="An export's status; when done, a download link that expires",
          response=schemas.Export, errors=(404,), authorizer=api_key)
def get_export(caller: Caller, export_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().exports.get(caller.tenant_id, export_id, caller.now)
    return result


@endpoint(bp, "GET", "/reports/export-schedule", roles=EXPORTERS,
          summary="The tenant's scheduled exports", response=schemas.ExportSchedule,
          authorizer=api_key)
def get_export_schedule(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().exports.get_schedule(caller.tenant_id)
    return result


@endpoint(bp, "PUT", "/reports/export-schedule", roles=("admin",),
          summary="Opt in to (or out of) daily and weekly exports",
          body=schemas.ExportScheduleIn, response=schemas.ExportSchedule, authorizer=api_key)
def put_export_schedule(caller: Caller, body: schemas.ExportScheduleIn) -> dict[str, Any]:
    result: dict[str, Any] = container().exports.set_schedule(
        caller.tenant_id, body.daily, body.weekly, body.format, caller.now)
    log_request(caller, "export schedule set", daily=len(body.daily), weekly=len(body.weekly))
    return result
