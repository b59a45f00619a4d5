"""Every cdk-nag (AwsSolutions) finding this stack acknowledges, each with its reason.

cdk-nag 3 acknowledges findings with CDK's own `Validations.of(construct).acknowledge(...)`
(the successor of v2's `NagSuppressions`); any finding not acknowledged here fails the
synth. One finding id per acknowledgment, on the narrowest construct, with a reason that
says why the rule does not apply: this file is the audit trail.

Note that cdk-nag inspects CloudFormation resource types it knows; the function and API
resources Chalice packages are SAM types (`AWS::Serverless::*`), which it skips. Their
settings (roles, logging, throttling) are held by the assertion tests in tests/infra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

if TYPE_CHECKING:
    from infra.stack.talentloop import TalentLoopStack

PACK = "AwsSolutions"
MIN_REASON = 40


def acknowledge(construct: IConstruct, finding: str, reason: str) -> None:
    """Acknowledge one finding (`AwsSolutions-IAM5[Resource::*]`) on one construct."""
    if len(reason) < MIN_REASON:
        raise ValueError(f"acknowledging {finding} needs a written reason, got {reason!r}")
    # (cdk-nag's README shows `acknowledge(id=..., reason=...)`; in Python the call takes
    # `Acknowledgment` objects, and the id carries the plugin's name as a prefix.)
    Validations.of(construct).acknowledge(Acknowledgment(id=f"{PACK}::{finding}", reason=reason))


def _resource(construct: IConstruct) -> IConstruct:
    """The CloudFormation resource of an L2 construct: findings are reported on it."""
    child = construct.node.default_child
    if child is None:
        raise ValueError(f"{construct.node.path} has no CloudFormation resource")
    return child


def acknowledge_findings(stack: TalentLoopStack) -> None:
    """Called once the stack is complete; the findings below are all there are."""
    roles = stack.functions.roles
    acknowledge(
        _resource(roles["sender"].node.find_child("DefaultPolicy")),
        "AwsSolutions-IAM5[Resource::*]",
        "sns:Publish to a phone number (SMS) has no resource ARN, so IAM requires '*'. The "
        "same policy denies sns:Publish on every topic ARN, so '*' covers phone numbers only.")
    acknowledge(
        _resource(roles["stream"].node.find_child("DefaultPolicy")),
        "AwsSolutions-IAM5[Resource::<DataTableFDBAD0F2.Arn>/stream/*]",
        "dynamodb:ListStreams, which Lambda's stream poller calls, is granted on this one "
        "table's streams; the stream label after /stream/ changes whenever the stream is "
        "re-enabled. Reading records is granted on the exact stream ARN.")
    acknowledge(
        _resource(roles["api_handler"].node.find_child("DefaultPolicy")),
        "AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/tenant=*/report=statement/*]",
        "Monthly statements (docs/metering.md) are written per tenant and month under "
        "tenant=<id>/report=statement/month=<YYYY-MM>/: the API may write and presign only "
        "objects of that report; the tenant in the key is the caller's, checked in code.")
    acknowledge(
        _resource(roles["stream"].node.find_child("DefaultPolicy")),
        "AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/tenant=*]",
        "The stream writes the change feed and campaign summaries under tenant-partitioned "
        "keys (tenant=<id>/feed=.../date=.../<seq>-<seq>.jsonl) that are only known per "
        "batch; s3:PutObject alone, on this one bucket, below the tenant= prefix.")
    acknowledge(
        _resource(roles["sweep"].node.find_child("DefaultPolicy")),
        "AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/tenant=*]",
        "The sweep writes the campaign summaries whose refresh was throttled (due index) to "
        "tenant=<id>/report=campaign-summary/campaign=<id>/summary.json, keys known only at "
        "run time; s3:PutObject alone, on this one bucket, below the tenant= prefix.")
    acknowledge(
        _resource(stack.api.cloudwatch_role),
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AmazonAPIGatewayPushToCloudWatchLogs]",
        "AWS's documented policy for API Gateway's account-level logging role; the role can "
        "only be assumed by apigateway.amazonaws.com and an inline copy would need the same "
        "log-group wildcards API Gateway's generated log group names require.")
    for function in ("api_handler", "importer"):
        acknowledge(
            _resource(roles[function].node.find_child("DefaultPolicy")),
            "AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/uploads/*]",
            "Candidate imports read a tenant's uploaded CSV and write its report next to it; "
            "the objects are named by tenants at run time (uploads/<tenant>/...), so the "
            "grant is on the uploads/ prefix (Get/PutObject only) and the code refuses keys "
            "outside the calling tenant's own prefix (docs/import-and-privacy.md).")
    acknowledge(
        _resource(stack.messaging.ses_events_failures),
        "AwsSolutions-SQS3",
        "This queue is itself a dead-letter destination: the ses_events function's failed "
        "asynchronous invocations land here (EventInvokeConfig OnFailure). Nothing consumes "
        "it automatically, so nothing can fail out of it; an alarm fires on any message.")
    for function in ("exporter", "api_handler"):  # exports (docs/exports.md)
        acknowledge(
            _resource(roles[function].node.find_child("DefaultPolicy")),
            "AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/exports/*]",
            "Export objects get new keys per tenant, report, date and export id, so the "
            "exporter (writes) and the API (signs expiring download links) hold object "
            "actions on the exports/ prefix of this one bucket, nothing else in it.")
    for name, secret in stack.secrets.by_name.items():
        acknowledge(
            _resource(secret),
            "AwsSolutions-SMG4",
            f"{name} is rotated by the documented dual-key procedure (DEPLOY.md, 'Rotating "
            "secrets'): links signed with the old key stay valid until they expire, which a "
            "single-version Secrets Manager rotation Lambda would break.")
