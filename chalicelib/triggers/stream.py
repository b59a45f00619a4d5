"""The table's stream -> every feature's registered consumers (bootstrap.stream_consumers).

A plain Lambda function, not `@app.on_dynamodb_record`: infra/ wires its event source mapping
with ReportBatchItemFailures, bisect-on-error, bounded retries and an on-failure queue.
Powertools' BatchProcessor reports the records whose collecting failed; a record whose batch
write failed in a consumer's flush is reported too, so Lambda retries it (idempotently).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.triggers.batches import process_stream

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

bp = Blueprint(__name__)


@bp.lambda_function(name="stream")
def stream_handler(event: dict[str, Any], context: Any) -> Any:
    """Each record to every consumer, then each consumer's batch writes, once."""
    from chalicelib.shared.fanout import StreamRecord, add_failures, record_time  # entities

    consumers = container().stream_consumers(event["Records"])

    def handle_record(record: DynamoDBRecord) -> None:
        at = record_time(record.raw_event["dynamodb"], container().clock.now)
        change = StreamRecord.of(record.raw_event, at)  # its images are parsed once
        for consumer in consumers:
            consumer.collect(change)

    response = process_stream(event, handle_record, context)
    now = record_time(event["Records"][-1]["dynamodb"], container().clock.now)
    return add_failures(response, [s for c in consumers for s in c.flush(now)])
