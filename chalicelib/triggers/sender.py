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

bp = Blueprint(__name__)


def send_record(record: SQSRecord) -> str:
    body = json.loads(record.body)
    result: str = container().sender.deliver(body["pk"], body["sk"], container().clock.now())
    return result


@bp.lambda_function(name="sender")
def sender_handler(event: dict[str, Any], context: Any) -> Any:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=send_record,
                                    processor=processor, context=context)
