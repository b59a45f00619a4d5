"""One role and one log group per Lambda function, holding exactly what its code uses.

Table access is granted on the table and its named indexes (no `index/*`), queue access per
queue and action, the data key only through the services that store data with it
(`kms:ViaService`), SES sending on our identity and configuration set only. The one `*`
(SMS has no ARN) is fenced by a deny on every topic; see nag.py for the acknowledged
findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws, aws_iam, aws_logs
from constructs import Construct, IConstruct

from infra.definition import RESOURCES, TABLE
from infra.stack.data import Data
from infra.stack.messaging import Messaging
from infra.stack.secrets import Secrets
from infra.stack.settings import StageSettings
from infra.stack.storage import Storage

#: API Gateway gives up on an integration after 29 s; the handler should not outlive it.
API_TIMEOUT_S = 29
LAMBDA_SERVICE = "lambda.amazonaws.com"

TABLE_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
              "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable")
TABLE_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
               "dynamodb:BatchWriteItem")
STREAM_READ = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
QUEUE_SEND = ("sqs:SendMessage", "sqs:GetQueueAttributes")
QUEUE_CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                 "sqs:GetQueueAttributes")
KEY_USE = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")
#: Functions that publish budget alerts to the (KMS-encrypted) alerts topic (metering).
ALERT_PUBLISHERS = ("stream",)
#: Functions that write report objects: the stream (change feed, campaign summaries) and
#: the sweep (a campaign summary whose refresh the stream found throttled waits in the due
#: index; the sweep writes it a minute later).
REPORT_WRITERS = ("stream", "sweep")


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function of the Chalice app and what it may touch."""

    name: str  # Chalice's name (`@bp.lambda_function(name=...)`, `api_handler`, authorizer)
    logical_id: str  # its resource in the SAM template `chalice package` writes
    purpose: str
    timeout_s: int
    writes_table: bool = True
    sends_to_outbox: bool = False
    memory_mb: int = 512


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("api_handler", "APIHandler", "HTTP API and vendor webhooks", API_TIMEOUT_S),
    FunctionSpec("api_key", "ApiKey", "API Gateway authorizer: API key -> tenant and role",
                 timeout_s=10, writes_table=False),
    FunctionSpec("sweep", "Sweep", "deadline sweep (EventBridge, every minute)", timeout_s=60,
                 sends_to_outbox=True),
    FunctionSpec("stream", "Stream", "table stream -> counts, tags, outbox", timeout_s=60,
                 sends_to_outbox=True),
    # 6 x the timeout fits in the outbox's visibility timeout, as AWS advises for SQS.
    FunctionSpec("sender", "Sender", "outbox queue -> SES email / SNS SMS",
                 timeout_s=RESOURCES.outbox_queue.visibility_timeout_s // 6),
    FunctionSpec("ses_events", "SesEvents", "SES bounces/complaints/deliveries (SNS)",
                 timeout_s=30, sends_to_outbox=False),
    FunctionSpec("retention", "Retention", "daily: anonymise candidates past retention",
                 timeout_s=300),
    FunctionSpec("pool_reengage", "PoolReengage",
                 "talent-pool re-engagement rules (EventBridge, hourly)", timeout_s=300),
    # Exports (docs/exports.md): 6 x the timeout is the exports queue's visibility timeout.
    FunctionSpec("exporter", "Exporter", "exports queue -> rows -> S3 multipart (CSV/JSONL)",
                 timeout_s=RESOURCES.exports_queue.visibility_timeout_s // 6, memory_mb=1024),
    # Imports of uploaded files (docs/import-and-privacy.md): like the exporter.
    FunctionSpec("importer", "Importer", "imports queue -> uploaded CSV -> talent pool",
                 timeout_s=RESOURCES.imports_queue.visibility_timeout_s // 6, memory_mb=1024),
    FunctionSpec("export_schedule", "ExportSchedule",
                 "daily/weekly scheduled exports (EventBridge, 00:30 UTC)", timeout_s=60),
    # Outbound webhooks: 6 x the timeout is the hooks queue's visibility timeout.
    FunctionSpec("hook_sender", "HookSender", "hooks queue -> signed POSTs to HR systems",
                 timeout_s=RESOURCES.hooks_queue.visibility_timeout_s // 6),
    # the table only: the vendors' APIs are reached over HTTPS, not through AWS
    FunctionSpec("vendor_poll", "VendorPoll",
                 "vendor status reconciliation (EventBridge, every 5 minutes)", timeout_s=120),
)
#: Functions that queue webhook deliveries: the stream (events), the API (replay, ping),
#: the hook sender (its own retries).
HOOK_QUEUERS = ("stream", "api_handler", "hook_sender")


class FunctionRoles:
    """Builds `roles` and `log_groups` (keyed by Chalice function name) in `scope`."""

    def __init__(self, scope: Construct, *, settings: StageSettings, data: Data,
                 messaging: Messaging, secrets: Secrets,
                 reports_bucket_arn: str | None = None, storage: Storage | None = None) -> None:
        self.reports_bucket_arn = reports_bucket_arn
        self._settings = settings
        self._data = data
        self._messaging = messaging
        self.roles: dict[str, aws_iam.Role] = {}
        self.log_groups: dict[str, aws_logs.LogGroup] = {}
        for spec in FUNCTIONS:
            self.roles[spec.name] = aws_iam.Role(
                scope, f"{spec.logical_id}Role",
                assumed_by=aws_iam.ServicePrincipal(LAMBDA_SERVICE),
                description=f"TalentLoop {settings.stage} {spec.name}: {spec.purpose}",
            )
            self.log_groups[spec.name] = aws_logs.LogGroup(
                scope, f"{spec.logical_id}Logs",
                log_group_name=f"/talentloop/{settings.stage}/{spec.name}",
                retention=settings.log_retention,
                removal_policy=settings.removal_policy,
            )
            self._grant_common(spec)
        self._grant_secrets(secrets)
        self._grant_stream(self.roles["stream"])
        self._grant_sending(self.roles["sender"])
        if storage is not None:
            self._grant_report_writes(storage)
        self.roles["ses_events"].add_to_policy(aws_iam.PolicyStatement(
            sid="ReportFailedEvents", actions=list(QUEUE_SEND),
            resources=[messaging.ses_events_failures.queue_arn]))
        self._grant_billing(data)
        if storage is not None:
            self._grant_exports(storage)
            self._grant_imports(storage)
        self._grant_hooks()
        self._grant_report_mail()

    def policy(self, name: str) -> IConstruct:
        """The function's inline policy: whatever must wait for its permissions waits on it."""
        return self.roles[name].node.find_child("DefaultPolicy")

    def _grant_common(self, spec: FunctionSpec) -> None:
        role = self.roles[spec.name]
        table = self._data.table
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[self.log_groups[spec.name].log_group_arn],
        ))
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="ReadWriteTable" if spec.writes_table else "ReadTable",
            actions=[*TABLE_READ, *(TABLE_WRITE if spec.writes_table else ())],
            resources=[table.table_arn,
                       *(f"{table.table_arn}/index/{index.name}" for index in TABLE.indexes)],
        ))
        services = ["dynamodb"]
        if spec.sends_to_outbox:
            role.add_to_policy(aws_iam.PolicyStatement(
                sid="SendToOutbox", actions=list(QUEUE_SEND),
                resources=[self._messaging.outbox.queue_arn]))
            services.append("sqs")
        if spec.name in ("sender", "ses_events", *HOOK_QUEUERS):
            services.append("sqs")
        if spec.name in REPORT_WRITERS:
            services.append("s3")
        if spec.name in ALERT_PUBLISHERS:  # SNS asks for a data key with the publisher's
            services.append("sns")         # permissions when the topic is encrypted
        if spec.name in _secret_readers():
            services.append("secretsmanager")
        if spec.name == "api_handler":  # candidate imports read/write the reports bucket
            services.append("s3")
        services += EXPORT_KEY_SERVICES.get(spec.name, [])
        role.add_to_policy(_key_statement(self._data.key.key_arn, services))

    def _grant_secrets(self, secrets: Secrets) -> None:
        for logical_name, secret in secrets.by_name.items():
            for reader in secrets.definitions[logical_name].readers:
                self.roles[reader].add_to_policy(aws_iam.PolicyStatement(
                    sid=f"Read{_pascal(logical_name)}",
                    actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    resources=[secret.secret_arn]))

    def _grant_exports(self, storage: Storage) -> None:
        """Exports: the stream queues them, the exporter writes objects under `exports/`,
        the API signs download links (a presigned GET acts with the API's role)."""
        exports = self._messaging.exports.queue_arn
        objects = storage.reports.arn_for_objects(f"{RESOURCES.reports_bucket.exports_prefix}*")
        self.roles["stream"].add_to_policy(aws_iam.PolicyStatement(
            sid="SendToExports", actions=list(QUEUE_SEND), resources=[exports]))
        exporter = self.roles["exporter"]
        exporter.add_to_policy(aws_iam.PolicyStatement(
            sid="ConsumeExports", actions=list(QUEUE_CONSUME), resources=[exports]))
        exporter.add_to_policy(aws_iam.PolicyStatement(
            sid="WriteExportObjects",
            actions=["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            resources=[objects]))
        self.roles["api_handler"].add_to_policy(aws_iam.PolicyStatement(
            sid="SignExportLinks", actions=["s3:GetObject"], resources=[objects]))

    def _grant_imports(self, storage: Storage) -> None:
        """Imports of uploaded files: the stream queues new jobs, the importer reads the
        tenant's upload and writes its report next to it (the code keeps each tenant to
        uploads/<tenant>/)."""
        imports = self._messaging.imports.queue_arn
        self.roles["stream"].add_to_policy(aws_iam.PolicyStatement(
            sid="SendToImports", actions=list(QUEUE_SEND), resources=[imports]))
        importer = self.roles["importer"]
        importer.add_to_policy(aws_iam.PolicyStatement(
            sid="ConsumeImports", actions=list(QUEUE_CONSUME), resources=[imports]))
        importer.add_to_policy(aws_iam.PolicyStatement(
            sid="ImportUploads", actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            resources=[storage.reports.arn_for_objects("uploads/*")]))

    def _grant_hooks(self) -> None:
        """Outbound webhooks: the stream, the API and the hook sender queue deliveries; the
        hook sender consumes them and emails a disabled endpoint's alert address through
        our SES identity. Its POSTs leave through the Lambda service's internet egress
        (no VPC): nothing in our account is reachable from it, and the SSRF guard
        (shared/domain/targets.py) refuses private, loopback and link-local targets."""
        hooks = self._messaging.hooks.queue_arn
        for name in HOOK_QUEUERS:
            self.roles[name].add_to_policy(aws_iam.PolicyStatement(
                sid="SendToHooks", actions=list(QUEUE_SEND), resources=[hooks]))
        role = self.roles["hook_sender"]
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="ConsumeHooks", actions=list(QUEUE_CONSUME), resources=[hooks]))
        ses_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}"
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="EmailDisabledEndpoints", actions=["ses:SendEmail"],
            resources=[f"{ses_arn}:identity/{self._settings.sender_domain}",
                       f"{ses_arn}:configuration-set/"
                       f"{self._messaging.configuration_set.configuration_set_name}"]))

    def _grant_report_mail(self) -> None:
        """The exporter mails the link of a done periodic report (completion-rates) to the
        campaign owners through our SES identity; nothing else (docs/exports.md)."""
        ses_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}"
        self.roles["exporter"].add_to_policy(aws_iam.PolicyStatement(
            sid="EmailReportOwners", actions=["ses:SendEmail"],
            resources=[f"{ses_arn}:identity/{self._settings.sender_domain}",
                       f"{ses_arn}:configuration-set/"
                       f"{self._messaging.configuration_set.configuration_set_name}"]))

    def _grant_stream(self, role: aws_iam.Role) -> None:
        table = self._data.table
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="ReadTableStream", actions=list(STREAM_READ),
            resources=[table.table_stream_arn or ""]))
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="ListTableStreams", actions=["dynamodb:ListStreams"],
            resources=[f"{table.table_arn}/stream/*"]))
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="ReportGivenUpRecords", actions=list(QUEUE_SEND),
            resources=[self._messaging.stream_failures.queue_arn]))

    def _grant_report_writes(self, storage: Storage) -> None:
        """PutObject under the tenant-partitioned prefixes only; no reads, lists or deletes
        (the stream rewrites a whole object on replay; the sweep writes due summaries)."""
        for name in REPORT_WRITERS:
            self.roles[name].add_to_policy(aws_iam.PolicyStatement(
                sid="WriteReportObjects", actions=["s3:PutObject"],
                resources=[storage.reports.arn_for_objects("tenant=*")]))

    def _grant_sending(self, role: aws_iam.Role) -> None:
        messaging = self._messaging
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="ConsumeOutbox", actions=list(QUEUE_CONSUME),
            resources=[messaging.outbox.queue_arn]))
        ses_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}"
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="SendEmailFromOurDomain",
            actions=["ses:SendEmail", "ses:SendRawEmail"],
            resources=[
                f"{ses_arn}:identity/{self._settings.sender_domain}",
                f"{ses_arn}:configuration-set/"
                f"{messaging.configuration_set.configuration_set_name}",
            ]))
        # An SMS goes to a phone number, which has no ARN: sns:Publish needs "*". The deny
        # below takes every topic out of that "*", so this role can text, not publish.
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="SendSms", actions=["sns:Publish"], resources=["*"]))
        role.add_to_policy(aws_iam.PolicyStatement(
            sid="NoTopicPublishing", effect=aws_iam.Effect.DENY, actions=["sns:Publish"],
            resources=[f"arn:{Aws.PARTITION}:sns:*:*:*"]))


    def _grant_billing(self, data: Data) -> None:
        """Metering (docs/metering.md): the stream publishes budget alerts to the alerts
        topic; the API writes statements to the reports bucket (and presigns their links)
        and queues SMS again when a budget cap is lifted."""
        for name in ALERT_PUBLISHERS:
            self.roles[name].add_to_policy(aws_iam.PolicyStatement(
                sid="PublishBudgetAlerts", actions=["sns:Publish"],
                resources=[self._messaging.alerts.topic_arn]))
        api = self.roles["api_handler"]
        bucket = self.reports_bucket_arn
        if bucket:
            api.add_to_policy(aws_iam.PolicyStatement(
                sid="WriteStatements", actions=["s3:PutObject", "s3:GetObject"],
                resources=[f"{bucket}/tenant=*/report=statement/*"]))
        api.add_to_policy(aws_iam.PolicyStatement(
            sid="RequeuePausedSms", actions=list(QUEUE_SEND),
            resources=[self._messaging.outbox.queue_arn]))
        api.add_to_policy(aws_iam.PolicyStatement(
            sid="UseDataKeyForStatements", actions=list(KEY_USE), resources=[data.key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": [
                f"{service}.{Aws.REGION}.amazonaws.com" for service in ("s3", "sqs")]}}))
#: Who uses the data key through S3 (export objects) or SQS (the exports queue).
EXPORT_KEY_SERVICES = {"exporter": ["sqs", "s3"], "api_handler": ["s3"],
                       "importer": ["sqs", "s3"]}  # and the imports queue, uploads


def _secret_readers() -> set[str]:
    return {reader for secret in RESOURCES.secrets for reader in secret.readers}


def _key_statement(key_arn: str, services: list[str]) -> aws_iam.PolicyStatement:
    """Use of the data key, only through the services that store our data with it."""
    return aws_iam.PolicyStatement(
        sid="UseDataKeyThroughServices",
        actions=list(KEY_USE),
        resources=[key_arn],
        conditions={"StringEquals": {"kms:ViaService": [
            f"{service}.{Aws.REGION}.amazonaws.com" for service in dict.fromkeys(services)]}},
    )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
