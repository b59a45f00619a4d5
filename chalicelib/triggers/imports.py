"""Imports: the imports queue (SQS) -> the importer, one job at a time.

The importer's mapping (infra/) takes one message at a time and reports failures, so a
failed attempt goes back to the queue and is retried (pool/services/import_jobs.py).
"""

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


def import_record(record: SQSRecord) -> str:
    body = json.loads(record.body)
    result: str = container().import_jobs.run(body["tenant_id"], body["import_id"],
                                              container().clock.now())
    return result


@bp.lambda_function(name="importer")
def importer_handler(event: dict[str, Any], context: Any) -> Any:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=import_record,
                                    processor=processor, context=context)
