"""Exports: the exports queue (SQS) -> the exporter; the daily schedule -> scheduled exports.

The exporter's mapping (infra/) takes one message at a time and reports failures, so a
failed export goes back to the queue and is retried; the schedule's time comes from the
EventBridge event.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Cron

from chalicelib.bootstrap import container
from chalicelib.clock import parse_instant
from chalicelib.observability import logger
from chalicelib.triggers.batches import process_sqs

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)

#: 00:30 UTC daily (UTC hour, minute): yesterday's exports, and last week's on Mondays.
SCHEDULE_AT = (0, 30)


def export_record(record: SQSRecord) -> str:
    body = json.loads(record.body)
    result: str = container().exports.run(body["tenant_id"], body["export_id"],
                                          container().clock.now())
    return result


@bp.lambda_function(name="exporter")
def exporter_handler(event: dict[str, Any], context: Any) -> Any:
    return process_sqs(event, export_record, context)


@bp.schedule(Cron(SCHEDULE_AT[1], SCHEDULE_AT[0], "*", "*", "?", "*"), name="export_schedule")
def export_schedule(event: Any) -> dict[str, int]:
    """Opted-in tenants' daily (and, on Mondays, weekly) exports, created idempotently."""
    now = parse_instant(event.to_dict()["time"])
    report: dict[str, int] = container().exports.run_schedules(now)
    logger.info("export schedule finished", extra=report)
    return report
