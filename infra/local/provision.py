"""Create (or find) TalentLoop's AWS resources in the local cloud, from the definition.

Runs on every local start, so every step is idempotent: existing resources are reused and
nudged towards the definition (missing stream, index, TTL, queue attributes), never
recreated. Clients come from the environment, so ``LocalCloud.apply_env()`` (or the
``AWS_ENDPOINT_URL_*`` variables) must be in place first.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

from infra import definition
from infra.definition import RESOURCES, QueueDef, TableDef

LOG = logging.getLogger(__name__)

#: SQS's maximum retention: a DLQ keeps poison messages as long as SQS allows.
DLQ_RETENTION_S = 14 * 24 * 3600


@dataclass(frozen=True)
class Provisioned:
    """Physical names/ARNs/URLs of one stage's resources, as the runner and tests need them."""

    stage: str
    table_name: str
    stream_arn: str
    outbox_queue_url: str
    outbox_queue_arn: str
    outbox_dlq_url: str
    stream_failure_queue_url: str
    bucket: str
    alerts_topic_arn: str
    sender_email: str
    exports_queue_url: str = ""
    exports_queue_arn: str = ""
    imports_queue_url: str = ""
    imports_queue_arn: str = ""
    hooks_queue_url: str = ""
    hooks_queue_arn: str = ""


def provision(
    stage: str,
    *,
    session: boto3.session.Session | None = None,
    timeout_s: float = 60.0,
) -> Provisioned:
    """Make sure every resource of ``stage`` exists and return where they are.

    ``session`` defaults to a fresh boto3 session, i.e. whatever the environment says
    (endpoints, region, fake credentials).
    """
    session = session or boto3.session.Session()
    dynamodb = session.client("dynamodb")
    sqs = session.client("sqs")
    s3 = session.client("s3")
    sns = session.client("sns")
    ses = session.client("ses")

    table_name, stream_arn = ensure_table(dynamodb, definition.TABLE, stage, timeout_s=timeout_s)

    outbox_url, outbox_arn, outbox_dlq_url = _queue_with_dlq(sqs, RESOURCES.outbox_queue, stage)
    # The definition gives this queue a maxReceiveCount too, so it gets its own DLQ.
    failures_url, _, _ = _queue_with_dlq(sqs, RESOURCES.stream_failure_queue, stage)
    exports_url, exports_arn, _ = _queue_with_dlq(sqs, RESOURCES.exports_queue, stage)
    imports_url, imports_arn, _ = _queue_with_dlq(sqs, RESOURCES.imports_queue, stage)
    hooks_url, hooks_arn, _ = _queue_with_dlq(sqs, RESOURCES.hooks_queue, stage)

    bucket = ensure_bucket(s3, RESOURCES.reports_bucket.physical_name(stage))
    topic_arn = ensure_topic(sns, RESOURCES.alerts_topic.physical_name(stage))
    ensure_sender_identity(ses, RESOURCES.sender_email)

    result = Provisioned(
        stage=stage,
        table_name=table_name,
        stream_arn=stream_arn,
        outbox_queue_url=outbox_url,
        outbox_queue_arn=outbox_arn,
        outbox_dlq_url=outbox_dlq_url,
        stream_failure_queue_url=failures_url,
        bucket=bucket,
        alerts_topic_arn=topic_arn,
        sender_email=RESOURCES.sender_email,
        exports_queue_url=exports_url,
        exports_queue_arn=exports_arn,
        imports_queue_url=imports_url,
        imports_queue_arn=imports_arn,
        hooks_queue_url=hooks_url,
        hooks_queue_arn=hooks_arn,
    )
    LOG.info("provisioned stage %r: %s", stage, result)
    return result


def _queue_with_dlq(sqs: Any, queue: QueueDef, stage: str) -> tuple[str, str, str]:
    """The queue and its dead-letter queue, as the definition says: (url, arn, DLQ url)."""
    dlq_url, dlq_arn = ensure_queue(
        sqs,
        queue.dlq_name(stage),
        visibility_timeout_s=queue.visibility_timeout_s,
        retention_s=DLQ_RETENTION_S,
    )
    url, arn = ensure_queue(
        sqs,
        queue.physical_name(stage),
        visibility_timeout_s=queue.visibility_timeout_s,
        retention_s=queue.retention_s,
        dlq_arn=dlq_arn,
        max_receive_count=queue.max_receive_count,
    )
    return url, arn, dlq_url


# --------------------------------------------------------------------------- DynamoDB


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _gsi_spec(index: definition.Index) -> dict[str, Any]:
    return {
        "IndexName": index.name,
        "KeySchema": [
            {"AttributeName": index.hash_key, "KeyType": "HASH"},
            {"AttributeName": index.range_key, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": index.projection},
    }


def _attribute_definitions(table: TableDef) -> list[dict[str, str]]:
    # Every key attribute of the single-table design is a string.
    return [{"AttributeName": name, "AttributeType": "S"} for name in table.attribute_names()]


def ensure_table(
    dynamodb: Any, table: TableDef, stage: str, *, timeout_s: float = 60.0
) -> tuple[str, str]:
    """Create the table (or converge an existing one); return ``(name, stream_arn)``.

    An existing table keeps its data; a missing stream or GSI is added so a data dir made
    by an older definition keeps working.
    """
    name = table.physical_name(stage)
    try:
        description = dynamodb.describe_table(TableName=name)["Table"]
    except ClientError as exc:
        if _error_code(exc) != "ResourceNotFoundException":
            raise
        description = None

    if description is None:
        try:
            dynamodb.create_table(
                TableName=name,
                KeySchema=[
                    {"AttributeName": table.hash_key, "KeyType": "HASH"},
                    {"AttributeName": table.range_key, "KeyType": "RANGE"},
                ],
                AttributeDefinitions=_attribute_definitions(table),
                BillingMode="PAY_PER_REQUEST",
                GlobalSecondaryIndexes=[_gsi_spec(index) for index in table.indexes],
                StreamSpecification={"StreamEnabled": True, "StreamViewType": table.stream_view},
            )
            LOG.info("created table %s", name)
        except ClientError as exc:
            if _error_code(exc) != "ResourceInUseException":  # created concurrently
                raise
        description = _wait_table_active(dynamodb, name, timeout_s)
    else:
        description = _converge_table(dynamodb, table, description, timeout_s)

    _ensure_ttl(dynamodb, name, table.ttl_attribute)
    stream_arn = description.get("LatestStreamArn")
    if not stream_arn:
        raise RuntimeError(f"table {name} has no stream after provisioning")
    return name, str(stream_arn)


def _converge_table(
    dynamodb: Any, table: TableDef, description: dict[str, Any], timeout_s: float
) -> dict[str, Any]:
    name = description["TableName"]
    description = _wait_table_active(dynamodb, name, timeout_s)

    stream = description.get("StreamSpecification") or {}
    if not stream.get("StreamEnabled") or stream.get("StreamViewType") != table.stream_view:
        if stream.get("StreamEnabled"):
            LOG.warning(
                "table %s streams %s, definition says %s: re-enabling the stream",
                name,
                stream.get("StreamViewType"),
                table.stream_view,
            )
            dynamodb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
            _wait_table_active(dynamodb, name, timeout_s)
        dynamodb.update_table(
            TableName=name,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": table.stream_view},
        )
        description = _wait_table_active(dynamodb, name, timeout_s)

    existing = {gsi["IndexName"] for gsi in description.get("GlobalSecondaryIndexes") or []}
    for index in table.indexes:
        if index.name in existing:
            continue
        LOG.info("adding missing index %s to table %s", index.name, name)
        # DynamoDB creates one GSI per UpdateTable call.
        dynamodb.update_table(
            TableName=name,
            AttributeDefinitions=_attribute_definitions(table),
            GlobalSecondaryIndexUpdates=[{"Create": _gsi_spec(index)}],
        )
        description = _wait_table_active(dynamodb, name, timeout_s)
    wanted = {index.name for index in table.indexes}
    for extra in sorted(existing - wanted):
        LOG.warning("table %s has index %s that the definition does not list", name, extra)
    return description


def _wait_table_active(dynamodb: Any, name: str, timeout_s: float) -> dict[str, Any]:
    """Poll until the table and all its GSIs are ACTIVE (boto's waiter sleeps 20 s)."""
    deadline = time.monotonic() + timeout_s
    while True:
        description: dict[str, Any] = dynamodb.describe_table(TableName=name)["Table"]
        indexes = description.get("GlobalSecondaryIndexes") or []
        if description.get("TableStatus") == "ACTIVE" and all(
            gsi.get("IndexStatus", "ACTIVE") == "ACTIVE" for gsi in indexes
        ):
            return description
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {name} not ACTIVE after {timeout_s}s: {description}")
        time.sleep(0.1)


def _ensure_ttl(dynamodb: Any, name: str, attribute: str) -> None:
    """Enable TTL on ``attribute``; tolerated if the local engine refuses or ignores it."""
    try:
        current = dynamodb.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
        if current.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and (
            current.get("AttributeName") == attribute
        ):
            return
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
        )
    except ClientError as exc:
        LOG.warning("TTL on %s.%s not enabled locally: %s", name, attribute, exc)


# -------------------------------------------------------------------------------- SQS


def ensure_queue(
    sqs: Any,
    name: str,
    *,
    visibility_timeout_s: int,
    retention_s: int,
    dlq_arn: str | None = None,
    max_receive_count: int | None = None,
) -> tuple[str, str]:
    """Create or update a standard queue; return ``(url, arn)``.

    With ``dlq_arn`` the queue gets a RedrivePolicy, so a message received more than
    ``max_receive_count`` times moves to the DLQ instead of being lost or looping forever.
    Attributes are (re)applied to an existing queue, which SQS's CreateQueue would refuse.
    """
    attributes = {
        "VisibilityTimeout": str(visibility_timeout_s),
        "MessageRetentionPeriod": str(retention_s),
    }
    if dlq_arn is not None:
        if max_receive_count is None:
            raise ValueError("max_receive_count is required with dlq_arn")
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
        )
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as exc:
        if _error_code(exc) not in (
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
        ):
            raise
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        LOG.info("created queue %s", name)
    else:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return str(url), str(arn)


# --------------------------------------------------------------------- S3, SNS, SES


def ensure_bucket(s3: Any, name: str) -> str:
    """Create a private bucket with default encryption (settings tolerated if unsupported)."""
    try:
        s3.head_bucket(Bucket=name)
    except ClientError as exc:
        if _error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise
        region = s3.meta.region_name
        kwargs: dict[str, Any] = {"Bucket": name}
        if region and region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            s3.create_bucket(**kwargs)
            LOG.info("created bucket %s", name)
        except ClientError as create_exc:
            if _error_code(create_exc) != "BucketAlreadyOwnedByYou":
                raise
    settings: list[tuple[str, str, dict[str, Any]]] = [
        (
            "put_public_access_block",
            "public access block",
            {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                }
            },
        ),
        (
            "put_bucket_encryption",
            "default encryption",
            {
                "ServerSideEncryptionConfiguration": {
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                }
            },
        ),
    ]
    for operation, what, params in settings:
        try:
            getattr(s3, operation)(Bucket=name, **params)
        except ClientError as exc:
            LOG.warning("bucket %s: %s not applied locally: %s", name, what, exc)
    return name


def ensure_topic(sns: Any, name: str) -> str:
    """Create (idempotent in SNS) the topic and return its ARN."""
    return str(sns.create_topic(Name=name)["TopicArn"])


def ensure_sender_identity(ses: Any, address: str) -> None:
    """Verify the sender address; SES (and moto) reject mail from unverified senders."""
    ses.verify_email_identity(EmailAddress=address)
