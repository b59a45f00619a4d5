"""Imports: the imports queue (SQS) -> the importer, one job at a time.

The importer's mapping (infra/) takes one message at a time and reports failures, so a
failed attempt goes back to the queue and is retried (pool/services/import_jobs.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.triggers.batches import process_sqs

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)


def import_record(record: SQSRecord) -> str:
    body = json.loads(record.body)
    result: str = container().import_jobs.run(body["tenant_id"], body["import_id"],
                                              container().clock.now())
    return result


@bp.lambda_function(name="importer")
def importer_handler(event: dict[str, Any], context: Any) -> Any:
    return process_sqs(event, import_record, context)
