"""Import jobs: create once, claim with a lease, finish, release (leased_jobs.py)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.pool.domain.candidate_import import ImportStatus
from chalicelib.pool.models import ImportJobItem
from chalicelib.shared.stores import leased_jobs
from chalicelib.shared.stores.dynamo import get_or_none


class ImportJobStore:
    def add(self, job: ImportJobItem) -> bool:
        """Create unless the id exists (the id derives from the file: nothing twice)."""
        return leased_jobs.add_once(job)

    def get(self, tenant_id: str, import_id: str) -> ImportJobItem | None:
        return get_or_none(ImportJobItem, ImportJobItem.key(tenant_id, import_id), True)

    def claim(self, job: ImportJobItem, now: datetime, until: datetime) -> bool:
        return leased_jobs.claim(job, now, until)

    def finish(self, job: ImportJobItem, counts: str, first_rejections: str,
               report_key: str, now: datetime) -> None:
        """running -> done, after the report is in S3, only while this worker's claim holds."""
        job.update(actions=[ImportJobItem.status.set(ImportStatus.DONE.value),
                            ImportJobItem.counts.set(counts),
                            ImportJobItem.first_rejections.set(first_rejections),
                            ImportJobItem.report_key.set(report_key),
                            ImportJobItem.finished_at.set(now),
                            ImportJobItem.lease_until.remove(),
                            ImportJobItem.last_error.remove()],
                   condition=leased_jobs.ours(job))

    def release(self, job: ImportJobItem, error: str, *, final: bool, now: datetime) -> None:
        leased_jobs.release(job, error, final=final, now=now)
