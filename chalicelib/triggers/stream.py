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
from chalicelib.invitations.stores.counts_store import CountDelta
from chalicelib.pool.stores.pool_stats_store import BehaviourDelta
from chalicelib.shared.models import TagItem

bp = Blueprint(__name__)


def _time(raw: dict[str, Any]) -> datetime:
    stamp = raw.get("ApproximateCreationDateTime")
    return datetime.fromtimestamp(float(stamp), UTC) if stamp else container().clock.now()


@bp.lambda_function(name="stream")
def stream_handler(event: dict[str, Any], context: Any) -> Any:
    """Each record's side effects through the BatchProcessor; then the batch's status moves
    are counted together (one transaction per campaign instead of one per record). A record
    whose count failed is reported as failed too, so Lambda retries it (idempotently)."""
    to_count: list[tuple[str, CountDelta]] = []
    to_send: list[tuple[str, dict[str, str]]] = []
    to_meter: list[tuple[str, Any]] = []  # usage records (billing/services/metering.py)
    analytics = container().analytics.batch()  # aggregates, S3 feed, summaries (per batch)
    pool = container().pool_stream.batch()  # talent-pool tags and behaviour, per batch
    pool.prefetch(event["Records"])  # the snapshots the tag rules read, all at once
    to_pool: list[tuple[str, BehaviourDelta]] = []  # talent-pool behaviour, added per batch
    to_tag: list[tuple[str, TagItem]] = []  # talent-pool rule tags, written per batch
    to_export: list[tuple[str, dict[str, str]]] = []
    to_import: list[tuple[str, dict[str, str]]] = []  # new import jobs -> the importer

    def handle_record(record: DynamoDBRecord) -> str:
        raw = record.raw_event["dynamodb"]
        handled = container().stream.handle(record.raw_event["eventName"], raw.get("NewImage"),
                                            raw.get("OldImage"), _time(raw))
        container().retention.on_change(raw.get("NewImage"), raw.get("OldImage"))  # privacy
        if handled.delta is not None:
            to_count.append((raw["SequenceNumber"], handled.delta))
        if handled.message is not None:
            to_send.append((raw["SequenceNumber"], handled.message))
        to_meter.extend((raw["SequenceNumber"], usage) for usage in container().metering.usage_of(
            record.raw_event["eventName"], raw.get("NewImage"), raw.get("OldImage")))
        analytics.add(raw["SequenceNumber"], record.raw_event["eventName"], raw.get("NewImage"),
                      raw.get("OldImage"))
        pooled = pool.handle(record.raw_event["eventName"], raw.get("NewImage"),
                             raw.get("OldImage"), _time(raw))
        if pooled.delta is not None:
            to_pool.append((raw["SequenceNumber"], pooled.delta))
        to_tag.extend((raw["SequenceNumber"], tag) for tag in pooled.tags)
        export = container().export_feed.message(record.raw_event["eventName"],
                                                 raw.get("NewImage"))
        if export is not None:
            to_export.append((raw["SequenceNumber"], export))
        job = container().import_feed.message(record.raw_event["eventName"],
                                              raw.get("NewImage"))
        if job is not None:
            to_import.append((raw["SequenceNumber"], job))
        return f"{handled.done};{pooled.done}"

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    response: dict[str, Any] = dict(process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context))
    failed: list[str] = []
    if to_count:
        last = event["Records"][-1]["dynamodb"]
        indexes = container().stream.count([d for _, d in to_count], _time(last))
        failed += [to_count[i][0] for i in indexes]
    if to_send:
        indexes = container().stream.enqueue([m for _, m in to_send])
        failed += [to_send[i][0] for i in indexes]
    if to_meter:
        indexes = container().metering.record([u for _, u in to_meter],
                                              _time(event["Records"][-1]["dynamodb"]))
        failed += [to_meter[i][0] for i in indexes]
    failed += analytics.flush(_time(event["Records"][-1]["dynamodb"]))
    if to_tag:
        indexes = pool.write_tags([t for _, t in to_tag])
        failed += [to_tag[i][0] for i in indexes]
    if to_pool:
        indexes = pool.apply([d for _, d in to_pool], _time(event["Records"][-1]["dynamodb"]))
        failed += [to_pool[i][0] for i in indexes]
    if to_export:
        indexes = container().export_feed.enqueue([m for _, m in to_export])
        failed += [to_export[i][0] for i in indexes]
    if to_import:
        indexes = container().import_feed.enqueue([m for _, m in to_import])
        failed += [to_import[i][0] for i in indexes]
    reported = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    response["batchItemFailures"] += [{"itemIdentifier": s}
                                      for s in dict.fromkeys(failed) if s not in reported]
    return response
