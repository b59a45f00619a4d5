"""The table's stream -> talent-pool tags, campaign counts, outbox -> SQS.

A plain Lambda function, not `@app.on_dynamodb_record`: infra/ wires its event source mapping
with ReportBatchItemFailures, bisect-on-error, bounded retries and an on-failure queue.
Powertools' BatchProcessor reports the records that failed; the rest are not redone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from chalice import Blueprint

from chalicelib.bootstrap import container

bp = Blueprint(__name__)


def handle_record(record: DynamoDBRecord) -> str:
    raw = record.raw_event["dynamodb"]
    stamp = raw.get("ApproximateCreationDateTime")
    at = datetime.fromtimestamp(float(stamp), UTC) if stamp else container().clock.now()
    return str(container().stream.handle(record.raw_event["eventName"], raw.get("NewImage"),
                                         raw.get("OldImage"), at))


@bp.lambda_function(name="stream")
def stream_handler(event: dict[str, Any], context: Any) -> Any:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=handle_record,
                                    processor=processor, context=context)
