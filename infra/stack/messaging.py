"""Queues, topics and SES sending: everything between "decided to send" and "delivered".

Queue names, visibility timeouts and redrive counts come from the shared definition (the
local cloud provisions the very same). Every queue and topic is KMS-encrypted and refuses
plain-HTTP callers.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack, aws_iam, aws_kms, aws_ses, aws_sns, aws_sqs
from constructs import Construct

from infra.definition import DLQ_RETENTION_S, RESOURCES, QueueDef
from infra.stack.settings import StageSettings


class Messaging(Construct):
    """`outbox` (+ `outbox_dlq`), `stream_failures` (+ its DLQ), `alerts`, `ses_events`
    (+ `ses_events_failures`), the SES configuration set and sending identity."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 key: aws_kms.IKey) -> None:
        super().__init__(scope, construct_id)
        stage = settings.stage
        self.outbox, self.outbox_dlq = _queue_with_dlq(self, "Outbox", RESOURCES.outbox_queue,
                                                       stage, key)
        # The stream mapping's on-failure destination: it receives a description of the
        # records given up on (shard, sequence numbers), to be replayed from the stream.
        self.stream_failures, self.stream_failures_dlq = _queue_with_dlq(
            self, "StreamFailures", RESOURCES.stream_failure_queue, stage, key)
        # New export items -> the exporter (docs/exports.md).
        self.exports, self.exports_dlq = _queue_with_dlq(self, "Exports",
                                                         RESOURCES.exports_queue, stage, key)
        # New import jobs -> the importer (docs/import-and-privacy.md).
        self.imports, self.imports_dlq = _queue_with_dlq(self, "Imports",
                                                         RESOURCES.imports_queue, stage, key)
        # Outbound webhook deliveries -> the hook sender (its retries are delayed messages).
        self.hooks, self.hooks_dlq = _queue_with_dlq(self, "Hooks", RESOURCES.hooks_queue,
                                                     stage, key)

        self.alerts = aws_sns.Topic(
            self, "Alerts",
            topic_name=RESOURCES.alerts_topic.physical_name(stage),
            master_key=key, enforce_ssl=True,
        )
        # Setting any topic policy (enforce_ssl does) replaces SNS's default one, so the
        # alarms' publisher is named explicitly, for this account only.
        self.alerts.add_to_resource_policy(aws_iam.PolicyStatement(
            sid="AllowCloudWatchAlarms",
            principals=[aws_iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[self.alerts.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
        ))
        if settings.alarm_email:
            aws_sns.Subscription(self, "AlertsEmail", topic=self.alerts,
                                 protocol=aws_sns.SubscriptionProtocol.EMAIL,
                                 endpoint=settings.alarm_email)
        self.ses_events = aws_sns.Topic(
            self, "SesEvents",
            topic_name=RESOURCES.ses_events_topic.physical_name(stage),
            master_key=key, enforce_ssl=True,
        )
        # SNS invokes the ses_events function asynchronously; an event it still fails on
        # after Lambda's retries lands here instead of vanishing. Production-only: the local
        # runner calls the handler directly.
        self.ses_events_failures = aws_sqs.Queue(
            self, "SesEventsFailures",
            queue_name=f"{RESOURCES.ses_events_topic.physical_name(stage)}-failures",
            retention_period=Duration.seconds(DLQ_RETENTION_S),
            encryption=aws_sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            data_key_reuse=Duration.minutes(15),
            enforce_ssl=True,
        )

        self.configuration_set = aws_ses.ConfigurationSet(
            self, "ConfigurationSet",
            configuration_set_name=RESOURCES.configuration_set(stage),
            reputation_metrics=True,  # feeds the bounce/complaint rate alarms
            sending_enabled=True,
            suppression_reasons=aws_ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            tls_policy=aws_ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        self.configuration_set.add_event_destination(
            "ToSesEventsTopic",
            destination=aws_ses.EventDestination.sns_topic(self.ses_events),
            events=[aws_ses.EmailSendingEvent.BOUNCE, aws_ses.EmailSendingEvent.COMPLAINT,
                    aws_ses.EmailSendingEvent.DELIVERY, aws_ses.EmailSendingEvent.REJECT,
                    aws_ses.EmailSendingEvent.CLICK],  # clicks: the pool's `clicked`
        )
        self.ses_events.add_to_resource_policy(aws_iam.PolicyStatement(
            sid="AllowSesEventPublishing",
            principals=[aws_iam.ServicePrincipal("ses.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[self.ses_events.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
        ))
        # The sending domain, with DKIM; the configuration set is its default, so every
        # email reports bounces and complaints without the code naming the set.
        self.identity = aws_ses.EmailIdentity(
            self, "SenderDomain",
            identity=aws_ses.Identity.domain(settings.sender_domain),
            configuration_set=self.configuration_set,
        )


def _queue_with_dlq(scope: Construct, name: str, spec: QueueDef, stage: str,
                    key: aws_kms.IKey) -> tuple[aws_sqs.Queue, aws_sqs.Queue]:
    """A queue and its dead-letter queue, exactly as `infra/local/provision.py` makes them."""
    dlq = aws_sqs.Queue(
        scope, f"{name}Dlq",
        queue_name=spec.dlq_name(stage),
        visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
        retention_period=Duration.seconds(DLQ_RETENTION_S),
        encryption=aws_sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        data_key_reuse=Duration.minutes(15),  # fewer KMS calls; the key policy still rules
        enforce_ssl=True,
    )
    queue = aws_sqs.Queue(
        scope, name,
        queue_name=spec.physical_name(stage),
        visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
        retention_period=Duration.seconds(spec.retention_s),
        encryption=aws_sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        data_key_reuse=Duration.minutes(15),
        enforce_ssl=True,
        dead_letter_queue=aws_sqs.DeadLetterQueue(queue=dlq,
                                                  max_receive_count=spec.max_receive_count),
    )
    return queue, dlq
