"""The outbox queue (SQS) -> SES / SNS. Wired in infra/ with ReportBatchItemFailures and a
maximum concurrency matching the provider's send rate.

Sends are paced per channel (delivery/domain/pacing.py).
A batch is split by channel and each part runs
in its own thread, so email does not wait behind SMS being paced at a slower rate within the
batch (the channel is the outbox item's sort key's last part: no read needed to split)."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.delivery.domain.pacing import retry_delay
from chalicelib.shared.domain.ports import TransientSendError
from chalicelib.triggers.batches import all_failed, process_sqs

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)
LOG = logging.getLogger(__name__)


def send_record(record: SQSRecord) -> str:
    """One queued outbox item. Throttling and other transient provider errors fail the record
    after pushing its next delivery out exponentially (with jitter) by its receive count, so
    a throttled burst backs off instead of hammering the provider until the DLQ."""
    body = json.loads(record.body)
    try:
        result: str = container().sender.deliver(body["pk"], body["sk"],
                                                 container().clock.now())
    except TransientSendError:
        attempt = int(record.attributes.approximate_receive_count or 1)
        container().queue.retry_later(record.receipt_handle, retry_delay(attempt))
        raise
    return result


def _channel(raw: dict[str, Any]) -> str:
    try:
        return str(json.loads(raw["body"])["sk"]).rsplit("#", 1)[-1]
    except (KeyError, TypeError, ValueError):
        return ""  # a malformed body fails in send_record, like any other


def _process(records: list[dict[str, Any]], context: Any) -> list[dict[str, str]]:
    try:
        response = process_sqs({"Records": records}, send_record, context)
    except Exception as err:
        if not all_failed(err):
            raise
        return [{"itemIdentifier": r["messageId"]} for r in records]  # every one of this part
    return [{"itemIdentifier": str(f["itemIdentifier"])} for f in response["batchItemFailures"]]


def _prefetch(records: list[dict[str, Any]]) -> None:
    """The batch's reads in a few requests (profiles, suppressions); a message whose reads
    are not there (a malformed body, a failed prefetch) reads its own in `deliver`."""
    keys = []
    for raw in records:
        try:
            body = json.loads(raw["body"])
            keys.append((str(body["pk"]), str(body["sk"])))
        except (KeyError, TypeError, ValueError):
            continue
    if keys:
        try:
            container().sender.prefetch(keys)
        except Exception:  # only an optimisation: each message then reads for itself
            LOG.warning("sender prefetch failed; reading per message", exc_info=True)


@bp.lambda_function(name="sender")
def sender_handler(event: dict[str, Any], context: Any) -> Any:
    records = list(event.get("Records") or [])
    _prefetch(records)
    parts: dict[str, list[dict[str, Any]]] = {}
    for raw in records:
        parts.setdefault(_channel(raw), []).append(raw)
    if len(parts) <= 1:
        return process_sqs(event, send_record, context)
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        failures = [f for part in pool.map(lambda rs: _process(rs, context), parts.values())
                    for f in part]
    return {"batchItemFailures": failures}
