"""The hooks queue (SQS) -> one signed POST per message (hooks/services/sender.py).

Wired in infra/ with ReportBatchItemFailures. A batch's deliveries run in parallel threads
(a slow receiver holds one thread, not the batch); each thread is one delivery's attempt,
claimed in the table first, so a duplicate message sends nothing (one of an attempt made
already is dropped; one racing the attempt is failed and offered again later).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)


def deliver_record(record: SQSRecord) -> str:
    body = json.loads(record.body)
    result: str = container().hook_sender.deliver(body["tenant_id"], body["endpoint_id"],
                                                  body["message_id"], container().clock.now(),
                                                  body.get("due"))
    return result


@bp.lambda_function(name="hook_sender")
def hook_sender_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # imported with the first batch, not on every function's cold start (app.py)
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from chalicelib.hooks.services.sender import ClaimHeld

    records = [SQSRecord(raw) for raw in event.get("Records") or []]

    def one(record: SQSRecord) -> str | None:
        try:
            deliver_record(record)
        except ClaimHeld:
            return record.message_id
        except Exception:
            logger.exception("webhook delivery failed", extra={"sqs_id": record.message_id})
            return record.message_id
        return None

    if not records:
        return {"batchItemFailures": []}
    with ThreadPoolExecutor(max_workers=min(10, len(records))) as pool:
        failed = [m for m in pool.map(one, records) if m is not None]
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}
