"""Imports of uploaded objects as jobs: the API queues, the importer runs.

    POST /talent-pool/imports {"s3_key"} -> job item `queued` (id from key, ETag, mapping:
    the same file again is the same job) -> the table's stream queues it -> importer: claim
    (queued -> running, with a lease) -> rows streamed in chunks -> report next to the
    upload -> `done` with counts -> the upload (full personal data) is deleted, the report
    (ids and codes) stays. GET /talent-pool/imports/{id} shows where it is.

A large file takes minutes, far beyond API Gateway's 29 s; the importer has Lambda's 15.
A failed attempt goes back to `queued` and the queue delivers it again; the import is
idempotent (ids derive from the data), so a retry only reports rows the failed attempt
wrote as `unchanged`. After MAX_IMPORT_ATTEMPTS the job is `failed`, with the error's class
name (never row data); a file that is itself wrong fails at once with the error code
(`missing_columns`, ...). A file replaced after it was posted is not imported (ETag check).
A job that is over (done, or failed for good) deletes its upload if it is still the version
it was posted with; the bucket's lifecycle expires whatever is left under `uploads/`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.observability import logger
from chalicelib.pool.domain.candidate_import import MAX_IMPORT_ATTEMPTS, ImportStatus
from chalicelib.pool.models import ImportJobItem
from chalicelib.pool.services.candidate_import import CandidateImportService
from chalicelib.pool.stores.import_job_store import ImportJobStore
from chalicelib.shared.adapters.object_store import ObjectChanged
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import DomainError, NotFound
from chalicelib.shared.stores import leased_jobs

COUNTS = ("rows", "created", "merged", "unchanged", "rejected", "tags_added")


class ImportRetry(Exception):
    """The job was not done this time; the queue delivers it again."""


class ImportJobService:
    def __init__(self, jobs: ImportJobStore, imports: CandidateImportService, *,
                 lease_s: int = 960) -> None:
        """`lease_s`: the importer's timeout (900 s) and a minute: a claim outlives its
        worker."""
        self._jobs = jobs
        self._imports = imports
        self._lease = timedelta(seconds=lease_s)

    # -- API -------------------------------------------------------------------------------
    def submit(self, tenant_id: str, key: str, mapping: Mapping[str, str] | None, actor: str,
               now: datetime) -> dict[str, Any]:
        import_id, etag = self._imports.identify(tenant_id, key, mapping)
        pk, sk = ImportJobItem.key(tenant_id, import_id)
        job = ImportJobItem(pk, sk, tenant_id=tenant_id, import_id=import_id, s3_key=key,
                            etag=etag, actor=actor, status=ImportStatus.QUEUED.value,
                            mapping=json.dumps(dict(mapping), ensure_ascii=False)
                            if mapping else None, created_at=now)
        if not self._jobs.add(job):
            job = self._jobs.get(tenant_id, import_id) or job
        return view(job)

    def get(self, tenant_id: str, import_id: str) -> dict[str, Any]:
        job = self._jobs.get(tenant_id, import_id)
        if job is None:
            raise NotFound(f"import {import_id} not found", code="import_not_found")
        return view(job)

    # -- the work ----------------------------------------------------------------------------
    def run(self, tenant_id: str, import_id: str, now: datetime) -> str:
        """Run one job, once. Raises ImportRetry for the queue to deliver it again."""
        job = self._jobs.get(tenant_id, import_id)
        if job is None:
            return "missing"
        if job.status in (ImportStatus.DONE.value, ImportStatus.FAILED.value):
            return f"already_{job.status}"
        if leased_jobs.out_of_attempts(job, MAX_IMPORT_ATTEMPTS, now):
            self._jobs.release(job, job.last_error or "worker_lost", final=True, now=now)
            self._discard(job)
            return "failed"
        if not self._jobs.claim(job, now, now + self._lease):
            raise ImportRetry(f"import {import_id} is running elsewhere")
        mapping = json.loads(job.mapping) if job.mapping else None
        try:
            answer = self._imports.run_object(tenant_id, import_id, job.s3_key, job.etag,
                                              mapping, job.actor, now)
        except ObjectChanged:
            self._jobs.release(job, "object_changed", final=True, now=now)
            return "failed"
        except DomainError as err:  # the file itself is wrong (missing_columns, ...): final
            self._jobs.release(job, err.code, final=True, now=now)
            self._discard(job)
            return "failed"
        except Exception as err:
            return self._failed(job, err, now)
        counts = {name: int(answer.get(name, 0)) for name in COUNTS}
        rejections = answer.get("first_rejections") or [
            {"line": r["line"], "code": r["code"], "message": r["message"]}
            for r in answer.get("items") or [] if r["result"] == "rejected"][:100]
        self._jobs.finish(job, json.dumps(counts), json.dumps(rejections, ensure_ascii=False),
                          answer["report_key"], now)
        self._discard(job)
        logger.info("import done", extra={"tenant_id": tenant_id, "import_id": import_id,
                                          "rows": counts["rows"],
                                          "rejected_rows": counts["rejected"]})
        return "done"

    def _discard(self, job: ImportJobItem) -> None:
        """Delete the upload (personal data) once its job is over; a failure here is logged
        and left to the bucket's lifecycle rule (uploads expire after a week)."""
        try:
            self._imports.discard_upload(job.s3_key, job.etag)
        except Exception as err:
            logger.warning("upload not deleted", extra={
                "tenant_id": job.tenant_id, "import_id": job.import_id,
                "error": type(err).__name__})

    def _failed(self, job: ImportJobItem, err: Exception, now: datetime) -> str:
        final = int(job.attempts or 0) >= MAX_IMPORT_ATTEMPTS
        error = type(err).__name__  # a class name: never row data (PII) in items or logs
        self._jobs.release(job, error, final=final, now=now)
        logger.warning("import attempt failed", extra={
            "tenant_id": job.tenant_id, "import_id": job.import_id,
            "attempt": int(job.attempts or 0), "error": error, "final": final})
        if final:
            self._discard(job)
            return "failed"
        raise ImportRetry(f"import {job.import_id} attempt failed: {error}") from err


def view(job: ImportJobItem) -> dict[str, Any]:
    counts = json.loads(job.counts) if job.counts else None
    return {"import_id": job.import_id, "s3_key": job.s3_key, "status": job.status,
            "attempts": int(job.attempts or 0),
            **{name: counts.get(name) if counts else None for name in COUNTS},
            "report_key": job.report_key,
            "first_rejections": json.loads(job.first_rejections)
            if job.first_rejections else None,
            "error": job.last_error if job.status == ImportStatus.FAILED.value else None,
            "created_at": instant(job.created_at),
            "finished_at": instant(job.finished_at) if job.finished_at else None}
