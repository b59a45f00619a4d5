"""The outbox queue (SQS) -> SES / SNS. Wired in infra/ with ReportBatchItemFailures and a
maximum concurrency matching the provider's send rate."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.domain.pacing import retry_delay
from chalicelib.domain.ports import TransientSendError

bp = Blueprint(__name__)


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


@bp.lambda_function(name="sender")
def sender_handler(event: dict[str, Any], context: Any) -> Any:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=send_record,
                                    processor=processor, context=context)
