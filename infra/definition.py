"""The one definition of TalentLoop's AWS resources.

The local cloud (`infra/local/provision.py`) and the production CDK stack both read this
module, so the table keys, indexes, stream view, queues, bucket and topic cannot drift
between the laptop and AWS. Plain data only: no boto3, no CDK imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str
    range_key: str
    projection: str = "ALL"


@dataclass(frozen=True)
class TableDef:
    logical_name: str
    hash_key: str
    range_key: str
    indexes: tuple[Index, ...]
    stream_view: str
    ttl_attribute: str

    def physical_name(self, stage: str) -> str:
        return f"talentloop-{stage}-{self.logical_name}"

    def attribute_names(self) -> list[str]:
        names = [self.hash_key, self.range_key]
        for index in self.indexes:
            names += [index.hash_key, index.range_key]
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class QueueDef:
    logical_name: str
    visibility_timeout_s: int
    max_receive_count: int
    retention_s: int = 4 * 24 * 3600

    def physical_name(self, stage: str) -> str:
        return f"talentloop-{stage}-{self.logical_name}"

    def dlq_name(self, stage: str) -> str:
        return f"{self.physical_name(stage)}-dlq"


@dataclass(frozen=True)
class BucketDef:
    logical_name: str

    def physical_name(self, stage: str) -> str:
        return f"talentloop-{stage}-{self.logical_name}"


@dataclass(frozen=True)
class TopicDef:
    logical_name: str

    def physical_name(self, stage: str) -> str:
        return f"talentloop-{stage}-{self.logical_name}"


@dataclass(frozen=True)
class Resources:
    table: TableDef
    outbox_queue: QueueDef
    stream_failure_queue: QueueDef
    reports_bucket: BucketDef
    alerts_topic: TopicDef
    sender_email: str
    schedules: dict[str, str] = field(default_factory=dict)


#: Number of shards of the sparse due index: spreads one deadline shared by 100k
#: invitations over several partitions (see chalicelib/domain/due.py).
DUE_SHARDS = 8

TABLE = TableDef(
    logical_name="main",
    hash_key="pk",
    range_key="sk",
    indexes=(
        # Generic inverted lookups: campaign invitations by status, talent pool by tag.
        Index(name="gsi1", hash_key="gsi1pk", range_key="gsi1sk"),
        # Sparse: only items with a pending timed action carry due_pk/due_sk.
        Index(name="due", hash_key="due_pk", range_key="due_sk"),
    ),
    stream_view="NEW_AND_OLD_IMAGES",
    ttl_attribute="expiration",
)

RESOURCES = Resources(
    table=TABLE,
    outbox_queue=QueueDef("outbox", visibility_timeout_s=60, max_receive_count=5),
    stream_failure_queue=QueueDef("stream-failures", visibility_timeout_s=60, max_receive_count=3),
    reports_bucket=BucketDef("reports"),
    alerts_topic=TopicDef("alerts"),
    sender_email="no-reply@talentloop.example.com",
    # name of the scheduled handler -> EventBridge schedule expression
    schedules={"sweep": "rate(1 minute)"},
)


def environment(stage: str, outbox_queue: str | None = None) -> dict[str, str]:
    """Environment variables the functions need, derived from the definition.

    Production passes real references (queue URL) from CDK; locally the queue is found
    by name.
    """
    return {
        "TALENTLOOP_STAGE": stage,
        "TALENTLOOP_TABLE": TABLE.physical_name(stage),
        "TALENTLOOP_OUTBOX_QUEUE": outbox_queue or RESOURCES.outbox_queue.physical_name(stage),
        "TALENTLOOP_REPORTS_BUCKET": RESOURCES.reports_bucket.physical_name(stage),
        "TALENTLOOP_SENDER_EMAIL": RESOURCES.sender_email,
        "TALENTLOOP_DUE_SHARDS": str(DUE_SHARDS),
    }
