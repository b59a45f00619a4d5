"""Import jobs: create once, claim with a lease, finish, release (like export items)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.dynamo import get_or_none
from chalicelib.adapters.models import ImportJobItem, Item
from chalicelib.domain.candidate_import import ImportStatus


def _conditional_failed(err: Exception) -> bool:
    return getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException"


def _ours(job: ImportJobItem) -> Any:
    """Still claimed by this worker: the lease it set is the claim's token."""
    return (ImportJobItem.status == ImportStatus.RUNNING.value) & (
        ImportJobItem.lease_until == job.lease_until)


class ImportJobStore:
    def add(self, job: ImportJobItem) -> bool:
        """Create unless the id exists (the id derives from the file: nothing twice)."""
        try:
            job.save(condition=Item.pk.does_not_exist())
        except PutError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def get(self, tenant_id: str, import_id: str) -> ImportJobItem | None:
        return get_or_none(ImportJobItem, ImportJobItem.key(tenant_id, import_id), True)

    def claim(self, job: ImportJobItem, now: datetime, until: datetime) -> bool:
        """queued -> running, or take over a running job whose lease ran out (its worker
        died). Two deliveries of one message: exactly one claim succeeds."""
        condition = (ImportJobItem.status == ImportStatus.QUEUED.value) | (
            (ImportJobItem.status == ImportStatus.RUNNING.value)
            & (ImportJobItem.lease_until < now))
        try:
            job.update(actions=[ImportJobItem.status.set(ImportStatus.RUNNING.value),
                                ImportJobItem.lease_until.set(until),
                                ImportJobItem.started_at.set(now),
                                ImportJobItem.attempts.add(1)], condition=condition)
        except UpdateError as err:
            if _conditional_failed(err):
                return False
            raise
        return True

    def finish(self, job: ImportJobItem, counts: str, first_rejections: str,
               report_key: str, now: datetime) -> None:
        """running -> done, after the report is in S3, only while this worker's claim holds."""
        job.update(actions=[ImportJobItem.status.set(ImportStatus.DONE.value),
                            ImportJobItem.counts.set(counts),
                            ImportJobItem.first_rejections.set(first_rejections),
                            ImportJobItem.report_key.set(report_key),
                            ImportJobItem.finished_at.set(now),
                            ImportJobItem.lease_until.remove(),
                            ImportJobItem.last_error.remove()], condition=_ours(job))

    def release(self, job: ImportJobItem, error: str, *, final: bool, now: datetime) -> None:
        """A failed attempt: back to queued (the queue redelivers), or failed for good."""
        status = ImportStatus.FAILED if final else ImportStatus.QUEUED
        actions: list[Any] = [ImportJobItem.status.set(status.value),
                              ImportJobItem.last_error.set(error),
                              ImportJobItem.lease_until.remove()]
        if final:
            actions.append(ImportJobItem.finished_at.set(now))
        condition = _ours(job) if job.status == ImportStatus.RUNNING.value else (
            ImportJobItem.status == job.status)
        try:  # only if still ours: a worker whose lease ran out must not undo the next one
            job.update(actions=actions, condition=condition)
        except UpdateError as err:
            if not _conditional_failed(err):
                raise
