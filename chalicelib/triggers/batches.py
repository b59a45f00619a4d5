"""Powertools' partial-batch processing, imported when the first batch arrives.

Every Lambda function imports `app.py`; the batch utility (and asyncio under it) added about
60 ms to each cold start, the API's included, which never processes a batch. The triggers call
these instead of importing `aws_lambda_powertools.utilities.batch` at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def process_sqs(event: dict[str, Any], record_handler: Callable[[SQSRecord], Any],
                context: Any) -> dict[str, Any]:
    """Each SQS record through `record_handler`; the failed ones in `batchItemFailures`.
    Raises powertools' BatchProcessingError when every record failed (see `all_failed`)."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    return dict(process_partial_response(event=event, record_handler=record_handler,
                                         processor=BatchProcessor(event_type=EventType.SQS),
                                         context=context))


def process_stream(event: dict[str, Any], record_handler: Callable[[DynamoDBRecord], Any],
                   context: Any) -> dict[str, Any]:
    """Each DynamoDB stream record through `record_handler`, failures reported likewise."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    return dict(process_partial_response(
        event=event, record_handler=record_handler,
        processor=BatchProcessor(event_type=EventType.DynamoDBStreams), context=context))


def all_failed(err: Exception) -> bool:
    """Is `err` powertools' "every record of the batch failed"?"""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    return isinstance(err, BatchProcessingError)
