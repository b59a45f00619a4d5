"""The local glue run like Lambda: concurrent queue invocations and stream lanes, still
exactly once per message and in order per partition key, and `drain` still reaches quiescence."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import boto3

from infra.local.glue import LambdaContext, QueuePoller, StreamPoller, drain

Event = dict[str, Any]


def test_concurrent_queue_invocations_deliver_each_message_once(local_cloud: Any) -> None:
    sqs = boto3.client("sqs")
    name = f"glue-concurrency-{time.time_ns()}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    for start in range(0, 60, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)])
    seen: Counter[str] = Counter()
    active = peak = 0
    lock = threading.Lock()

    def handler(event: Event, context: LambdaContext) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            seen.update(r["body"] for r in event["Records"])
            active -= 1

    assert drain([QueuePoller(sqs, url, handler, queue_arn=arn, concurrency=4)]) == 60
    assert seen == Counter(f"m{i}" for i in range(60))  # each once
    assert peak > 1  # invocations really overlapped


class _OneShard:
    """A stream of one open shard holding records of a few partition keys."""

    def __init__(self, keys: list[str]) -> None:
        self.records: list[dict[str, Any]] = [
            {"eventID": str(i), "eventName": "INSERT",
             "dynamodb": {"Keys": {"pk": {"S": key}}, "SequenceNumber": f"{100 + i}",
                          "SizeBytes": 10, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
            for i, key in enumerate(keys)]

    def describe_stream(self, **kwargs: Any) -> dict[str, Any]:
        return {"StreamDescription": {"Shards": [{"ShardId": "s"}]}}

    def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]:
        seq = kwargs.get("SequenceNumber")
        sequences = [r["dynamodb"]["SequenceNumber"] for r in self.records]
        return {"ShardIterator": str(0 if seq is None else sequences.index(seq) + 1)}

    def get_records(self, **kwargs: Any) -> dict[str, Any]:
        position = int(kwargs["ShardIterator"])
        batch = self.records[position:][: kwargs["Limit"]]
        return {"Records": batch, "NextShardIterator": str(position + len(batch))}


def test_parallelization_factor_keeps_each_keys_order_and_delivers_once() -> None:
    keys = [f"k{i % 7}" for i in range(70)]
    streams = _OneShard(keys)
    order: dict[str, list[int]] = {}
    invocations = 0
    lock = threading.Lock()

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        nonlocal invocations
        with lock:
            invocations += 1
            for record in event["Records"]:
                key = record["dynamodb"]["Keys"]["pk"]["S"]
                order.setdefault(key, []).append(int(record["dynamodb"]["SequenceNumber"]))
        return {"batchItemFailures": []}

    poller = StreamPoller(streams, "arn:stream", handler, checkpoint_path=None, batch_size=35,
                          parallelization_factor=4)
    assert drain([poller], idle_sleep_s=0) == 70
    assert sum(len(v) for v in order.values()) == 70  # each record once
    for key, sequences in order.items():
        expected = [100 + i for i, k in enumerate(keys) if k == key]
        assert sequences == expected, key  # in order within a key
    assert invocations > 2  # a batch went to several lanes
