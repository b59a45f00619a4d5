"""The local cloud and production are built from one definition: prove they cannot drift.

The local cloud's own provisioning code (`infra/local/provision.py`) runs against an
in-process AWS emulator (moto); what it created is read back with the AWS APIs and held
against the synthesized production template of the same stage: table keys, indexes and
their projections, stream view, TTL attribute, queue names, visibility timeouts, retention
and redrive counts, bucket protections, topics.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.definition import RESOURCES, TABLE
from infra.local.provision import DLQ_RETENTION_S, provision
from tests.infra.conftest import Synth
from tests.infra.queries import by_property, of_type, only, props, ref_target, render

# the first test to ask for a synth pays for both stages (a cold one builds the layer)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

STAGE = "prod"
#: Topics only production has: SES publishes bounce/complaint/delivery events there, and the
#: local cloud has no SES events to publish.
PRODUCTION_ONLY_TOPICS = {RESOURCES.ses_events_topic.physical_name(STAGE)}
#: ... and where the ses_events function's failed asynchronous invocations land (the local
#: runner calls that handler directly, with no asynchronous retries to run out of).
PRODUCTION_ONLY_QUEUES = {f"{RESOURCES.ses_events_topic.physical_name(STAGE)}-failures"}


@pytest.fixture(scope="module")
def local() -> Iterator[boto3.session.Session]:
    """The local provisioning, run against moto in this process (no server, no Java)."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL"):  # the functional tests' local cloud
            del os.environ[name]
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    try:
        with mock_aws():
            session = boto3.session.Session(region_name="us-east-1")
            provision(STAGE, session=session)
            yield session
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def template(prod: Synth) -> dict[str, Any]:
    return prod.template()


def test_table_matches_the_local_table(local: boto3.session.Session,
                                       template: dict[str, Any]) -> None:
    # GIVEN the table the local cloud created and the one production declares
    described = local.client("dynamodb").describe_table(
        TableName=TABLE.physical_name(STAGE))["Table"]
    _, body = only(template, "AWS::DynamoDB::Table")
    declared = props(body)

    # THEN keys, attribute types, indexes, projections and stream view are the same
    assert declared["TableName"] == described["TableName"]
    assert declared["KeySchema"] == described["KeySchema"]
    assert _by_name(declared["AttributeDefinitions"], "AttributeName") == \
        _by_name(described["AttributeDefinitions"], "AttributeName")
    local_indexes = {i["IndexName"]: {"KeySchema": i["KeySchema"],
                                      "Projection": i["Projection"]}
                     for i in described["GlobalSecondaryIndexes"]}
    prod_indexes = {i["IndexName"]: {"KeySchema": i["KeySchema"],
                                     "Projection": i["Projection"]}
                    for i in declared["GlobalSecondaryIndexes"]}
    assert prod_indexes == local_indexes
    assert declared["StreamSpecification"]["StreamViewType"] == \
        described["StreamSpecification"]["StreamViewType"]
    assert declared["BillingMode"] == described["BillingModeSummary"]["BillingMode"]


def test_ttl_attribute_matches(local: boto3.session.Session, template: dict[str, Any]) -> None:
    ttl = local.client("dynamodb").describe_time_to_live(
        TableName=TABLE.physical_name(STAGE))["TimeToLiveDescription"]
    declared = props(only(template, "AWS::DynamoDB::Table")[1])["TimeToLiveSpecification"]
    assert declared == {"AttributeName": ttl["AttributeName"], "Enabled": True}


def test_queues_match_the_local_queues(local: boto3.session.Session,
                                       template: dict[str, Any]) -> None:
    sqs = local.client("sqs")
    local_queues: dict[str, dict[str, Any]] = {}
    for url in sqs.list_queues()["QueueUrls"]:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        local_queues[attributes["QueueArn"].rsplit(":", 1)[1]] = attributes
    declared = {props(b)["QueueName"]: (logical, props(b))
                for logical, b in of_type(template, "AWS::SQS::Queue").items()
                if props(b)["QueueName"] not in PRODUCTION_ONLY_QUEUES}

    # the same queues on both sides
    assert set(declared) == set(local_queues)
    arn_to_name = {a["QueueArn"]: name for name, a in local_queues.items()}
    logical_to_name = {logical: name for name, (logical, _) in declared.items()}
    for name, attributes in local_queues.items():
        _, queue = declared[name]
        assert queue["VisibilityTimeout"] == int(attributes["VisibilityTimeout"]), name
        assert queue["MessageRetentionPeriod"] == int(attributes["MessageRetentionPeriod"]), name
        if "RedrivePolicy" not in attributes:
            assert "RedrivePolicy" not in queue, name
            assert queue["MessageRetentionPeriod"] == DLQ_RETENTION_S, name
            continue
        redrive = json.loads(attributes["RedrivePolicy"])
        assert queue["RedrivePolicy"]["maxReceiveCount"] == int(redrive["maxReceiveCount"]), name
        assert logical_to_name[ref_target(queue["RedrivePolicy"]["deadLetterTargetArn"]) or ""] \
            == arn_to_name[redrive["deadLetterTargetArn"]], name


def test_bucket_protections_match(local: boto3.session.Session,
                                  template: dict[str, Any]) -> None:
    s3 = local.client("s3")
    name = RESOURCES.reports_bucket.physical_name(STAGE)
    block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    encryption = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
    _, body = next((k, v) for k, v in of_type(template, "AWS::S3::Bucket").items()
                   if render(props(v)["BucketName"]).startswith(f"{name}-1"))
    assert props(body)["PublicAccessBlockConfiguration"] == block
    # both encrypt by default (SSE-S3 locally, the customer-managed key in production)
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    assert props(body)["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"]["SSEAlgorithm"]


def test_topics_match(local: boto3.session.Session, template: dict[str, Any]) -> None:
    local_topics = {t["TopicArn"].rsplit(":", 1)[1]
                    for t in local.client("sns").list_topics()["Topics"]}
    declared = {props(b)["TopicName"] for b in of_type(template, "AWS::SNS::Topic").values()}
    assert declared - PRODUCTION_ONLY_TOPICS == local_topics
    by_property(template, "AWS::SNS::Topic", "TopicName",
                RESOURCES.alerts_topic.physical_name(STAGE))


def test_dlq_retention_is_defined_once() -> None:
    from infra import definition

    assert definition.DLQ_RETENTION_S == DLQ_RETENTION_S


def _by_name(items: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {item[key]: item for item in items}
