"""The table (from the shared definition) and the customer-managed key that encrypts it.

One key encrypts everything TalentLoop stores about candidates: the table (and so its
stream and the idempotency records, which live in the same table), the queues carrying
outbox references, the topics, the reports bucket and the secrets. A customer-managed key
means the data can be made unreadable by disabling one key, and every use of it is in
CloudTrail.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack, aws_dynamodb, aws_iam, aws_kms
from constructs import Construct

from infra.definition import RETIRED_INDEXES, TABLE
from infra.stack.settings import StageSettings

#: Services that publish to the encrypted SNS topics on our behalf and so need the key.
_PUBLISHING_SERVICES = ("cloudwatch.amazonaws.com", "ses.amazonaws.com")


class Data(Construct):
    """`key` and `table`; the table's keys, indexes, stream and TTL come from the definition."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, construct_id)
        stage = settings.stage
        self.key = aws_kms.Key(
            self, "Key",
            alias=f"alias/talentloop-{stage}",
            description=f"TalentLoop {stage}: table, queues, topics, bucket and secrets",
            enable_key_rotation=True,
            pending_window=Duration.days(30 if settings.retain_data else 7),
            removal_policy=settings.removal_policy,
        )
        # Alarms (CloudWatch) and SES events publish to KMS-encrypted topics: SNS asks KMS
        # for a data key on their behalf, so the key policy must let them, for this account.
        self.key.add_to_resource_policy(aws_iam.PolicyStatement(
            sid="AllowServicesToPublishToEncryptedTopics",
            principals=[aws_iam.ServicePrincipal(s) for s in _PUBLISHING_SERVICES],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],  # in a key policy, "*" means this key
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
        ))

        self.table = aws_dynamodb.Table(
            self, "Table",
            table_name=TABLE.physical_name(stage),
            partition_key=_string(TABLE.hash_key),
            sort_key=_string(TABLE.range_key),
            billing_mode=aws_dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=aws_dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            stream=aws_dynamodb.StreamViewType[TABLE.stream_view],
            point_in_time_recovery_specification=aws_dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            # prod refuses DeleteTable even by hand; dev must be removable with the stack.
            deletion_protection=settings.retain_data,
            time_to_live_attribute=TABLE.ttl_attribute,
            removal_policy=settings.removal_policy,
        )
        retired = RETIRED_INDEXES if settings.keep_retired_indexes else ()
        for index in (*TABLE.indexes, *retired):
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string(index.hash_key),
                sort_key=_string(index.range_key),
                projection_type=aws_dynamodb.ProjectionType[index.projection],
            )


def _string(name: str) -> aws_dynamodb.Attribute:
    # Every key attribute of the single-table design is a string (as provisioned locally).
    return aws_dynamodb.Attribute(name=name, type=aws_dynamodb.AttributeType.STRING)
