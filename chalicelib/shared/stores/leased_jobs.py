"""Job items run by a queue worker (exports, imports): create once, claim with a lease,
release. The item's model has `status` (queued/running/done/failed), `lease_until`,
`started_at`, `attempts`, `last_error` and `finished_at`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.shared.models import Item

QUEUED, RUNNING, FAILED = "queued", "running", "failed"


def conditional_failed(err: Exception) -> bool:
    return getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException"


def add_once(item: Item) -> bool:
    """Create unless the id exists (deterministic ids: retries create nothing twice)."""
    try:
        item.save(condition=Item.pk.does_not_exist())
    except PutError as err:
        if conditional_failed(err):
            return False
        raise
    return True


def ours(item: Any) -> Any:
    """Still claimed by this worker: the lease it set is the claim's token."""
    model = type(item)
    if item.status == RUNNING and item.lease_until is not None:
        return (model.status == RUNNING) & (model.lease_until == item.lease_until)
    return model.status == QUEUED


def out_of_attempts(item: Any, max_attempts: int, now: datetime) -> bool:
    """Every attempt used, and none running (queued again, or its worker's lease ran out):
    the job is failed for good instead of claimed once more."""
    return int(item.attempts or 0) >= max_attempts and (
        item.status == QUEUED or (item.lease_until is not None and item.lease_until < now))


def claim(item: Any, now: datetime, until: datetime) -> bool:
    """queued -> running, or take over a running job whose lease ran out (its worker died).
    Two deliveries of one message: exactly one claim succeeds."""
    model = type(item)
    condition = (model.status == QUEUED) | ((model.status == RUNNING)
                                            & (model.lease_until < now))
    try:
        item.update(actions=[model.status.set(RUNNING), model.lease_until.set(until),
                             model.started_at.set(now), model.attempts.add(1)],
                    condition=condition)
    except UpdateError as err:
        if conditional_failed(err):
            return False
        raise
    return True


def release(item: Any, error: str, *, final: bool, now: datetime) -> None:
    """A failed attempt: back to queued (the queue redelivers), or failed for good; only if
    still ours, so a worker whose lease ran out cannot undo the next one."""
    model = type(item)
    actions: list[Any] = [model.status.set(FAILED if final else QUEUED),
                          model.last_error.set(error), model.lease_until.remove()]
    if final:
        actions.append(model.finished_at.set(now))
    try:
        item.update(actions=actions, condition=ours(item))
    except UpdateError as err:
        if not conditional_failed(err):
            raise
