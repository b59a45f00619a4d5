"""The embedded local cloud: servers, provisioning, and the Lambda glue (pollers).

These pin down the behaviour the rest of the suite relies on: Lambda-shaped events,
partial-batch retries, checkpoints, dead-lettering and the record of sent messages.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra import definition
from infra.local.cloud import CloudConfig, LocalCloud, LocalCloudError, free_port
from infra.local.glue import LambdaContext, QueuePoller, StreamPoller, drain
from infra.local.provision import ensure_queue, provision

Event = dict[str, Any]


# ----------------------------------------------------------------------------- helpers


def _uid() -> str:
    return uuid.uuid4().hex[:10]


def _put(table: str, pk: str, **attributes: Any) -> None:
    item = {"pk": {"S": pk}, "sk": {"S": "item"}, **attributes}
    boto3.client("dynamodb").put_item(TableName=table, Item=item)


def _pk(record: Event) -> str:
    return str(record["dynamodb"]["Keys"]["pk"]["S"])


def _stream_poller(
    local_cloud: Any,
    checkpoint: Path,
    handler: Callable[[Event, Any], Any],
    **kwargs: Any,
) -> StreamPoller:
    return StreamPoller(
        boto3.client("dynamodbstreams"),
        local_cloud.resources.stream_arn,
        handler,
        checkpoint_path=checkpoint,
        **kwargs,
    )


def _caught_up_poller(
    local_cloud: Any, checkpoint: Path, handler: Callable[[Event, Any], Any], **kwargs: Any
) -> StreamPoller:
    """A poller whose checkpoint is past everything earlier tests wrote to the table."""
    drain([_stream_poller(local_cloud, checkpoint, lambda event, context: None)])
    return _stream_poller(local_cloud, checkpoint, handler, **kwargs)


def _queue_pair(max_receive_count: int) -> tuple[str, str, str]:
    """A fresh queue + DLQ built by the same code as the outbox: (url, arn, dlq_url)."""
    sqs = boto3.client("sqs")
    name = f"test-{_uid()}"
    dlq_url, dlq_arn = ensure_queue(sqs, f"{name}-dlq", visibility_timeout_s=30, retention_s=3600)
    url, arn = ensure_queue(
        sqs,
        name,
        visibility_timeout_s=30,
        retention_s=3600,
        dlq_arn=dlq_arn,
        max_receive_count=max_receive_count,
    )
    return url, arn, dlq_url


def _queue_depth(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


# ------------------------------------------------------------------------ provisioning


def test_provision_is_idempotent_and_matches_the_definition(local_cloud: Any) -> None:
    first = local_cloud.resources
    assert provision("test") == first
    assert provision("test") == first

    ddb = boto3.client("dynamodb")
    table = ddb.describe_table(TableName=first.table_name)["Table"]
    assert first.table_name == definition.TABLE.physical_name("test")
    assert {gsi["IndexName"] for gsi in table["GlobalSecondaryIndexes"]} == {"gsi1", "due_keys"}
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert table["LatestStreamArn"] == first.stream_arn
    ttl = ddb.describe_time_to_live(TableName=first.table_name)["TimeToLiveDescription"]
    assert ttl.get("AttributeName") == definition.TABLE.ttl_attribute

    sqs = boto3.client("sqs")
    outbox = sqs.get_queue_attributes(QueueUrl=first.outbox_queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=first.outbox_dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    redrive = json.loads(outbox["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq_arn
    assert int(redrive["maxReceiveCount"]) == definition.RESOURCES.outbox_queue.max_receive_count
    assert outbox["VisibilityTimeout"] == "60"
    assert outbox["QueueArn"] == first.outbox_queue_arn
    assert _queue_depth(first.stream_failure_queue_url) >= 0

    s3 = boto3.client("s3")
    s3.put_object(Bucket=first.bucket, Key="probe.txt", Body=b"ok")
    assert s3.get_object(Bucket=first.bucket, Key="probe.txt")["Body"].read() == b"ok"
    rules = s3.get_bucket_encryption(Bucket=first.bucket)["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=first.bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    topics = boto3.client("sns").list_topics()["Topics"]
    assert {"TopicArn": first.alerts_topic_arn} in topics
    identities = boto3.client("ses").list_identities()["Identities"]
    assert first.sender_email in identities


def test_endpoint_env_points_boto3_at_the_local_servers(local_cloud: Any) -> None:
    env = local_cloud.cloud.endpoint_env()
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == env["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    for key, value in env.items():
        assert os.environ[key] == value
    assert boto3.client("dynamodb").meta.endpoint_url == local_cloud.cloud.dynamodb_endpoint
    assert boto3.client("sqs").meta.endpoint_url == local_cloud.cloud.moto_endpoint
    assert boto3.client("sesv2").meta.endpoint_url == local_cloud.cloud.moto_endpoint


# ------------------------------------------------------------------------ stream poller


def test_stream_poller_delivers_lambda_shaped_records(local_cloud: Any, tmp_path: Path) -> None:
    pk = f"shape-{_uid()}"
    events: list[Event] = []
    contexts: list[LambdaContext] = []

    def handler(event: Event, context: LambdaContext) -> None:
        json.dumps(event)  # Lambda events are plain JSON
        events.append(event)
        contexts.append(context)

    poller = _caught_up_poller(local_cloud, tmp_path / "cp.json", handler)
    table = local_cloud.resources.table_name
    _put(
        table,
        pk,
        blob={"B": b"\x00\x01\xff"},
        tags={"SS": ["a", "b"]},
        nested={"M": {"bins": {"BS": [b"zz"]}, "list": {"L": [{"N": "1"}, {"B": b"q"}]}}},
    )
    boto3.client("dynamodb").update_item(
        TableName=table,
        Key={"pk": {"S": pk}, "sk": {"S": "item"}},
        UpdateExpression="SET answer = :v",
        ExpressionAttributeValues={":v": {"N": "42"}},
    )
    before = time.time()
    assert drain([poller]) == 2

    records = [r for event in events for r in event["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    insert, modify = records
    for record in records:
        assert record["eventSource"] == "aws:dynamodb"
        assert record["eventSourceARN"] == local_cloud.resources.stream_arn
        assert record["awsRegion"] == "us-east-1"
        assert record["eventID"] and record["eventVersion"]
        created = record["dynamodb"]["ApproximateCreationDateTime"]
        assert isinstance(created, (int, float)) and not isinstance(created, bool)
        # epoch seconds (DynamoDB Local rounds down to the minute), not milliseconds
        assert before - 180 < created <= time.time() + 1
        assert record["dynamodb"]["Keys"] == {"pk": {"S": pk}, "sk": {"S": "item"}}
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert isinstance(record["dynamodb"]["SequenceNumber"], str)
        assert record["dynamodb"]["SizeBytes"] > 0
    assert "OldImage" not in insert["dynamodb"]
    image = insert["dynamodb"]["NewImage"]
    assert image["blob"] == {"B": base64.b64encode(b"\x00\x01\xff").decode()}
    assert sorted(image["tags"]["SS"]) == ["a", "b"]
    assert image["nested"]["M"]["bins"] == {"BS": [base64.b64encode(b"zz").decode()]}
    assert image["nested"]["M"]["list"] == {"L": [{"N": "1"}, {"B": "cQ=="}]}
    assert modify["dynamodb"]["OldImage"] == image
    assert modify["dynamodb"]["NewImage"]["answer"] == {"N": "42"}

    ids = {c.aws_request_id for c in contexts}
    assert len(ids) == len(contexts)
    assert 0 < contexts[0].get_remaining_time_in_millis() <= 60_000
    assert contexts[0].invoked_function_arn.startswith("arn:aws:lambda:us-east-1:")


def test_stream_poller_honours_batch_item_failures(local_cloud: Any, tmp_path: Path) -> None:
    run = _uid()
    pks = [f"bif-{run}-{i}" for i in range(1, 6)]
    calls: list[list[str]] = []
    failed_once: set[str] = set()

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        mine = [r for r in event["Records"] if _pk(r).startswith(f"bif-{run}-")]
        calls.append([_pk(r) for r in mine])
        for record in mine:
            if _pk(record) == pks[2] and pks[2] not in failed_once:
                failed_once.add(pks[2])
                return {
                    "batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]
                }
        return {"batchItemFailures": []}

    poller = _caught_up_poller(local_cloud, tmp_path / "cp.json", handler)
    for pk in pks:
        _put(local_cloud.resources.table_name, pk)
    drain([poller])

    assert calls == [pks, pks[2:]]
    delivered = [pk for call in calls for pk in call]
    assert {pk: delivered.count(pk) for pk in pks} == {
        pks[0]: 1,
        pks[1]: 1,
        pks[2]: 2,
        pks[3]: 2,
        pks[4]: 2,
    }


def test_stream_poller_retries_exceptions_then_hands_records_to_on_failure(
    local_cloud: Any, tmp_path: Path
) -> None:
    run = _uid()
    pks = [f"fail-{run}-{i}" for i in range(1, 4)]
    calls: list[list[str]] = []
    dead: list[list[str]] = []
    raised = False

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        nonlocal raised
        calls.append([_pk(r) for r in event["Records"]])
        if not raised:
            raised = True
            raise RuntimeError("transient")  # the whole batch comes back
        poison = [r for r in event["Records"] if _pk(r) == pks[1]]
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in poison
            ]
        }

    poller = _caught_up_poller(
        local_cloud,
        tmp_path / "cp.json",
        handler,
        max_retries=2,
        on_failure=lambda records: dead.append([_pk(r) for r in records]),
    )
    for pk in pks:
        _put(local_cloud.resources.table_name, pk)
    assert drain([poller]) == 3

    # 1 attempt + 2 retries; the exception counted as one failed attempt
    assert calls == [pks, pks, pks[1:]]
    assert dead == [pks[1:]]
    assert drain([poller]) == 0  # moved on past the failed records


def test_stream_checkpoint_resumes_after_restart(local_cloud: Any, tmp_path: Path) -> None:
    checkpoint = tmp_path / "stream-checkpoint.json"
    seen: list[str] = []

    def handler(event: Event, context: LambdaContext) -> None:
        seen.extend(_pk(r) for r in event["Records"])

    run = _uid()
    first = _caught_up_poller(local_cloud, checkpoint, handler)
    _put(local_cloud.resources.table_name, f"cp-{run}-1")
    _put(local_cloud.resources.table_name, f"cp-{run}-2")
    assert drain([first]) == 2
    assert seen == [f"cp-{run}-1", f"cp-{run}-2"]
    state = json.loads(checkpoint.read_text())
    assert local_cloud.resources.stream_arn in state["streams"]

    seen.clear()
    restarted = _stream_poller(local_cloud, checkpoint, handler)
    assert drain([restarted]) == 0
    _put(local_cloud.resources.table_name, f"cp-{run}-3")
    assert drain([restarted]) == 1
    assert seen == [f"cp-{run}-3"]


class _FakeStreams:
    """A stream with a closed parent shard and its open child, listed child first."""

    def __init__(self) -> None:
        def rec(seq: str, pk: str) -> dict[str, Any]:
            return {
                "eventID": seq,
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "ddblocal",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1700000000.0,
                    "Keys": {"pk": {"S": pk}},
                    "SequenceNumber": seq,
                    "SizeBytes": 10,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }

        self.records = {
            "parent": [rec("100", "p1"), rec("200", "p2")],
            "child": [rec("300", "c1")],
        }
        self.closed = {"parent"}
        self.expire_next = True
        self.iterator_requests: list[tuple[str, str, str | None]] = []

    def describe_stream(self, **kwargs: Any) -> dict[str, Any]:
        shards = [{"ShardId": "child", "ParentShardId": "parent"}, {"ShardId": "parent"}]
        start = kwargs.get("ExclusiveStartShardId")
        page = shards[1:] if start == "child" else shards[:1]  # one shard per page
        description: dict[str, Any] = {"Shards": page}
        if start is None:
            description["LastEvaluatedShardId"] = "child"
        return {"StreamDescription": description}

    def get_shard_iterator(self, **kwargs: Any) -> dict[str, Any]:
        shard, kind, seq = (
            kwargs["ShardId"],
            kwargs["ShardIteratorType"],
            kwargs.get("SequenceNumber"),
        )
        self.iterator_requests.append((shard, kind, seq))
        records = self.records[shard]
        position = (
            0 if seq is None else [r["dynamodb"]["SequenceNumber"] for r in records].index(seq) + 1
        )
        return {"ShardIterator": f"{shard}|{position}"}

    def get_records(self, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        iterator, limit = kwargs["ShardIterator"], kwargs["Limit"]
        if self.expire_next and iterator == "parent|1":
            self.expire_next = False
            raise ClientError({"Error": {"Code": "ExpiredIteratorException"}}, "GetRecords")
        shard, position = iterator.split("|")
        records = self.records[shard][int(position) :][:limit]
        end = int(position) + len(records)
        response: dict[str, Any] = {"Records": records}
        if shard not in self.closed or end < len(self.records[shard]):
            response["NextShardIterator"] = f"{shard}|{end}"
        return response


def test_stream_poller_reads_parent_shards_before_children(tmp_path: Path) -> None:
    streams = _FakeStreams()
    seen: list[str] = []

    def handler(event: Event, context: LambdaContext) -> None:
        seen.extend(_pk(r) for r in event["Records"])

    checkpoint = tmp_path / "cp.json"
    poller = StreamPoller(streams, "arn:stream", handler, checkpoint_path=checkpoint, batch_size=1)
    assert drain([poller], idle_sleep_s=0) == 3
    assert seen == ["p1", "p2", "c1"]
    # the expired iterator was re-created from the checkpoint, not from TRIM_HORIZON
    assert ("parent", "AFTER_SEQUENCE_NUMBER", "100") in streams.iterator_requests

    state = json.loads(checkpoint.read_text())["streams"]["arn:stream"]
    assert state == {"finished": ["parent"], "sequence": {"child": "300"}}
    streams.iterator_requests.clear()
    # a shard trimmed away while stopped: its checkpoint is dropped, not kept forever
    data = json.loads(checkpoint.read_text())
    data["streams"]["arn:stream"]["sequence"]["trimmed"] = "42"
    checkpoint.write_text(json.dumps(data))
    restarted = StreamPoller(streams, "arn:stream", handler, checkpoint_path=checkpoint)
    assert drain([restarted], idle_sleep_s=0) == 0
    assert streams.iterator_requests == [("child", "AFTER_SEQUENCE_NUMBER", "300")]
    assert json.loads(checkpoint.read_text())["streams"]["arn:stream"] == state


# ------------------------------------------------------------------------- queue poller


def test_queue_poller_deletes_successes_and_retries_failures(local_cloud: Any) -> None:
    url, arn, dlq_url = _queue_pair(max_receive_count=5)
    sqs = boto3.client("sqs")
    for body in ("a", "b", "c"):
        sqs.send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageAttributes={"kind": {"DataType": "String", "StringValue": f"k-{body}"}},
        )
    batches: list[list[Event]] = []

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        batches.append(event["Records"])
        failing = [r for r in event["Records"] if r["body"] == "b" and len(batches) == 1]
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in failing]}

    poller = QueuePoller(sqs, url, handler, queue_arn=arn)
    assert drain([poller]) == 4

    bodies = [r["body"] for batch in batches for r in batch]
    assert sorted(bodies) == ["a", "b", "b", "c"]
    assert [r["body"] for r in batches[-1]] == ["b"]
    retry = batches[-1][0]
    assert retry["attributes"]["ApproximateReceiveCount"] == "2"
    assert set(retry["attributes"]) >= {
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    }
    assert retry["messageAttributes"] == {
        "kind": {
            "stringValue": "k-b",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        }
    }
    assert retry["eventSource"] == "aws:sqs"
    assert retry["eventSourceARN"] == arn
    assert retry["awsRegion"] == "us-east-1"
    assert retry["md5OfBody"] == "92eb5ffee6ae2fec3ad71c777531578f"  # md5("b")
    assert retry["receiptHandle"] and retry["messageId"]
    assert _queue_depth(url) == 0
    assert _queue_depth(dlq_url) == 0


def test_queue_poller_retries_the_whole_batch_when_the_handler_raises(local_cloud: Any) -> None:
    url, arn, _ = _queue_pair(max_receive_count=5)
    sqs = boto3.client("sqs")
    for body in ("x", "y"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    calls: list[list[str]] = []

    def handler(event: Event, context: LambdaContext) -> None:
        calls.append(sorted(r["body"] for r in event["Records"]))
        if len(calls) == 1:
            raise RuntimeError("boom")

    drain([QueuePoller(sqs, url, handler, queue_arn=arn)])
    assert calls == [["x", "y"], ["x", "y"]]
    assert _queue_depth(url) == 0


def test_poison_message_ends_in_the_dlq_after_max_receive_count(local_cloud: Any) -> None:
    url, arn, dlq_url = _queue_pair(max_receive_count=3)
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    sqs.send_message(QueueUrl=url, MessageBody="fine")
    deliveries: list[str] = []

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        deliveries.extend(r["body"] for r in event["Records"])
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]}
                for r in event["Records"]
                if r["body"] == "poison"
            ]
        }

    drain([QueuePoller(sqs, url, handler, queue_arn=arn)])
    assert deliveries.count("poison") == 3
    assert deliveries.count("fine") == 1
    assert _queue_depth(url) == 0
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in dead] == ["poison"]


# ----------------------------------------------------------------------- sent messages


def test_sent_messages_lists_emails_and_sms(local_cloud: Any) -> None:
    run = _uid()
    sender = local_cloud.resources.sender_email
    to = f"candidate-{run}@example.com"
    email_id = boto3.client("ses").send_email(
        Source=sender,
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": f"Hi {run}"},
            "Body": {"Text": {"Data": f"Body {run}"}, "Html": {"Data": f"<p>Body {run}</p>"}},
        },
    )["MessageId"]
    raw = (
        f"From: {sender}\r\nTo: raw-{run}@example.com\r\nSubject: Raw {run}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Raw body {run}\r\n"
    )
    raw_id = boto3.client("ses").send_raw_email(RawMessage={"Data": raw.encode()})["MessageId"]
    v2_id = boto3.client("sesv2").send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": [f"v2-{run}@example.com"]},
        Content={"Simple": {"Subject": {"Data": f"V2 {run}"}, "Body": {"Text": {"Data": "v2"}}}},
    )["MessageId"]
    phone = "+15555550142"
    sms_id = boto3.client("sns").publish(PhoneNumber=phone, Message=f"SMS {run}")["MessageId"]

    sent = {m["provider_message_id"]: m for m in local_cloud.cloud.sent_messages()}
    email = sent[email_id]
    assert email["channel"] == "email"
    assert email["to"] == [to]
    assert email["subject"] == f"Hi {run}"
    assert email["text"] == email["body"] == f"Body {run}"  # moto alone keeps only the Html
    assert email["html"] == f"<p>Body {run}</p>"
    assert email["from"] == sender
    assert email["time"].endswith("Z")
    raw_email = sent[raw_id]
    assert raw_email["to"] == [f"raw-{run}@example.com"]
    assert raw_email["subject"] == f"Raw {run}"
    assert raw_email["text"].strip() == f"Raw body {run}"
    assert sent[v2_id]["subject"] == f"V2 {run}"
    assert sent[v2_id]["text"] == "v2"
    sms = sent[sms_id]
    assert sms["time"] is not None and sms["time"] >= email["time"]
    assert sms == {
        "channel": "sms",
        "to": phone,
        "body": f"SMS {run}",
        "text": f"SMS {run}",
        "provider_message_id": sms_id,
        "time": sms["time"],
        "region": "us-east-1",
    }
    assert all(m["channel"] in ("email", "sms") for m in sent.values())


# -------------------------------------------------------------------------- lifecycle


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_dynamodb_data_survives_a_restart(tmp_path: Path) -> None:
    config = CloudConfig(data_dir=tmp_path, dynamodb_port=free_port(), moto_port=free_port())

    def client(cloud: LocalCloud) -> Any:
        env = cloud.endpoint_env()
        return boto3.client(
            "dynamodb",
            endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"],
            region_name=env["AWS_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )

    with LocalCloud(config) as cloud:
        pid = cloud.dynamodb_pid
        ddb = client(cloud)
        ddb.create_table(
            TableName="persisted",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName="persisted", Item={"pk": {"S": "kept"}, "v": {"N": "7"}})
    assert pid is not None and not _pid_alive(pid)
    assert any((tmp_path / "dynamodb").glob("*.db"))

    with LocalCloud(config) as cloud:
        item = client(cloud).get_item(TableName="persisted", Key={"pk": {"S": "kept"}})
        assert item["Item"] == {"pk": {"S": "kept"}, "v": {"N": "7"}}
    assert (tmp_path / "dynamodb-local.log").read_text()


def test_busy_port_gives_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cloud = LocalCloud(
            CloudConfig(data_dir=tmp_path, dynamodb_port=port, moto_port=free_port())
        )
        with pytest.raises(LocalCloudError, match=f"port {port} .*already in use"):
            cloud.start()
        cloud = LocalCloud(
            CloudConfig(data_dir=tmp_path, dynamodb_port=free_port(), moto_port=port)
        )
        with pytest.raises(LocalCloudError, match="TALENTLOOP_MOTO_PORT"):
            cloud.start()
    assert cloud.dynamodb_pid is None


def test_missing_jar_says_to_run_npm_ci(tmp_path: Path) -> None:
    cloud = LocalCloud(CloudConfig(data_dir=tmp_path, jar=tmp_path / "nope" / "DynamoDBLocal.jar"))
    with pytest.raises(LocalCloudError, match="npm ci"):
        cloud.start()
