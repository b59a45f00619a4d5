"""The table's stream -> every feature's registered consumers (bootstrap.stream_consumers).

A plain Lambda function, not `@app.on_dynamodb_record`: infra/ wires its event source mapping
with ReportBatchItemFailures, bisect-on-error, bounded retries and an on-failure queue.
Powertools' BatchProcessor reports the records whose collecting failed; a record whose batch
write failed in a consumer's flush is reported too, so Lambda retries it (idempotently).
"""

from __future__ import annotations

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
from chalicelib.shared.fanout import StreamRecord, add_failures, record_time

bp = Blueprint(__name__)


@bp.lambda_function(name="stream")
def stream_handler(event: dict[str, Any], context: Any) -> Any:
    """Each record to every consumer, then each consumer's batch writes, once."""
    consumers = container().stream_consumers(event["Records"])

    def handle_record(record: DynamoDBRecord) -> None:
        at = record_time(record.raw_event["dynamodb"], container().clock.now)
        change = StreamRecord.of(record.raw_event, at)  # its images are parsed once
        for consumer in consumers:
            consumer.collect(change)

    response = dict(process_partial_response(event=event, record_handler=handle_record,
                    processor=BatchProcessor(event_type=EventType.DynamoDBStreams),
                    context=context))
    now = record_time(event["Records"][-1]["dynamodb"], container().clock.now)
    return add_failures(response, [s for c in consumers for s in c.flush(now)])
