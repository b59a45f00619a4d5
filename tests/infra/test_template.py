"""What the production stack promises, asserted on the synthesized CloudFormation.

`aws_cdk.assertions.Template` for the properties the issue lists (PITR, KMS, stream view,
batch failure reporting, DLQs, bucket protections, alarms), plain dict reads where a
property lives on a Chalice-packaged SAM resource.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infra.definition import RESOURCES, TABLE
from infra.gateway_errors import UNAUTHENTICATED_MESSAGE
from infra.stack.roles import FUNCTIONS
from tests.infra.conftest import Synth
from tests.infra.queries import (
    as_list,
    by_property,
    of_type,
    only,
    props,
    ref_target,
    render,
    statements,
)

# the first test to ask for a synth pays for both stages (a cold one builds the layer)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def template(prod: Synth) -> Template:
    return Template.from_json(prod.template())


@pytest.fixture(scope="module")
def raw(prod: Synth) -> dict[str, Any]:
    return prod.template()


def _key(raw: dict[str, Any]) -> str:
    return only(raw, "AWS::KMS::Key")[0]


# ------------------------------------------------------------------------------- table


def test_table_is_on_demand_encrypted_recoverable_and_protected(
        template: Template, raw: dict[str, Any]) -> None:
    template.has_resource("AWS::DynamoDB::Table", {
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": Match.object_like({
            "TableName": TABLE.physical_name("prod"),
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS",
                                 "KMSMasterKeyId": {"Fn::GetAtt": [_key(raw), "Arn"]}},
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TimeToLiveSpecification": {"AttributeName": TABLE.ttl_attribute,
                                        "Enabled": True},
        }),
    })


def test_table_indexes_are_the_definitions(raw: dict[str, Any]) -> None:
    _, table = only(raw, "AWS::DynamoDB::Table")
    expected = {index.name: {
        "IndexName": index.name,
        "KeySchema": [{"AttributeName": index.hash_key, "KeyType": "HASH"},
                      {"AttributeName": index.range_key, "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": index.projection},
    } for index in TABLE.indexes}
    declared = {i["IndexName"]: i for i in props(table)["GlobalSecondaryIndexes"]}
    assert declared == expected


def test_the_key_rotates_and_is_retained(template: Template) -> None:
    template.has_resource("AWS::KMS::Key", {
        "DeletionPolicy": "Retain",
        "Properties": Match.object_like({"EnableKeyRotation": True}),
    })


# ------------------------------------------------------------------- event source mappings


def test_stream_mapping_reports_failures_bisects_and_gives_up_to_a_queue(
        template: Template, raw: dict[str, Any]) -> None:
    spec = RESOURCES.stream_mapping
    failures, _ = by_property(raw, "AWS::SQS::Queue", "QueueName",
                              RESOURCES.stream_failure_queue.physical_name("prod"))
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {
        "FunctionName": {"Ref": "Stream"},
        "EventSourceArn": {"Fn::GetAtt": [only(raw, "AWS::DynamoDB::Table")[0], "StreamArn"]},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": spec.retry_attempts,
        "MaximumRecordAgeInSeconds": spec.max_record_age_s,
        "StartingPosition": "TRIM_HORIZON",
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [failures, "Arn"]}}},
    })


def test_sender_mapping_reports_failures_and_caps_concurrency_at_the_send_rate(
        template: Template, raw: dict[str, Any]) -> None:
    outbox, _ = by_property(raw, "AWS::SQS::Queue", "QueueName",
                            RESOURCES.outbox_queue.physical_name("prod"))
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {
        "FunctionName": {"Ref": "Sender"},
        "EventSourceArn": {"Fn::GetAtt": [outbox, "Arn"]},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "ScalingConfig": {"MaximumConcurrency": RESOURCES.outbox_mapping.max_concurrency},
        "BatchSize": RESOURCES.outbox_mapping.batch_size,
    })


def test_max_concurrency_follows_the_send_rate() -> None:
    mapping = RESOURCES.outbox_mapping
    assert mapping.max_concurrency >= 2
    assert mapping.max_concurrency * (1 / mapping.send_latency_s) >= mapping.send_rate_per_s


def test_sender_paces_each_channel_at_its_share_of_the_rate(raw: dict[str, Any]) -> None:
    env = props(raw["Resources"]["Sender"])["Environment"]["Variables"]
    mapping = RESOURCES.outbox_mapping
    assert env["TALENTLOOP_SENDER_INSTANCES"] == str(mapping.max_concurrency)
    rates = {channel: float(env[f"TALENTLOOP_SEND_RATE_{channel.upper()}"])
             for channel in ("email", "sms")}
    assert rates == dict(mapping.channel_rates)
    assert sum(rates.values()) == mapping.send_rate_per_s


def test_sender_finishes_well_within_the_outbox_visibility_timeout(raw: dict[str, Any]) -> None:
    timeout = props(raw["Resources"]["Sender"])["Timeout"]
    assert 6 * timeout <= RESOURCES.outbox_queue.visibility_timeout_s


# ------------------------------------------------------------------------------ queues


@pytest.mark.parametrize("queue", [RESOURCES.outbox_queue, RESOURCES.stream_failure_queue],
                         ids=lambda q: q.logical_name)
def test_queues_dead_letter_after_the_definitions_receive_count(
        raw: dict[str, Any], queue: Any) -> None:
    _, body = by_property(raw, "AWS::SQS::Queue", "QueueName", queue.physical_name("prod"))
    dlq, _ = by_property(raw, "AWS::SQS::Queue", "QueueName", queue.dlq_name("prod"))
    assert props(body)["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
        "maxReceiveCount": queue.max_receive_count,
    }
    assert props(body)["VisibilityTimeout"] == queue.visibility_timeout_s


def test_every_queue_and_topic_is_encrypted_with_the_key(raw: dict[str, Any]) -> None:
    key = _key(raw)
    for resource_type, key_property in (("AWS::SQS::Queue", "KmsMasterKeyId"),
                                        ("AWS::SNS::Topic", "KmsMasterKeyId")):
        for logical, body in of_type(raw, resource_type).items():
            assert ref_target(props(body).get(key_property)) == key, logical


def test_queues_and_topics_refuse_plain_http(raw: dict[str, Any]) -> None:
    for policy_type, target_list in (("AWS::SQS::QueuePolicy", "Queues"),
                                     ("AWS::SNS::TopicPolicy", "Topics")):
        denied = set()
        for body in of_type(raw, policy_type).values():
            for statement in props(body)["PolicyDocument"]["Statement"]:
                if statement["Effect"] == "Deny" and statement.get("Condition") == {
                        "Bool": {"aws:SecureTransport": "false"}}:
                    denied |= {ref_target(t) for t in props(body)[target_list]}
        resource_type = policy_type.removesuffix("Policy")
        assert denied == set(of_type(raw, resource_type)), policy_type


# ------------------------------------------------------------------------------ bucket


def test_reports_bucket_is_private_versioned_encrypted_logged_and_expires_exports(
        template: Template, raw: dict[str, Any]) -> None:
    bucket = RESOURCES.reports_bucket
    logical, body = next((k, v) for k, v in of_type(raw, "AWS::S3::Bucket").items()
                         if render(props(v)["BucketName"]).startswith(
                             bucket.physical_name("prod") + "-1"))
    p = props(body)
    assert p["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True,
        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    rule = p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert ref_target(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]) == _key(raw)
    assert ref_target(p["LoggingConfiguration"]["DestinationBucketName"]) in of_type(
        raw, "AWS::S3::Bucket")
    assert {"Id": "expire-exports", "Prefix": bucket.exports_prefix, "Status": "Enabled",
            "ExpirationInDays": bucket.exports_expire_days} in p["LifecycleConfiguration"]["Rules"]
    assert body["DeletionPolicy"] == "Retain"
    template.has_resource_properties("AWS::S3::BucketPolicy", {
        "Bucket": {"Ref": logical},
        "PolicyDocument": {"Statement": Match.array_with([Match.object_like({
            "Effect": "Deny", "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])},
    })


def test_every_bucket_blocks_public_access_and_requires_tls(raw: dict[str, Any]) -> None:
    tls_only = {ref_target(props(b)["Bucket"]) for b in of_type(raw, "AWS::S3::BucketPolicy")
                .values() if any(s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
                                 for s in props(b)["PolicyDocument"]["Statement"])}
    for logical, body in of_type(raw, "AWS::S3::Bucket").items():
        assert all(props(body)["PublicAccessBlockConfiguration"].values()), logical
        assert logical in tls_only, logical


# ---------------------------------------------------------------------------- SES, SNS


def test_ses_configuration_set_sends_bounces_complaints_deliveries_to_the_topic(
        template: Template, raw: dict[str, Any]) -> None:
    topic, _ = by_property(raw, "AWS::SNS::Topic", "TopicName",
                           RESOURCES.ses_events_topic.physical_name("prod"))
    template.has_resource_properties("AWS::SES::ConfigurationSetEventDestination", {
        "EventDestination": Match.object_like({
            "Enabled": True,
            "MatchingEventTypes": Match.array_with(["bounce", "complaint", "delivery", "click"]),
            "SnsDestination": {"TopicARN": {"Ref": topic}},
        }),
    })
    template.has_resource_properties("AWS::SES::EmailIdentity", {
        "ConfigurationSetAttributes": {"ConfigurationSetName": Match.any_value()}})


def test_ses_events_reach_their_function_and_failures_are_kept(raw: dict[str, Any]) -> None:
    topic, _ = by_property(raw, "AWS::SNS::Topic", "TopicName",
                           RESOURCES.ses_events_topic.physical_name("prod"))
    function = props(raw["Resources"]["SesEvents"])
    assert [ref_target(e["Properties"]["Topic"]) for e in function["Events"].values()
            if e["Type"] == "SNS"] == [topic]
    failures = ref_target(function["EventInvokeConfig"]["DestinationConfig"]["OnFailure"][
        "Destination"])
    assert failures in of_type(raw, "AWS::SQS::Queue")
    env = function["Environment"]["Variables"]
    assert ref_target(env["TALENTLOOP_SES_CONFIGURATION_SET"]) == only(
        raw, "AWS::SES::ConfigurationSet")[0]


def test_alarms_may_publish_to_the_alerts_topic(template: Template, raw: dict[str, Any]) -> None:
    topic, _ = by_property(raw, "AWS::SNS::Topic", "TopicName",
                           RESOURCES.alerts_topic.physical_name("prod"))
    template.has_resource_properties("AWS::SNS::TopicPolicy", {
        "Topics": [{"Ref": topic}],
        "PolicyDocument": {"Statement": Match.array_with([Match.object_like({
            "Effect": "Allow", "Action": "sns:Publish",
            "Principal": {"Service": "cloudwatch.amazonaws.com"}})])},
    })


# ----------------------------------------------------------------------------- schedules


def test_the_sweep_is_scheduled_once_as_the_definition_says(raw: dict[str, Any]) -> None:
    schedules = {
        logical: event["Properties"]["Schedule"]
        for logical, body in of_type(raw, "AWS::Serverless::Function").items()
        for event in props(body).get("Events", {}).values() if event["Type"] == "Schedule"
    }
    assert schedules == {"Sweep": RESOURCES.schedules["sweep"],
                         "Retention": RESOURCES.schedules["retention"],
                         "PoolReengage": RESOURCES.schedules["pool_reengage"],
                         "ExportSchedule": RESOURCES.schedules["export_schedule"],
                         "VendorPoll": RESOURCES.schedules["vendor_poll"]}
    assert not of_type(raw, "AWS::Events::Rule"), "a second rule would sweep twice a minute"


# ------------------------------------------------------------------------------ the API


def test_api_is_throttled_and_access_logged(raw: dict[str, Any]) -> None:
    api = props(raw["Resources"]["RestAPI"])
    settings = api["MethodSettings"][0]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0
    assert settings["DataTraceEnabled"] is False  # request bodies carry candidates' PII
    assert ref_target(api["AccessLogSetting"]["DestinationArn"]) in of_type(
        raw, "AWS::Logs::LogGroup")
    assert "$context.requestId" in api["AccessLogSetting"]["Format"]
    assert raw["Resources"]["RestAPI"]["DependsOn"] == [
        only(raw, "AWS::ApiGateway::Account")[0]]


@pytest.mark.parametrize("response_type,status", [("UNAUTHORIZED", "401"),
                                                  ("ACCESS_DENIED", "403")])
def test_gateway_auth_errors_have_the_apps_uniform_body(
        raw: dict[str, Any], response_type: str, status: str) -> None:
    response = props(raw["Resources"]["RestAPI"])["GatewayResponses"][response_type]
    assert response["StatusCode"] == status
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert body["error"]["code"] == "unauthenticated"
    assert body["error"]["message"]


def test_unauthorized_message_is_the_apps_own() -> None:
    from pathlib import Path

    http = Path(__file__).resolve().parents[2] / "chalicelib" / "api" / "http.py"
    assert UNAUTHENTICATED_MESSAGE in http.read_text()


def test_the_custom_authorizer_guards_the_routes(raw: dict[str, Any]) -> None:
    body = props(raw["Resources"]["RestAPI"])["DefinitionBody"]
    assert "api_key" in body["securityDefinitions"]
    secured = [op for path in body["paths"].values() for op in path.values()
               if isinstance(op, dict) and {"api_key": []} in op.get("security", [])]
    assert secured


# ---------------------------------------------------------------------------- functions


def test_every_function_has_its_own_role_and_log_group(raw: dict[str, Any]) -> None:
    roles, groups = set(), set()
    for spec in FUNCTIONS:
        function = props(raw["Resources"][spec.logical_id])
        roles.add(ref_target(function["Role"]))
        groups.add(ref_target(function["LoggingConfig"]["LogGroup"]))
    assert len(roles) == len(groups) == len(FUNCTIONS)
    assert not of_type(raw, "AWS::IAM::ManagedPolicy")


def test_no_allow_statement_uses_a_star_resource_except_sms(raw: dict[str, Any]) -> None:
    for logical, body in of_type(raw, "AWS::IAM::Policy").items():
        for statement in props(body)["PolicyDocument"]["Statement"]:
            if statement["Effect"] != "Allow" or "*" not in as_list(statement["Resource"]):
                continue
            assert statement["Action"] == "sns:Publish", (logical, statement)
            assert statement["Sid"] == "SendSms"


def _actions(raw: dict[str, Any], function: str) -> set[str]:
    role = ref_target(props(raw["Resources"][function])["Role"])
    assert role is not None
    return {action for statement in statements(raw, role) if statement["Effect"] == "Allow"
            for action in as_list(statement["Action"])}


def test_each_role_holds_only_what_its_function_uses(raw: dict[str, Any]) -> None:
    authorizer = _actions(raw, "ApiKey")
    assert "dynamodb:GetItem" in authorizer
    assert not {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} & authorizer
    assert {a for a in authorizer if a.startswith(("sqs:", "ses:", "sns:", "secretsmanager:"))} \
        == set()
    assert "dynamodb:GetRecords" in _actions(raw, "Stream")
    for other in ("APIHandler", "ApiKey", "Sweep", "Sender"):
        assert "dynamodb:GetRecords" not in _actions(raw, other), other
    assert "sqs:ReceiveMessage" in _actions(raw, "Sender")
    for other in ("APIHandler", "ApiKey", "Sweep", "Stream"):
        assert "sqs:ReceiveMessage" not in _actions(raw, other), other
        assert "ses:SendEmail" not in _actions(raw, other), other
    for other in ("APIHandler", "ApiKey", "Sweep"):
        assert "sns:Publish" not in _actions(raw, other), other
    # the stream publishes budget alerts to the alerts topic, and nowhere else (metering)
    stream_role = ref_target(props(raw["Resources"]["Stream"])["Role"])
    assert stream_role is not None
    publish = [s for s in statements(raw, stream_role) if "sns:Publish" in as_list(s["Action"])]
    assert [s["Sid"] for s in publish] == ["PublishBudgetAlerts"]
    alerts = [logical for logical, body in of_type(raw, "AWS::SNS::Topic").items()
              if "alerts" in json.dumps(props(body).get("TopicName", "")).lower()]
    assert as_list(publish[0]["Resource"]) == [{"Ref": alerts[0]}]
    assert "sqs:SendMessage" in _actions(raw, "Sweep") & _actions(raw, "Stream")
    assert "secretsmanager:GetSecretValue" in _actions(raw, "APIHandler")


def test_only_the_report_writers_write_report_objects_below_the_tenant_prefix(
        raw: dict[str, Any]) -> None:
    # the stream (change feed, summaries) and the sweep (summaries whose refresh was
    # throttled): PutObject alone, below tenant=*, and the data key only through S3
    for function in ("Stream", "Sweep"):
        role = ref_target(props(raw["Resources"][function])["Role"])
        assert role is not None
        writes = [s for s in statements(raw, role) if s.get("Sid") == "WriteReportObjects"]
        assert len(writes) == 1 and writes[0]["Action"] == "s3:PutObject", function
        assert "/tenant=*" in json.dumps(writes[0]["Resource"]), function
    for other in ("ApiKey", "Sender", "SesEvents"):
        assert "s3:PutObject" not in _actions(raw, other), other
    # the API writes only statements and import reports, never below tenant=* at large
    api = ref_target(props(raw["Resources"]["APIHandler"])["Role"])
    assert api is not None
    for statement in statements(raw, api):
        if "s3:PutObject" in as_list(statement["Action"]):
            resources = json.dumps(statement["Resource"])
            assert "report=statement" in resources or "uploads/" in resources, resources


def test_environment_carries_references_not_secret_values(raw: dict[str, Any]) -> None:
    secret = only(raw, "AWS::SecretsManager::Secret")[0]
    for spec in FUNCTIONS:
        env = props(raw["Resources"][spec.logical_id])["Environment"]["Variables"]
        assert ref_target(env["TALENTLOOP_TABLE"]) == only(raw, "AWS::DynamoDB::Table")[0]
        assert ref_target(env["TALENTLOOP_OUTBOX_QUEUE"]) is not None
        assert ref_target(env["TALENTLOOP_TOKEN_SIGNING_SECRET"]) == secret
        assert env["TALENTLOOP_STAGE"] == "prod"


# ------------------------------------------------------------------------------- alarms


def test_alarms_watch_what_must_not_go_unnoticed(raw: dict[str, Any]) -> None:
    alarms = list(of_type(raw, "AWS::CloudWatch::Alarm").values())
    watched = {(props(a)["Namespace"], props(a)["MetricName"]) for a in alarms}
    assert {("AWS/SQS", "ApproximateNumberOfMessagesVisible"), ("AWS/Lambda", "Errors"),
            ("AWS/Lambda", "Throttles"), ("AWS/Lambda", "IteratorAge"),
            ("AWS/SES", "Reputation.BounceRate"), ("AWS/SES", "Reputation.ComplaintRate"),
            ("TalentLoop/prod", "SweepBucketsRead"), ("TalentLoop/prod", "SweepItemsParked"),
            ("AWS/SNS", "SMSMonthToDateSpentUSD")} <= watched
    dlq_alarms = {ref_target(d["Value"]) for a in alarms for d in props(a).get("Dimensions", [])
                  if d["Name"] == "QueueName"}
    dlqs = {by_property(raw, "AWS::SQS::Queue", "QueueName", q.dlq_name("prod"))[0]
            for q in (RESOURCES.outbox_queue, RESOURCES.stream_failure_queue)}
    dlqs |= {by_property(raw, "AWS::SQS::Queue", "QueueName",
                         f"{RESOURCES.ses_events_topic.physical_name('prod')}-failures")[0],
             by_property(raw, "AWS::SQS::Queue", "QueueName",
                         RESOURCES.stream_failure_queue.physical_name("prod"))[0]}
    assert dlqs <= dlq_alarms
    errors = {ref_target(d["Value"]) for a in alarms if props(a)["MetricName"] == "Errors"
              for d in props(a)["Dimensions"]}
    assert errors == {spec.logical_id for spec in FUNCTIONS}
    topic, _ = by_property(raw, "AWS::SNS::Topic", "TopicName",
                           RESOURCES.alerts_topic.physical_name("prod"))
    for alarm in alarms:
        assert [ref_target(a) for a in props(alarm)["AlarmActions"]] == [topic]


def test_there_is_a_dashboard(template: Template) -> None:
    template.resource_count_is("AWS::CloudWatch::Dashboard", 1)


# ------------------------------------------------------------------------------- stages


def test_prod_retains_data_and_dev_can_be_torn_down(prod: Synth, dev: Synth) -> None:
    stateful = ("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::S3::Bucket",
                "AWS::SecretsManager::Secret", "AWS::Logs::LogGroup")
    for synth, policy in ((prod, "Retain"), (dev, "Delete")):
        template = synth.template()
        for resource_type in stateful:
            for logical, body in of_type(template, resource_type).items():
                assert body.get("DeletionPolicy") == policy, (synth.stage, logical)
    _, dev_table = only(dev.template(), "AWS::DynamoDB::Table")
    assert props(dev_table)["DeletionProtectionEnabled"] is False
    assert props(dev_table)["TableName"] == TABLE.physical_name("dev")


def test_chalice_packaged_the_stage_it_was_asked_for(prod: Synth, dev: Synth) -> None:
    for synth in (prod, dev):
        tags = props(synth.template()["Resources"]["APIHandler"])["Tags"]
        assert f"stage={synth.stage}:" in tags["aws-chalice"]
