"""Talent-pool import (CSV body or S3 object) and erasure (PIPL / GDPR)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.api.auth import api_key
from chalicelib.api.http import WRITERS, Caller, Query, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.pool.domain.import_fields import FIELDS
from chalicelib.shared.domain.errors import ValidationFailed

if TYPE_CHECKING:
    from chalicelib.pool import schemas
else:
    schemas = schemas_of("chalicelib.pool.schemas")

bp = Blueprint(__name__)

CSV_TYPES = ("text/csv", "application/octet-stream")
_PAIR = rf"\s*({'|'.join(FIELDS)})\s*=[^,=]*[^\s,=][^,=]*"
MAPPING = rf"^{_PAIR}(,{_PAIR})*$"


def _mapping(raw: str | None) -> dict[str, str] | None:
    """`?mapping=name=Full Name,email=Mail` (field=column pairs)."""
    if not raw:
        return None
    out: dict[str, str] = {}
    for pair in raw.split(","):
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValidationFailed("mapping must be field=column pairs separated by commas",
                                   code="invalid_mapping")
        out[field.strip()] = column.strip()
    return out


@endpoint(bp, "POST", "/talent-pool/imports", roles=WRITERS,
          summary="Import candidates: a CSV body (UTF-8 or GB18030) now, or an uploaded S3 "
                  "object as a job (202; poll GET /talent-pool/imports/{import_id})",
          body_doc=schemas.ImportFromObject, response=schemas.ImportResult,
          errors=(400, 404, 422), authorizer=api_key,
          content_types=("application/json", *CSV_TYPES),
          query=(Query("mapping", "field=column pairs, e.g. name=Full Name,email=Mail; a column "
                       "the file does not have: 422",
                       schema={"type": "string", "pattern": MAPPING}),))
def import_candidates(caller: Caller) -> Any:
    request = caller.request
    kind = str((request.headers or {}).get("content-type", "")).split(";")[0].strip().lower()
    raw = request.raw_body or b""
    body = raw if isinstance(raw, bytes) else str(raw).encode()
    actor = f"user:{caller.key_id}"
    if kind == "application/json":
        try:
            data = schemas.ImportFromObject.model_validate(json.loads(body or b"null"))
        except ValueError as err:
            raise ValidationFailed("send {\"s3_key\": ...} as JSON, or the CSV file as "
                                   "text/csv", code="invalid_body") from err
        mapping = data.mapping or _mapping(caller.param("mapping"))
        job: dict[str, Any] = container().import_jobs.submit(caller.tenant_id, data.s3_key,
                                                             mapping, actor, caller.now)
        log_request(caller, "candidate import queued", import_id=job["import_id"],
                    status=job["status"])
        return Response(json.dumps(job, ensure_ascii=False), status_code=202, headers={
            "Content-Type": "application/json",
            "Location": f"/talent-pool/imports/{job['import_id']}"})
    result: dict[str, Any] = container().candidate_import.import_body(
        caller.tenant_id, body, _mapping(caller.param("mapping")), actor, caller.now)
    log_request(caller, "candidates imported", import_id=result["import_id"],
                rows=result["rows"], created_rows=result["created"],
                merged_rows=result["merged"], rejected_rows=result["rejected"])
    return result


@endpoint(bp, "GET", "/talent-pool/imports/{import_id}", roles=WRITERS,
          summary="An import job of an uploaded object: status, counts, report key",
          response=schemas.ImportJob, errors=(404,), authorizer=api_key)
def get_import(caller: Caller, import_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().import_jobs.get(caller.tenant_id, import_id)
    return result


@endpoint(bp, "POST", "/talent-pool/candidates/{candidate_id}/erasure", roles=("admin",),
          summary="Erase a candidate's personal data everywhere (audited, idempotent)",
          response=schemas.ErasureResult, errors=(404,), authorizer=api_key)
def erase_candidate(caller: Caller, candidate_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().erasure.erase(
        caller.tenant_id, candidate_id, f"user:{caller.key_id}", caller.now)
    return result
