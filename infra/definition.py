"""The one definition of TalentLoop's AWS resources.

The local cloud (`infra/local/provision.py`) and the production CDK stack both read this
module, so the table keys, indexes, stream view, queues, bucket and topic cannot drift
between the laptop and AWS. Plain data only: no boto3, no CDK imports here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Lambda refuses a ScalingConfig.MaximumConcurrency below 2 on SQS mappings.
SQS_MIN_MAX_CONCURRENCY = 2
#: SQS's maximum retention: a dead-letter queue keeps poison messages as long as SQS allows.
DLQ_RETENTION_S = 14 * 24 * 3600


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
    #: Prefix of generated exports (reports/CSV): they are re-creatable, so they expire.
    exports_prefix: str = "exports/"
    exports_expire_days: int = 90
    #: How long an overwritten or deleted object version is kept (versioning is on).
    noncurrent_expire_days: int = 30
    #: Uploaded files to import hold full personal data: the import job deletes its upload
    #: when it is over; whatever is left (never posted, job still retried) expires after a
    #: week, and deleted or overwritten versions a day later (not after 30 days). The
    #: per-row import reports under the same prefix expire with them.
    uploads_prefix: str = "uploads/"
    uploads_expire_days: int = 7
    uploads_noncurrent_expire_days: int = 1

    def physical_name(self, stage: str) -> str:
        return f"talentloop-{stage}-{self.logical_name}"


@dataclass(frozen=True)
class TopicDef:
    logical_name: str

    def physical_name(self, stage: str) -> str:
        return f"talentloop-{stage}-{self.logical_name}"


@dataclass(frozen=True)
class StreamMappingDef:
    """How the table's stream feeds a function (a Lambda event source mapping).

    Failed records are reported one by one (``ReportBatchItemFailures``), a failing batch is
    split in two to corner the poison record (bisect), retries and record age are bounded so
    one bad record cannot block its shard for the stream's 24 h, and what is given up on is
    described on the stream-failures queue.
    """

    function: str
    batch_size: int = 100
    max_batching_window_s: int = 1
    retry_attempts: int = 5
    max_record_age_s: int = 6 * 3600
    bisect_batch_on_error: bool = True
    #: 1 keeps records of one partition key in order (the state machine only moves forward
    #: anyway, but counts are cheaper to reason about in order).
    parallelization_factor: int = 1


@dataclass(frozen=True)
class QueueMappingDef:
    """How a queue feeds a function, with a concurrency cap derived from a send rate.

    One invocation sends its batch one message after another, so it delivers about
    ``1 / send_latency_s`` messages a second; ``max_concurrency`` is the number of
    invocations that together stay at the provider's ``send_rate_per_s`` (SES's sending
    quota, SNS's SMS rate), never below SQS's minimum of 2. Going faster would only buy
    throttling errors and retries.
    """

    function: str
    send_rate_per_s: float
    #: each channel's share of the rate (the sender paces every channel on its own)
    channel_rates: tuple[tuple[str, float], ...] = ()
    batch_size: int = 10
    max_batching_window_s: int = 0
    send_latency_s: float = 0.1

    @property
    def max_concurrency(self) -> int:
        per_invocation = 1.0 / self.send_latency_s
        return max(SQS_MIN_MAX_CONCURRENCY, math.ceil(self.send_rate_per_s / per_invocation))


@dataclass(frozen=True)
class SecretDef:
    """A secret the functions read at run time from Secrets Manager (never an env value).

    Only the secret's ARN travels in ``env_var``; the value is fetched (and cached) by the
    function that needs it.
    """

    logical_name: str
    env_var: str
    readers: tuple[str, ...]

    def physical_name(self, stage: str) -> str:
        return f"talentloop/{stage}/{self.logical_name}"


@dataclass(frozen=True)
class Resources:
    table: TableDef
    outbox_queue: QueueDef
    stream_failure_queue: QueueDef
    reports_bucket: BucketDef
    alerts_topic: TopicDef
    sender_email: str
    schedules: dict[str, str] = field(default_factory=dict)
    #: SES bounce/complaint/delivery notifications (SES configuration set -> SNS).
    ses_events_topic: TopicDef = TopicDef("ses-events")
    stream_mapping: StreamMappingDef = StreamMappingDef(function="stream")
    #: SES's starting production quota is 14 messages/s and SNS's transactional SMS rate
    #: 20 a second; raise them here when AWS raises the account's quotas.
    outbox_mapping: QueueMappingDef = QueueMappingDef(
        function="sender", send_rate_per_s=14 + 20, channel_rates=(("email", 14), ("sms", 20)))
    secrets: tuple[SecretDef, ...] = ()
    #: Exports to S3 (docs/exports.md): new export items -> exporter, one at a time. The
    #: visibility timeout is 6 x the exporter's timeout, as AWS advises for SQS mappings; a
    #: failed attempt is redelivered after it; the exporter gives up after 3 attempts.
    exports_queue: QueueDef = QueueDef("exports", visibility_timeout_s=6 * 900,
                                       max_receive_count=5)
    exports_mapping: QueueMappingDef = QueueMappingDef(function="exporter", send_rate_per_s=1,
                                                       batch_size=1)
    #: Imports of uploaded files (docs/import-and-privacy.md): new import jobs -> importer,
    #: one at a time; same timeouts as exports, 3 attempts.
    imports_queue: QueueDef = QueueDef("imports", visibility_timeout_s=6 * 900,
                                       max_receive_count=5)
    imports_mapping: QueueMappingDef = QueueMappingDef(function="importer", send_rate_per_s=1,
                                                       batch_size=1)
    #: Outbound webhooks (README "Outbound webhooks"): one message per delivery attempt,
    #: delayed for retries (<= 15 min, longer waits hop). 6 x the hook sender's timeout is
    #: the visibility timeout; a message failing 5 receives (the table or the queue kept
    #: failing, not the receiver: its failures are retried by the code) goes to the DLQ.
    hooks_queue: QueueDef = QueueDef("hooks", visibility_timeout_s=6 * 60,
                                     max_receive_count=5)
    #: 10 deliveries an invocation, in parallel threads; at most 10 invocations at once: a
    #: slow receiver (10 s timeout) costs up to 100 deliveries in flight, no more.
    hooks_mapping: QueueMappingDef = QueueMappingDef(function="hook_sender",
                                                     send_rate_per_s=100, batch_size=10)

    def configuration_set(self, stage: str) -> str:
        """The SES configuration set every email goes out with (reputation + events)."""
        return f"talentloop-{stage}"


#: Number of shards of the sparse due index: spreads one deadline shared by 100k
#: invitations over several partitions (see shared/domain/due.py).
DUE_SHARDS = 8

TABLE = TableDef(
    logical_name="main",
    hash_key="pk",
    range_key="sk",
    indexes=(
        # Generic inverted lookups: campaign invitations by status, talent pool by tag.
        Index(name="gsi1", hash_key="gsi1pk", range_key="gsi1sk"),
        # Sparse: only items with a pending timed action carry due_pk/due_sk. Keys only: the
        # sweep fetches what it reads (an update that keeps the due keys writes no entry).
        Index(name="due_keys", hash_key="due_pk", range_key="due_sk", projection="KEYS_ONLY"),
    ),
    stream_view="NEW_AND_OLD_IMAGES",
    ttl_attribute="expiration",
)

#: Indexes a running stage may still have from an earlier version, kept by a deploy with
#: `-c keep_retired_indexes=true` so that one deploy adds their successors (backfilled
#: before the functions that read them are updated) and the next one drops them
#: (CloudFormation adds or deletes one index per table update; infra/DEPLOY.md, Upgrading).
RETIRED_INDEXES = (
    # the due index projected every attribute until its readers fetched the items
    Index(name="due", hash_key="due_pk", range_key="due_sk"),
)

RESOURCES = Resources(
    table=TABLE,
    outbox_queue=QueueDef("outbox", visibility_timeout_s=60, max_receive_count=5),
    stream_failure_queue=QueueDef("stream-failures", visibility_timeout_s=60, max_receive_count=3),
    reports_bucket=BucketDef("reports"),
    alerts_topic=TopicDef("alerts"),
    sender_email="no-reply@talentloop.example.com",
    # name of the scheduled handler -> EventBridge schedule expression
    schedules={"sweep": "rate(1 minute)",
               # anonymise candidates whose retention period ran out (docs/import-and-privacy.md)
               "retention": "cron(30 3 * * ? *)",
               "pool_reengage": "rate(1 hour)",
               # opted-in tenants' daily (and Monday: weekly) exports, 00:30 UTC
               "export_schedule": "cron(30 0 * * ? *)",
               # the vendors' status of open invitations, for tenants that poll
               # (unsigned or lossy webhooks; invitations/services/reconcile.py)
               "vendor_poll": "rate(5 minutes)"},
    secrets=(
        # Signs candidate self-service links. Per-tenant webhook secrets are tenant data and
        # live in the tenant's item (the table is encrypted with a customer-managed key).
        SecretDef("token-signing-key", env_var="TALENTLOOP_TOKEN_SIGNING_SECRET",
                  readers=("api_handler", "sender")),  # sender: links in every message
    ),
)


def environment(
    stage: str,
    outbox_queue: str | None = None,
    *,
    table: str | None = None,
    reports_bucket: str | None = None,
    sender_email: str | None = None,
    ses_configuration_set: str | None = None,
    secrets: dict[str, str] | None = None,
    public_api_url: str | None = None,
    alerts_topic: str | None = None,
    exports_queue: str | None = None,
    imports_queue: str | None = None,
    vendor_base_url: str | None = None,
    hooks_queue: str | None = None,
) -> dict[str, str]:
    """Environment variables the functions need, derived from the definition.

    Production passes real references from CDK (table name, queue URL, bucket name, secret
    ARNs) so CloudFormation orders the resources before the functions; locally the
    resources are found by their definition names and there are no secrets or SES
    configuration set. ``secrets`` maps a `SecretDef.logical_name` to the secret's ARN.
    """
    env = {
        "TALENTLOOP_STAGE": stage,
        "TALENTLOOP_TABLE": table or TABLE.physical_name(stage),
        "TALENTLOOP_OUTBOX_QUEUE": outbox_queue or RESOURCES.outbox_queue.physical_name(stage),
        "TALENTLOOP_REPORTS_BUCKET": reports_bucket
        or RESOURCES.reports_bucket.physical_name(stage),
        "TALENTLOOP_SENDER_EMAIL": sender_email or RESOURCES.sender_email,
        "TALENTLOOP_DUE_SHARDS": str(DUE_SHARDS),
        # each sender instance paces itself at rate / instances, per channel
        "TALENTLOOP_SENDER_INSTANCES": str(RESOURCES.outbox_mapping.max_concurrency),
        **{f"TALENTLOOP_SEND_RATE_{channel.upper()}": f"{rate:g}"
           for channel, rate in RESOURCES.outbox_mapping.channel_rates},
        "TALENTLOOP_EXPORTS_QUEUE": exports_queue
        or RESOURCES.exports_queue.physical_name(stage),
        "TALENTLOOP_IMPORTS_QUEUE": imports_queue
        or RESOURCES.imports_queue.physical_name(stage),
        "TALENTLOOP_HOOKS_QUEUE": hooks_queue or RESOURCES.hooks_queue.physical_name(stage),
    }
    if ses_configuration_set:
        env["TALENTLOOP_SES_CONFIGURATION_SET"] = ses_configuration_set
    if public_api_url:
        env["TALENTLOOP_PUBLIC_API_URL"] = public_api_url
    if vendor_base_url:
        env["TALENTLOOP_VENDOR_BASE_URL"] = vendor_base_url
    if alerts_topic:  # budget alerts (metering); locally found by name
        env["TALENTLOOP_ALERTS_TOPIC"] = alerts_topic
    for secret in RESOURCES.secrets:
        if secrets and secret.logical_name in secrets:
            env[secret.env_var] = secrets[secret.logical_name]
    return env
