"""The slice of AWS's glue that invokes Lambda handlers, re-created for the local cloud.

In AWS, event source mappings read the DynamoDB stream and the SQS queues and call our
functions with Lambda-shaped events. Locally these pollers do the same, so the very same
handler functions run unchanged, with the same event shapes and the same partial-batch
semantics (``batchItemFailures``), retries and dead-lettering.

Each ``poll_once()`` returns only when everything it started has finished, so the runner
can call it in its loop and tests call :func:`drain` to run the system to quiescence
deterministically. Inside one poll the work runs the way Lambda runs it: a queue poller with
``concurrency > 1`` receives up to that many batches and invokes the handler on them side by
side (the mapping's maximum concurrency); a stream poller reads every ready shard side by side
and, with ``parallelization_factor > 1``, splits a shard's batch by partition key into that many
concurrent invocations (records of one key stay in order, as with Lambda's factor).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError

LOG = logging.getLogger(__name__)

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"

#: A Lambda handler: ``handler(event, context) -> response``.
Handler = Callable[[dict[str, Any], "LambdaContext"], Any]


class Poller(Protocol):
    """Anything :func:`drain` can drive."""

    def poll_once(self) -> int:
        """Deliver what is available now; return how many records/messages were delivered."""
        ...


class LambdaContext:
    """The context object Lambda passes next to the event (fresh per invocation).

    Handlers and libraries (Chalice, logging helpers) read these attributes; the values
    are plausible fakes, the remaining time is real so timeout logic can be exercised.
    """

    def __init__(
        self,
        function_name: str = "talentloop-local",
        *,
        function_version: str = "$LATEST",
        memory_limit_in_mb: int = 512,
        timeout_s: float = 60.0,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{function_name}"
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[{function_version}]{uuid.uuid4().hex}"
        self.identity: Any = None
        self.client_context: Any = None
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# ----------------------------------------------------------------------- partial batches


def _first_failed_index(response: Any, identifiers: Sequence[str], *, what: str) -> int | None:
    """Index of the first failed item per a ReportBatchItemFailures response, or None.

    Mirrors Lambda: no response / empty list means success; an ``itemIdentifier`` that is
    missing, empty or not in the batch fails the whole batch.
    """
    if not isinstance(response, Mapping):
        return None
    failures = response.get("batchItemFailures")
    if not failures:
        return None
    positions = {identifier: i for i, identifier in enumerate(identifiers)}
    first: int | None = None
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not identifier or identifier not in positions:
            LOG.warning(
                "%s handler reported unknown itemIdentifier %r: the whole batch fails",
                what,
                identifier,
            )
            return 0
        index = positions[identifier]
        first = index if first is None else min(first, index)
    return first


# ---------------------------------------------------------------------------- streams


def to_wire(value: Any) -> Any:
    """An attribute value as boto3's low-level client parsed it -> DynamoDB JSON (Lambda's).

    boto3 turns ``B``/``BS`` into bytes; Lambda delivers them base64-encoded strings.
    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for kind, inner in value.items():
            if kind == "B":
                out[kind] = _b64(inner)
            elif kind == "BS":
                out[kind] = [_b64(item) for item in inner]
            elif kind == "M":
                out[kind] = {key: to_wire(item) for key, item in inner.items()}
            elif kind == "L":
                out[kind] = [to_wire(item) for item in inner]
            else:
                out[kind] = inner
        return out
    return value


def _b64(value: Any) -> str:
    if isinstance(value, str):  # already encoded (e.g. a raw JSON client)
        return value
    return base64.b64encode(bytes(value)).decode("ascii")


def _image(image: Mapping[str, Any]) -> dict[str, Any]:
    return {name: to_wire(value) for name, value in image.items()}


def _epoch_seconds(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


class RecordTimes:
    """When each stream record was *created*, on the clock of whoever wrote it.

    On AWS, ``ApproximateCreationDateTime`` is the instant of the write, and the writer's
    clock is the wall clock, so the two agree. Locally the writer may run on another clock
    (a test's fixed clock, ``tick --at``), while DynamoDB Local stamps records with the
    machine's wall clock: decay, tag expiry and outbox redrive would then be computed from a
    different "now" than the request that wrote the record. So the glue stamps a record
    with ``clock()`` the first time any poller sees it (right after the write, since pollers
    are drained after each step) and keeps that stamp for re-reads of the same record
    (replays from TRIM_HORIZON, retries), as AWS keeps the original creation time.

    With no clock, DynamoDB Local's own stamp is passed on unchanged.
    """

    def __init__(self, clock: Callable[[], datetime] | None = None,
                 keep: int = 500_000) -> None:
        self.clock = clock
        self._keep = keep
        self._stamps: dict[tuple[str, str], float] = {}

    def stamp(self, stream_arn: str, sequence_number: str, fallback: Any) -> float | None:
        key = (stream_arn, sequence_number)
        if key not in self._stamps:
            if self.clock is None:
                return None if fallback is None else _epoch_seconds(fallback)
            if len(self._stamps) >= self._keep:  # bounded: the oldest stamps go first
                del self._stamps[next(iter(self._stamps))]
            self._stamps[key] = self.clock().timestamp()
        return self._stamps[key]


#: The stamps every poller of this process shares (a replay poller sees the first stamp).
RECORD_TIMES = RecordTimes()


def stream_record_to_lambda(
    record: Mapping[str, Any], *, stream_arn: str, region: str = DEFAULT_REGION,
    times: RecordTimes | None = None,
) -> dict[str, Any]:
    """One ``GetRecords`` record -> the record Lambda puts in a DynamoDB stream event."""
    src = record["dynamodb"]
    dynamodb: dict[str, Any] = {}
    created = (times or RECORD_TIMES).stamp(stream_arn, str(src.get("SequenceNumber")),
                                            src.get("ApproximateCreationDateTime"))
    if created is not None:
        dynamodb["ApproximateCreationDateTime"] = created
    for key in ("Keys", "NewImage", "OldImage"):
        if key in src:
            dynamodb[key] = _image(src[key])
    for key in ("SequenceNumber", "SizeBytes", "StreamViewType"):
        if key in src:
            dynamodb[key] = src[key]
    out: dict[str, Any] = {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:  # TTL deletions carry the dynamodb service principal
        out["userIdentity"] = record["userIdentity"]
    return out


@dataclass
class _Shard:
    shard_id: str
    parent_id: str | None
    iterator: str | None = None


class StreamPoller:
    """A DynamoDB stream event source mapping: every shard, in order, with checkpoints.

    Like Lambda with ``ReportBatchItemFailures``: a failed batch is re-delivered from its
    first failed record; after ``max_retries`` retries (Lambda's MaximumRetryAttempts, so
    at most ``1 + max_retries`` attempts) the records still failing go to ``on_failure``
    (the on-failure destination) and the shard moves on. A handler exception fails the
    whole batch. Parent shards are drained before their children, closed shards are
    finished and remembered, and the last processed sequence number of each shard is
    persisted at ``checkpoint_path`` so a restart resumes where it stopped.
    """

    def __init__(
        self,
        streams_client: Any,
        stream_arn: str,
        handler: Handler,
        *,
        checkpoint_path: Path | None,
        batch_size: int = 100,
        max_retries: int = 3,
        on_failure: Callable[[list[dict[str, Any]]], None] | None = None,
        region: str = DEFAULT_REGION,
        function_name: str = "talentloop-local-stream",
        timeout_s: float = 60.0,
        parallelization_factor: int = 1,
    ) -> None:
        if not 1 <= batch_size <= 1000:
            raise ValueError("batch_size must be within 1..1000 (GetRecords' limit)")
        if not 1 <= parallelization_factor <= 10:
            raise ValueError("parallelization_factor must be within 1..10 (Lambda's limit)")
        self.parallelization_factor = parallelization_factor
        self._checkpoint_lock = threading.Lock()
        self.client = streams_client
        self.stream_arn = stream_arn
        self.handler = handler
        self.checkpoint_path = checkpoint_path
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.on_failure = on_failure
        self.region = region
        self.function_name = function_name
        self.timeout_s = timeout_s
        self._shards: dict[str, _Shard] = {}
        self._sequence: dict[str, str] = {}  # shard -> last processed sequence number
        self._finished: set[str] = set()  # closed shards read to the end
        self._load_checkpoint()

    # --------------------------------------------------------------- checkpoint file

    def _load_checkpoint(self) -> None:
        if self.checkpoint_path is None or not self.checkpoint_path.exists():
            return
        try:
            data = json.loads(self.checkpoint_path.read_text())
        except (OSError, ValueError):
            LOG.warning("ignoring unreadable stream checkpoint %s", self.checkpoint_path)
            return
        state = (data.get("streams") or {}).get(self.stream_arn)
        if state is None:
            if data.get("streams"):
                LOG.info(
                    "checkpoint %s has no entry for %s (table recreated?): starting at "
                    "TRIM_HORIZON",
                    self.checkpoint_path,
                    self.stream_arn,
                )
            return
        self._sequence = dict(state.get("sequence") or {})
        self._finished = set(state.get("finished") or [])

    def _save_checkpoint(self) -> None:
        path = self.checkpoint_path
        if path is None:
            return
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
        except (OSError, ValueError):
            data = {}
        streams = data.setdefault("streams", {})
        # Finished shards need no sequence number any more; keep the file small.
        streams[self.stream_arn] = {
            "sequence": {
                shard: seq for shard, seq in self._sequence.items() if shard not in self._finished
            },
            "finished": sorted(self._finished),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, path)  # atomic: a crash never leaves half a checkpoint

    def _checkpoint(self, shard_id: str, sequence_number: str) -> None:
        with self._checkpoint_lock:
            self._sequence[shard_id] = sequence_number
            self._save_checkpoint()

    # ---------------------------------------------------------------------- shards

    def _refresh_shards(self) -> None:
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
        seen: set[str] = set()
        while True:
            description = self.client.describe_stream(**kwargs)["StreamDescription"]
            for shard in description.get("Shards", []):
                shard_id = shard["ShardId"]
                seen.add(shard_id)
                if shard_id not in self._shards:
                    self._shards[shard_id] = _Shard(shard_id, shard.get("ParentShardId"))
                    LOG.debug("stream %s: shard %s", self.stream_arn, shard_id)
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            kwargs["ExclusiveStartShardId"] = last
        # Shards trimmed away (24 h retention) disappear from the description: forget them,
        # their checkpoints included, so the file does not grow forever.
        for shard_id in list(self._shards):
            if shard_id not in seen:
                del self._shards[shard_id]
        stale = (set(self._sequence) | self._finished) - seen
        if stale:
            for shard_id in stale:
                self._sequence.pop(shard_id, None)
                self._finished.discard(shard_id)
            self._save_checkpoint()

    def _ordered_shards(self) -> list[_Shard]:
        """Shards ordered so that every parent comes before its children."""

        def depth(shard: _Shard) -> int:
            level, parent = 0, shard.parent_id
            while parent in self._shards and level < len(self._shards):
                level += 1
                parent = self._shards[parent].parent_id
            return level

        return sorted(self._shards.values(), key=depth)  # stable: keeps API order per level

    def _ready(self, shard: _Shard) -> bool:
        if shard.shard_id in self._finished:
            return False
        parent = shard.parent_id
        # A parent that is gone (trimmed) or finished no longer holds earlier changes.
        return parent is None or parent not in self._shards or parent in self._finished

    def _new_iterator(self, shard: _Shard) -> str:
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard.shard_id}
        sequence = self._sequence.get(shard.shard_id)
        if sequence is not None:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence)
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        try:
            return str(self.client.get_shard_iterator(**kwargs)["ShardIterator"])
        except ClientError as exc:
            if sequence is None or _code(exc) not in (
                "TrimmedDataAccessException",
                "ValidationException",
            ):
                raise
            LOG.warning(
                "shard %s: cannot resume after %s (%s); restarting at TRIM_HORIZON",
                shard.shard_id,
                sequence,
                exc,
            )
            kwargs.pop("SequenceNumber")
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
            return str(self.client.get_shard_iterator(**kwargs)["ShardIterator"])

    def _get_records(self, shard: _Shard) -> dict[str, Any]:
        if shard.iterator is None:
            shard.iterator = self._new_iterator(shard)
        try:
            return dict(
                self.client.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)
            )
        except ClientError as exc:
            code = _code(exc)
            if code not in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                raise
            LOG.info("shard %s: %s, re-creating the iterator", shard.shard_id, code)
            if code == "TrimmedDataAccessException":
                # The checkpoint is older than the 24 h retention: everything still there
                # comes after it, so TRIM_HORIZON is the exact resume point.
                self._sequence.pop(shard.shard_id, None)
            shard.iterator = self._new_iterator(shard)
            return dict(
                self.client.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)
            )

    # -------------------------------------------------------------------- polling

    def poll_once(self) -> int:
        """Read at most one batch from every ready shard and invoke the handler on it.

        Returns the number of stream records handed to the handler (retries not counted).
        """
        self._refresh_shards()
        delivered = 0
        shards = self._ordered_shards()
        while shards:
            # every shard whose parent is done, side by side (Lambda reads shards in
            # parallel); a child waits for the next round, after its parent's batch
            ready = [shard for shard in shards if self._ready(shard)]
            if not ready:
                break
            done = {shard.shard_id for shard in ready}
            shards = [shard for shard in shards if shard.shard_id not in done]
            if len(ready) == 1:
                delivered += self._poll_shard(ready[0])
                continue
            with ThreadPoolExecutor(max_workers=len(ready)) as pool:
                delivered += sum(pool.map(self._poll_shard, ready))
        return delivered

    def _poll_shard(self, shard: _Shard) -> int:
        response = self._get_records(shard)
        records = response.get("Records") or []
        next_iterator = response.get("NextShardIterator")
        if records:
            batch = [
                stream_record_to_lambda(record, stream_arn=self.stream_arn, region=self.region)
                for record in records
            ]
            try:
                if self.parallelization_factor > 1:
                    self._deliver_lanes(shard.shard_id, batch)
                else:
                    self._deliver(shard.shard_id, batch)
            except BaseException:
                # Resume from the checkpoint, so nothing past it is skipped.
                shard.iterator = None
                raise
        shard.iterator = next_iterator
        if next_iterator is None:  # closed shard, read to its end
            LOG.debug("shard %s finished", shard.shard_id)
            with self._checkpoint_lock:
                self._finished.add(shard.shard_id)
                self._save_checkpoint()
        return len(records)

    def _deliver_lanes(self, shard_id: str, batch: list[dict[str, Any]]) -> None:
        """Lambda's parallelization factor: the batch split by partition key into lanes,
        one invocation per lane at the same time, in order within a key. The shard's
        checkpoint moves past the batch once every lane is done (a crash in between
        redelivers the batch: the handlers are idempotent)."""
        lanes: dict[int, list[dict[str, Any]]] = {}
        for record in batch:
            keys = json.dumps(record["dynamodb"].get("Keys", {}).get("pk"), sort_keys=True)
            lane = zlib.crc32(keys.encode()) % self.parallelization_factor
            lanes.setdefault(lane, []).append(record)
        with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
            list(pool.map(lambda lane: self._deliver(shard_id, lane, checkpoint=False),
                          lanes.values()))
        self._checkpoint(shard_id, batch[-1]["dynamodb"]["SequenceNumber"])

    def _deliver(self, shard_id: str, batch: list[dict[str, Any]], *,
                 checkpoint: bool = True) -> None:
        def mark(shard: str, sequence: str) -> None:
            if checkpoint:  # a lane does not: the caller checkpoints the whole batch
                self._checkpoint(shard, sequence)

        pending = batch
        attempts = 0
        while True:
            attempts += 1
            context = LambdaContext(
                self.function_name, timeout_s=self.timeout_s, region=self.region
            )
            try:
                response = self.handler({"Records": pending}, context)
                failed = _first_failed_index(
                    response,
                    [record["dynamodb"]["SequenceNumber"] for record in pending],
                    what="stream",
                )
            except Exception:
                LOG.exception(
                    "stream handler failed on shard %s (attempt %d, %d records)",
                    shard_id,
                    attempts,
                    len(pending),
                )
                failed = 0
            if failed is None:
                mark(shard_id, pending[-1]["dynamodb"]["SequenceNumber"])
                return
            if failed > 0:
                mark(shard_id, pending[failed - 1]["dynamodb"]["SequenceNumber"])
            pending = pending[failed:]
            if attempts > self.max_retries:
                LOG.error(
                    "stream shard %s: %d records still failing after %d attempts; "
                    "handing them to the on-failure destination",
                    shard_id,
                    len(pending),
                    attempts,
                )
                if self.on_failure is not None:
                    self.on_failure(pending)
                mark(shard_id, pending[-1]["dynamodb"]["SequenceNumber"])
                return


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# -------------------------------------------------------------------------------- SQS

_LAMBDA_SQS_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


def _lambda_message_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in attributes.items():
        item: dict[str, Any] = {}
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            item["binaryValue"] = _b64(value["BinaryValue"])
        item["stringListValues"] = list(value.get("StringListValues") or [])
        item["binaryListValues"] = [_b64(v) for v in value.get("BinaryListValues") or []]
        item["dataType"] = value.get("DataType")
        out[name] = item
    return out


def sqs_message_to_lambda(
    message: Mapping[str, Any], *, queue_arn: str, region: str = DEFAULT_REGION
) -> dict[str, Any]:
    """One ``ReceiveMessage`` message -> the record Lambda puts in an SQS event."""
    attributes = message.get("Attributes") or {}
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": {k: attributes[k] for k in _LAMBDA_SQS_ATTRIBUTES if k in attributes},
        "messageAttributes": _lambda_message_attributes(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


class QueuePoller:
    """An SQS event source mapping with ``ReportBatchItemFailures``.

    Successes are deleted; failures are made visible again after ``retry_delay_s`` (0 by
    default so local retries are immediate, where Lambda would wait out the visibility
    timeout). The queue's RedrivePolicy moves a message to its DLQ once received more
    than maxReceiveCount times; moto enforces that on receive, and this poller does the
    move itself should a backend not, so a poison message always ends in the DLQ.
    """

    def __init__(
        self,
        sqs_client: Any,
        queue_url: str,
        handler: Handler,
        *,
        queue_arn: str,
        batch_size: int = 10,
        region: str = DEFAULT_REGION,
        retry_delay_s: int = 0,
        function_name: str = "talentloop-local-queue",
        timeout_s: float = 60.0,
        concurrency: int = 1,
    ) -> None:
        if not 1 <= batch_size <= 10:
            raise ValueError("batch_size must be within 1..10 (ReceiveMessage's limit)")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.client = sqs_client
        self.queue_url = queue_url
        self.handler = handler
        self.queue_arn = queue_arn
        self.batch_size = batch_size
        self.region = region
        self.retry_delay_s = retry_delay_s
        self.function_name = function_name
        self.timeout_s = timeout_s
        self._redrive: tuple[str, int] | None = None
        self._redrive_loaded = False

    def _redrive_policy(self) -> tuple[str, int] | None:
        """(DLQ url, maxReceiveCount) from the queue's RedrivePolicy, looked up once."""
        if not self._redrive_loaded:
            attributes = self.client.get_queue_attributes(
                QueueUrl=self.queue_url, AttributeNames=["RedrivePolicy"]
            ).get("Attributes", {})
            policy = attributes.get("RedrivePolicy")
            if policy:
                parsed = json.loads(policy)
                dlq_name = parsed["deadLetterTargetArn"].rsplit(":", 1)[-1]
                dlq_url = self.client.get_queue_url(QueueName=dlq_name)["QueueUrl"]
                self._redrive = (str(dlq_url), int(parsed["maxReceiveCount"]))
            self._redrive_loaded = True
        return self._redrive

    def _move_to_dlq(self, message: Mapping[str, Any], dlq_url: str) -> None:
        kwargs: dict[str, Any] = {"QueueUrl": dlq_url, "MessageBody": message.get("Body", "")}
        if message.get("MessageAttributes"):
            kwargs["MessageAttributes"] = message["MessageAttributes"]
        self.client.send_message(**kwargs)
        self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def poll_once(self) -> int:
        """Receive up to ``concurrency`` batches of up to ``batch_size`` messages, invoke the
        handler on each (side by side when there are several, as Lambda scales a queue's
        invocations up to the mapping's maximum concurrency), settle each message.

        Returns the number of messages handed to the handler, once every invocation ended.
        """
        if self.concurrency == 1:
            return self._poll_batch()
        batches: list[list[Mapping[str, Any]]] = []
        for _ in range(self.concurrency):
            messages = self._receive()
            if not messages:
                break
            batches.append(messages)
        if len(batches) <= 1:
            return self._handle(batches[0]) if batches else 0
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            return sum(pool.map(self._handle, batches))

    def _poll_batch(self) -> int:
        return self._handle(self._receive())

    def _receive(self) -> list[Mapping[str, Any]]:
        response = self.client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages") or [])

    def _handle(self, messages: list[Mapping[str, Any]]) -> int:
        """One invocation on received messages, then delete or release each of them."""
        if not messages:
            return 0
        redrive = self._redrive_policy()
        if redrive is not None:
            dlq_url, max_receive_count = redrive
            deliverable = []
            for message in messages:
                count = int((message.get("Attributes") or {}).get("ApproximateReceiveCount", 1))
                if count > max_receive_count:
                    LOG.warning(
                        "message %s received %d times (> %d): moving it to the DLQ",
                        message["MessageId"],
                        count,
                        max_receive_count,
                    )
                    self._move_to_dlq(message, dlq_url)
                else:
                    deliverable.append(message)
            messages = deliverable
            if not messages:
                return 0

        records = [
            sqs_message_to_lambda(message, queue_arn=self.queue_arn, region=self.region)
            for message in messages
        ]
        context = LambdaContext(self.function_name, timeout_s=self.timeout_s, region=self.region)
        failed_ids: set[str]
        try:
            result = self.handler({"Records": records}, context)
            failed_ids = self._failed_ids(result, records)
        except Exception:
            LOG.exception("queue handler failed on %d messages of %s", len(records), self.queue_url)
            failed_ids = {record["messageId"] for record in records}

        succeeded = [m for m in messages if m["MessageId"] not in failed_ids]
        failed = [m for m in messages if m["MessageId"] in failed_ids]
        if succeeded:
            self._delete(succeeded)
        if failed:
            self._release(failed)
        return len(records)

    @staticmethod
    def _failed_ids(result: Any, records: list[dict[str, Any]]) -> set[str]:
        """messageIds the handler reported failed (all of them for an unknown identifier)."""
        ids = [record["messageId"] for record in records]
        if not isinstance(result, Mapping) or not result.get("batchItemFailures"):
            return set()
        failed: set[str] = set()
        for failure in result["batchItemFailures"]:
            identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
            if not identifier or identifier not in ids:
                LOG.warning(
                    "queue handler reported unknown itemIdentifier %r: the whole batch fails",
                    identifier,
                )
                return set(ids)
            failed.add(identifier)
        return failed

    def _delete(self, messages: list[Mapping[str, Any]]) -> None:
        entries = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
        ]
        response = self.client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        for failure in response.get("Failed") or []:
            LOG.error("could not delete a processed message from %s: %s", self.queue_url, failure)

    def _release(self, messages: list[Mapping[str, Any]]) -> None:
        entries = [
            {
                "Id": str(i),
                "ReceiptHandle": m["ReceiptHandle"],
                "VisibilityTimeout": self.retry_delay_s,
            }
            for i, m in enumerate(messages)
        ]
        response = self.client.change_message_visibility_batch(
            QueueUrl=self.queue_url, Entries=entries
        )
        for failure in response.get("Failed") or []:
            LOG.warning("could not release a failed message of %s: %s", self.queue_url, failure)


# ------------------------------------------------------------------------------ drain


def drain(
    pollers: Sequence[Poller],
    *,
    quiet_rounds: int = 2,
    timeout_s: float = 120,
    idle_sleep_s: float = 0.05,
) -> int:
    """Poll until nothing moves: ``quiet_rounds`` consecutive rounds delivering nothing.

    A handler may write to the table or enqueue messages, which feeds another poller, so
    one quiet poller is not enough; the short sleep after a quiet round gives DynamoDB
    Local's stream a moment to show just-written records. Returns the total delivered;
    raises TimeoutError if the system keeps moving past ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    total = 0
    quiet = 0
    while quiet < quiet_rounds:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"drain: still delivering after {timeout_s}s ({total} delivered so far)"
            )
        delivered = sum(poller.poll_once() for poller in pollers)
        total += delivered
        if delivered:
            quiet = 0
        else:
            quiet += 1
            time.sleep(idle_sleep_s)
    return total
