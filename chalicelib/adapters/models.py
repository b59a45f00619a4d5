"""PynamoDB models of the one table.

Every item has `pk`/`sk`, an `entity` discriminator and optional keys of the two GSIs.
Every tenant-owned key starts with `T#<tenant id>`, so a cross-tenant read cannot be written
by accident. Keys are built only by the classmethods below; their docstrings show the design.

    entity       pk                          sk                     gsi1pk / gsi1sk
    tenant       TENANT#<t>                  TENANT
    api_key      APIKEY#<sha256 of key>      APIKEY
    position     T#<t>                       POSITION#<id>
    campaign     T#<t>#CAMPAIGN#<c>          CAMPAIGN               T#<t>#CAMPAIGNS / <c>
    candidate    T#<t>#CAND#<k>              PROFILE
    tag          T#<t>#CAND#<k>              TAG#<tag>#<c>          T#<t>#TAG#<tag> / <c>#<k>
    timeline     T#<t>#CAND#<k>              EVT#<instant>#<id>
    invitation   T#<t>#INV#<i>               INV                    T#<t>#C#<c>#S#<status> / <i>
    outbox       T#<t>#INV#<i>               OUTBOX#<kind>#<channel>
    pool_stats   T#<t>#CAND#<k>              POOL                   T#<t>#POOLSCORE / <score>#<k>
    pool_audit   T#<t>#CAND#<k>              AUDIT#<instant>#<action>#<tag>
    reengage_cap T#<t>#CAND#<k>              REENGAGE
    reengage_rule T#<t>                      REENGAGE_RULE#<r>      REENGAGE_RULES / <t>#<r>
    marker       <scope>#MARK                <id>                  (TTL: expiration)
    sweep        SWEEP                       WATERMARK
    erasure_audit T#<t>#AUDIT                ERASURE#<instant>#<hash>
    retention_state RETAIN                   WATERMARK
    export       T#<t>#EXPORT                <export>               T#<t>#EXPORTS / <at>#<export>
    export_sched T#<t>#SETTINGS              EXPORT_SCHEDULE        EXPORT_SCHEDULES / <t>

Invitations carry due_pk/due_sk (see domain/due.py) only while a timed action is pending.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.cooperation import KINDS, OPEN_HOURS
from chalicelib.domain.invitation import Status


class Gsi1(GlobalSecondaryIndex["Item"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex["Item"]):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_pk = UnicodeAttribute(hash_key=True)
    due_sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """Base of every entity stored in the table."""

    class Meta:
        table_name = "talentloop-local-main"  # replaced by bind_table() at start-up
        region = "us-east-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entity = DiscriminatorAttribute(attr_name="entity")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    expiration = TTLAttribute(null=True)

    gsi1 = Gsi1()
    due = DueIndex()


def bind_table(table_name: str, region: str) -> None:
    """Point every model at the configured table (not read from env at import time)."""
    Item.Meta.table_name = table_name
    Item.Meta.region = region


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


class TenantItem(Item, discriminator="tenant"):
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    default_locale = UnicodeAttribute(default="en")
    timezone = UnicodeAttribute(default="UTC")
    #: the tenant's default quiet hours for new campaigns ({"start","end"}; None = 21-08)
    quiet_hours = JSONAttribute(null=True)
    #: days without activity (and without consent) after which a candidate is anonymised
    retention_days = NumberAttribute(null=True)  # None: domain/retention.py's default
    pool_rules = JSONAttribute(null=True)  # talent-pool tag rules (domain/tag_rules.py)
    webhook_secret = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """TENANT#<tenant> / TENANT"""
        return f"TENANT#{tenant_id}", "TENANT"


class ApiKeyItem(Item, discriminator="api_key"):
    tenant_id = UnicodeAttribute()
    key_id = UnicodeAttribute()
    role = UnicodeAttribute()
    campaign_ids = ListAttribute(of=UnicodeAttribute, null=True)  # interviewer keys only
    label = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, key_hash: str) -> tuple[str, str]:
        """APIKEY#<sha256 of the key> / APIKEY: the key itself is never stored."""
        return f"APIKEY#{key_hash}", "APIKEY"


class PositionItem(Item, discriminator="position"):
    tenant_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    title = UnicodeAttribute()
    department = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, position_id: str) -> tuple[str, str]:
        """T#<tenant> / POSITION#<position>"""
        return tenant_pk(tenant_id), f"POSITION#{position_id}"


class CampaignItem(Item, discriminator="campaign"):
    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    name = UnicodeAttribute()
    channels = ListAttribute(of=UnicodeAttribute)
    locale = UnicodeAttribute(null=True)
    deadline_at = UTCDateTimeAttribute(null=True)
    window_hours = NumberAttribute(null=True)
    audience_windows = JSONAttribute(null=True)  # {"new_graduate": 72, "employed": 120}
    grace_hours = NumberAttribute()
    reminder_policy = JSONAttribute(null=True)  # domain/reminders.py; None = the default
    owner_email = UnicodeAttribute(null=True)  # gets the daily digest of new no-shows
    created_at = UTCDateTimeAttribute()
    closed_at = UTCDateTimeAttribute(null=True)  # closed early by HR: no new invitations
    # live counts per status, kept by the stream handler (idempotently, see services/counts)
    n_invited = NumberAttribute(default=0)
    n_sent = NumberAttribute(default=0)
    n_opened = NumberAttribute(default=0)
    n_started = NumberAttribute(default=0)
    n_completed = NumberAttribute(default=0)
    n_no_show = NumberAttribute(default=0)
    n_completed_late = NumberAttribute(default=0)
    n_closed = NumberAttribute(default=0)
    n_cancelled = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str) -> tuple[str, str]:
        """T#<tenant>#CAMPAIGN#<campaign> / CAMPAIGN: its own partition (hot counters)."""
        return f"{tenant_pk(tenant_id)}#CAMPAIGN#{campaign_id}", "CAMPAIGN"

    @classmethod
    def counter(cls, status: Status) -> NumberAttribute:
        attribute: NumberAttribute = getattr(cls, f"n_{status.value}")
        return attribute

    def counts(self) -> dict[str, int]:
        return {s.value: int(getattr(self, f"n_{s.value}") or 0) for s in Status}


class CandidateItem(Item, discriminator="candidate"):
    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    opted_out_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    # privacy (docs/import-and-privacy.md): the retention clock, consent, erasure. A profile
    # without consent carries due_pk/due_sk = RETAIN#<day>#<shard> (domain/retention.py).
    last_activity_at = UTCDateTimeAttribute(null=True)
    consent_at = UTCDateTimeAttribute(null=True)
    erased_at = UTCDateTimeAttribute(null=True)  # anonymised: PII fields are gone
    erased_by = UnicodeAttribute(null=True)  # "user:<key id>" or "retention"

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / PROFILE"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", "PROFILE"

    @classmethod
    def phone_index_keys(cls, tenant_id: str, phone: str,
                         candidate_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#PHONE#<E.164> / <candidate>: who has this phone number (a
        phone-only row finds a candidate first seen with an email)."""
        return f"{tenant_pk(tenant_id)}#PHONE#{phone}", candidate_id

    def index_phone(self) -> None:
        """Give a profile with a phone number its phone lookup keys (once)."""
        if self.phone and self.gsi1pk is None:
            self.gsi1pk, self.gsi1sk = self.phone_index_keys(self.tenant_id, self.phone,
                                                             self.candidate_id)


class TagItem(Item, discriminator="tag"):
    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    tag = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute(null=True)  # also `expiration` (TTL deletes it later)
    removed_at = UTCDateTimeAttribute(null=True)  # removed by hand: kept so rules don't re-add
    removed_by = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str, tag: str,
            campaign_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / TAG#<tag>#<campaign>"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", f"TAG#{tag}#{campaign_id}"

    @classmethod
    def index_keys(cls, tenant_id: str, tag: str, campaign_id: str,
                   candidate_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#TAG#<tag> / <campaign>#<candidate>"""
        return f"{tenant_pk(tenant_id)}#TAG#{tag}", f"{campaign_id}#{candidate_id}"


class TimelineItem(Item, discriminator="timeline"):
    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    type = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute()
    source_id = UnicodeAttribute()
    applied = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str, occurred: str,
            source_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / EVT#<instant>#<source id>"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", f"EVT#{occurred}#{source_id}"


class InvitationItem(Item, discriminator="invitation"):
    tenant_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    status = UnicodeAttribute()
    channels = ListAttribute(of=UnicodeAttribute)
    locale = UnicodeAttribute()
    deadline_at = UTCDateTimeAttribute()
    grace_hours = NumberAttribute()
    reminder_policy = JSONAttribute(null=True)  # the campaign's, copied: re-planned per item
    rounds_done = NumberAttribute(default=0)  # reminder rounds gone past (sent or skipped)
    epoch = NumberAttribute(default=0)  # deadline extensions: new outbox ids per epoch
    timezone = UnicodeAttribute(null=True)  # the candidate's, for quiet hours
    interview_url = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    status_changed_at = UTCDateTimeAttribute()
    score = NumberAttribute(null=True)
    delivery_problem = UnicodeAttribute(null=True)  # "bounce" or "complaint", from SES
    reason = UnicodeAttribute(null=True)  # why the candidate missed it (self-service)
    reason_text = UnicodeAttribute(null=True)
    self_extensions = NumberAttribute(default=0)  # extensions the candidate took themself
    extension_requested_at = UTCDateTimeAttribute(null=True)  # waiting for HR
    version = VersionAttribute()

    @classmethod
    def key(cls, tenant_id: str, invitation_id: str) -> tuple[str, str]:
        """T#<tenant>#INV#<invitation> / INV"""
        return f"{tenant_pk(tenant_id)}#INV#{invitation_id}", "INV"

    def status_enum(self) -> Status:
        return Status(self.status)

    @classmethod
    def status_index_keys(cls, tenant_id: str, campaign_id: str, status: str,
                          invitation_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#C#<campaign>#S#<status> / <invitation>"""
        return f"{tenant_pk(tenant_id)}#C#{campaign_id}#S#{status}", invitation_id


class OutboxItem(Item, discriminator="outbox"):
    tenant_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel = UnicodeAttribute()
    template = UnicodeAttribute(null=True)  # None: the kind names the template ("invite")
    sms_parts = NumberAttribute(null=True)  # as carriers bill it (domain/sms.py)
    sms_encoding = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="pending")
    attempts = NumberAttribute(default=0)
    claim_until = UTCDateTimeAttribute(null=True)
    provider_message_id = UnicodeAttribute(null=True)
    recipient = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)  # SES delivery event
    clicked_at = UTCDateTimeAttribute(null=True)  # first SES click event (a link in it)
    last_error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, invitation_id: str, kind: str,
            channel: str) -> tuple[str, str]:
        """T#<tenant>#INV#<invitation> / OUTBOX#<kind>#<channel>: deterministic, so a
        retried sweep or stream record can never create a second message."""
        return f"{tenant_pk(tenant_id)}#INV#{invitation_id}", f"OUTBOX#{kind}#{channel}"

    @property
    def item_id(self) -> str:
        """Its id in the due index (where a message not sent in time is found again)."""
        return f"{self.invitation_id}/{self.kind}/{self.channel}"


class SuppressionItem(Item, discriminator="suppression"):
    """An address the tenant must not message again (bounced for good, or complained)."""

    tenant_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    address = UnicodeAttribute()
    reason = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)
    source_message_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, channel: str, address: str) -> tuple[str, str]:
        """T#<tenant>#SUPPRESS / <channel>#<address>"""
        return f"{tenant_pk(tenant_id)}#SUPPRESS", f"{channel}#{address}"


class MarkerItem(Item, discriminator="marker"):
    """"This already happened" records: webhook ids, counted stream transitions."""

    @classmethod
    def key(cls, scope: str, marker_id: str) -> tuple[str, str]:
        """<scope>#MARK / <id>"""
        return f"{scope}#MARK", marker_id


class DigestItem(Item, discriminator="digest"):
    """One campaign's daily digest for its owner: created (idempotently) when an invitation
    turns no_show, due the next morning; the sweep turns it into an outbox email."""

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    day = UnicodeAttribute()
    owner_email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str, day: str) -> tuple[str, str]:
        """T#<tenant>#DIGEST#<campaign> / <day>"""
        return f"{tenant_pk(tenant_id)}#DIGEST#{campaign_id}", day

    @property
    def item_id(self) -> str:
        return f"digest/{self.campaign_id}/{self.day}"


class SweepStateItem(Item, discriminator="sweep_state"):
    watermark = UnicodeAttribute()

    @classmethod
    def key(cls) -> tuple[str, str]:
        """SWEEP / WATERMARK: the last hour bucket the sweep finished."""
        return "SWEEP", "WATERMARK"


class ErasureAuditItem(Item, discriminator="erasure_audit"):
    """What was erased, by whom and when - without the personal data itself."""

    tenant_id = UnicodeAttribute()
    candidate_hash = UnicodeAttribute()  # sha256 of the candidate id, not the id
    actor = UnicodeAttribute()  # "user:<key id>" or "retention"
    erased_at = UTCDateTimeAttribute()
    counts = JSONAttribute()  # {"profile": 1, "tags": 2, "timeline": 5, ...}

    @classmethod
    def key(cls, tenant_id: str, candidate_hash: str, at: str) -> tuple[str, str]:
        """T#<tenant>#AUDIT / ERASURE#<instant>#<candidate hash>"""
        return f"{tenant_pk(tenant_id)}#AUDIT", f"ERASURE#{at}#{candidate_hash}"


class RetentionStateItem(Item, discriminator="retention_state"):
    watermark = UnicodeAttribute()

    @classmethod
    def key(cls) -> tuple[str, str]:
        """RETAIN / WATERMARK: the last day the retention job finished."""
        return "RETAIN", "WATERMARK"
class PoolStatsItem(Item, discriminator="pool_stats"):
    """A candidate's behaviour in the talent pool, kept from the stream: decayed sums per kind
    of behaviour (domain/cooperation.py; each ADDed exactly once, with a marker per record),
    the campaigns/positions invited to, and the cooperation score computed from the sums.
    Its own item: re-inviting a candidate rewrites the PROFILE item whole."""

    tenant_id = UnicodeAttribute(null=True)
    candidate_id = UnicodeAttribute(null=True)
    s_delivered = NumberAttribute(null=True)
    s_opened = NumberAttribute(null=True)
    s_clicked = NumberAttribute(null=True)
    s_started = NumberAttribute(null=True)
    s_completed = NumberAttribute(null=True)
    s_completed_late = NumberAttribute(null=True)
    s_no_show = NumberAttribute(null=True)
    s_reason = NumberAttribute(null=True)
    s_opt_out = NumberAttribute(null=True)
    s_open_hours = NumberAttribute(null=True)
    events = NumberAttribute(null=True)  # behaviour events counted (undecayed)
    campaigns = UnicodeSetAttribute(null=True)
    positions = UnicodeSetAttribute(null=True)
    last_activity_at = UTCDateTimeAttribute(null=True)
    opted_out_at = UTCDateTimeAttribute(null=True)
    score = NumberAttribute(null=True)
    score_components = JSONAttribute(null=True)
    score_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / POOL (sorts before PROFILE and TAG#: one Query with
        sk >= POOL reads stats, profile and tags together)."""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", "POOL"

    @classmethod
    def score_index_keys(cls, tenant_id: str, score: float,
                         candidate_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#POOLSCORE / <score 000.0-100.0>#<candidate>: the pool by score."""
        return f"{tenant_pk(tenant_id)}#POOLSCORE", f"{score:05.1f}#{candidate_id}"

    @classmethod
    def sum_attribute(cls, kind: str) -> NumberAttribute:
        attribute: NumberAttribute = getattr(cls, f"s_{kind}")
        return attribute

    def scaled_sums(self) -> dict[str, float]:
        return {k: float(getattr(self, f"s_{k}") or 0) for k in (*KINDS, OPEN_HOURS)}


class PoolAuditItem(Item, discriminator="pool_audit"):
    """Who added or removed a tag by hand, when and why (kept; no TTL)."""

    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    action = UnicodeAttribute()  # tag.added / tag.removed / rules.replaced
    tag = UnicodeAttribute(null=True)
    key_id = UnicodeAttribute()
    why = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str, at: str, action: str,
            tag: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / AUDIT#<instant>#<action>#<tag>"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", f"AUDIT#{at}#{action}#{tag}"


class ReEngageCapItem(Item, discriminator="reengage_cap"):
    """The last re-invitation of a candidate: the frequency cap (TTL: when the cap ends)."""

    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    last_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / REENGAGE (read with the pool snapshot)"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", "REENGAGE"


class ReEngageRuleItem(Item, discriminator="reengage_rule"):
    """A scheduled re-engagement: a segment invited to a campaign every `every_hours`."""

    tenant_id = UnicodeAttribute()
    rule_id = UnicodeAttribute()
    segment = JSONAttribute()
    campaign_id = UnicodeAttribute()
    cap_days = NumberAttribute()
    max_candidates = NumberAttribute()
    every_hours = NumberAttribute()
    enabled = UnicodeAttribute(default="yes")
    last_run_at = UTCDateTimeAttribute(null=True)
    last_result = JSONAttribute(null=True)  # counts only: invited, skipped by reason
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, rule_id: str) -> tuple[str, str]:
        """T#<tenant> / REENGAGE_RULE#<rule>"""
        return tenant_pk(tenant_id), f"REENGAGE_RULE#{rule_id}"

    @classmethod
    def index_keys(cls, tenant_id: str, rule_id: str) -> tuple[str, str]:
        """gsi1: REENGAGE_RULES / <tenant>#<rule>: every tenant's rules, for the schedule."""
        return "REENGAGE_RULES", f"{tenant_id}#{rule_id}"
class ExportItem(Item, discriminator="export"):
    """One export to S3 (docs/exports.md). Its INSERT on the stream queues the work; its
    MODIFY to `done` (with rows and bytes) is the "export produced" event metering counts."""

    tenant_id = UnicodeAttribute()
    export_id = UnicodeAttribute()
    report = UnicodeAttribute()
    format = UnicodeAttribute()
    campaign_id = UnicodeAttribute(null=True)
    range_start = UTCDateTimeAttribute(null=True)
    range_end = UTCDateTimeAttribute(null=True)
    origin = UnicodeAttribute()  # "api" or "schedule"
    request_hash = UnicodeAttribute(null=True)  # Idempotency-Key: the request it was for
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    lease_until = UTCDateTimeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    rows = NumberAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)  # an error class name, never data
    created_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, export_id: str) -> tuple[str, str]:
        """T#<tenant>#EXPORT / <export>"""
        return f"{tenant_pk(tenant_id)}#EXPORT", export_id

    @classmethod
    def index_keys(cls, tenant_id: str, created: str, export_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#EXPORTS / <created instant>#<export> (recent first)"""
        return f"{tenant_pk(tenant_id)}#EXPORTS", f"{created}#{export_id}"


class ImportJobItem(Item, discriminator="import_job"):
    """An import of an uploaded S3 object, run by the importer (docs/import-and-privacy.md).
    Its INSERT on the stream queues the work; the id derives from (key, ETag, mapping), so
    posting the same file again is the same job."""

    tenant_id = UnicodeAttribute()
    import_id = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    etag = UnicodeAttribute()  # the version posted: a replaced file is not imported
    mapping = UnicodeAttribute(null=True)  # JSON: field -> column header
    actor = UnicodeAttribute()
    status = UnicodeAttribute()  # queued, running, done, failed
    attempts = NumberAttribute(default=0)
    lease_until = UTCDateTimeAttribute(null=True)
    counts = UnicodeAttribute(null=True)  # JSON: rows, created, merged, ... (when done)
    first_rejections = UnicodeAttribute(null=True)  # JSON list (line, code, message)
    report_key = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)  # an error class name, never row data
    created_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, import_id: str) -> tuple[str, str]:
        """T#<tenant>#IMPORT / <import>"""
        return f"{tenant_pk(tenant_id)}#IMPORT", import_id


class ExportScheduleItem(Item, discriminator="export_schedule"):
    """A tenant's opt-in to scheduled exports. Listed by the daily schedule through gsi1
    (EXPORT_SCHEDULES / <tenant>): the one cross-tenant partition, holding settings only."""

    tenant_id = UnicodeAttribute()
    daily = ListAttribute(of=UnicodeAttribute)
    weekly = ListAttribute(of=UnicodeAttribute)
    format = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """T#<tenant>#SETTINGS / EXPORT_SCHEDULE"""
        return f"{tenant_pk(tenant_id)}#SETTINGS", "EXPORT_SCHEDULE"

    @classmethod
    def index_keys(cls, tenant_id: str) -> tuple[str, str]:
        """gsi1: EXPORT_SCHEDULES / <tenant>"""
        return "EXPORT_SCHEDULES", tenant_id


def from_image(image: dict[str, Any]) -> Item | None:
    """Build the entity from a stream image (DynamoDB JSON); None for unknown entities."""
    entity = image.get("entity", {}).get("S")
    if entity is None:
        return None
    try:
        return Item.from_raw_data(image)
    except (ValueError, KeyError):
        return None


class UsageItem(Item, discriminator="usage"):
    """One billable operation (metering), written exactly once: its sort key derives from
    the effect it bills (outbox item + provider message id, webhook id, invitation id,
    export id) and it is written with "must not exist"."""

    tenant_id = UnicodeAttribute()
    month = UnicodeAttribute()
    day = UnicodeAttribute()
    operation = UnicodeAttribute()
    quantity = NumberAttribute()
    usage_key = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute()
    detail = JSONAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, month: str, day: str, usage_key: str) -> tuple[str, str]:
        """T#<tenant>#USAGE#<YYYY-MM> / REC#<YYYY-MM-DD>#<usage key>"""
        return f"{tenant_pk(tenant_id)}#USAGE#{month}", f"REC#{day}#{usage_key}"


class UsageTotalItem(Item, discriminator="usage_total"):
    """A tenant's usage quantities of one day, moved in the same transaction as the usage
    records they count (a statement reads at most 31 of these with one Query)."""

    tenant_id = UnicodeAttribute()
    day = UnicodeAttribute()
    records = NumberAttribute(default=0)
    n_invitation = NumberAttribute(default=0)
    n_email = NumberAttribute(default=0)
    n_sms_part = NumberAttribute(default=0)
    n_webhook_event = NumberAttribute(default=0)
    n_export = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, month: str, day: str) -> tuple[str, str]:
        """T#<tenant>#USAGE#<YYYY-MM> / TOTAL#<YYYY-MM-DD>"""
        return f"{tenant_pk(tenant_id)}#USAGE#{month}", f"TOTAL#{day}"

    @classmethod
    def counter(cls, operation: str) -> NumberAttribute:
        attribute: NumberAttribute = getattr(cls, f"n_{operation}")
        return attribute


class PriceVersionItem(Item, discriminator="price_version"):
    """One version of a tenant's price table (unit prices as decimal strings)."""

    tenant_id = UnicodeAttribute()
    version = NumberAttribute()
    effective_from = UnicodeAttribute()
    currency = UnicodeAttribute()
    unit_prices = JSONAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, effective_from: str, version: int) -> tuple[str, str]:
        """T#<tenant>#BILLING / PRICE#<YYYY-MM-DD>#<version, 6 digits>"""
        return f"{tenant_pk(tenant_id)}#BILLING", f"PRICE#{effective_from}#{version:06d}"


class BudgetItem(Item, discriminator="budget"):
    """A tenant's monthly budget: alert thresholds (percent) and the SMS hard cap."""

    tenant_id = UnicodeAttribute()
    monthly_amount = UnicodeAttribute()  # decimal string, the tenant's currency
    thresholds = ListAttribute(of=NumberAttribute)
    hard_cap_sms = NumberAttribute(default=0)  # 1 = pause SMS at 100 %
    updated_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """T#<tenant>#BILLING / BUDGET"""
        return f"{tenant_pk(tenant_id)}#BILLING", "BUDGET"
class AggregateItem(Item, discriminator="aggregate"):
    """Funnel counters of one tenant x campaign x position x channel mix x day, kept from the
    stream exactly once per change (adapters/aggregates_store.py; domain/funnel.py).

        pk T#<t>#AGG#<campaign> / sk <day>#<position>#<channel>
        gsi1 T#<t>#AGG / <day>#<campaign>#<position>#<channel>   (a tenant's days in order)
    """

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    day = UnicodeAttribute()
    n_invited = NumberAttribute(default=0)
    n_sent = NumberAttribute(default=0)
    n_delivered = NumberAttribute(default=0)
    n_opened = NumberAttribute(default=0)
    n_started = NumberAttribute(default=0)
    n_completed = NumberAttribute(default=0)
    n_completed_late = NumberAttribute(default=0)
    n_no_show = NumberAttribute(default=0)
    n_reminded = NumberAttribute(default=0)
    n_recovered = NumberAttribute(default=0)
    n_closed = NumberAttribute(default=0)
    n_cancelled = NumberAttribute(default=0)
    # minutes from invitation to completion, histogram (domain/funnel.MINUTE_BUCKETS)
    h_0 = NumberAttribute(default=0)
    h_1 = NumberAttribute(default=0)
    h_2 = NumberAttribute(default=0)
    h_3 = NumberAttribute(default=0)
    h_4 = NumberAttribute(default=0)
    h_5 = NumberAttribute(default=0)
    h_6 = NumberAttribute(default=0)
    h_7 = NumberAttribute(default=0)
    h_8 = NumberAttribute(default=0)
    h_9 = NumberAttribute(default=0)
    h_10 = NumberAttribute(default=0)
    h_11 = NumberAttribute(default=0)
    h_12 = NumberAttribute(default=0)
    # no-show reasons the candidates gave (self-service)
    rg_schedule_conflict = NumberAttribute(default=0)
    rg_technical_problem = NumberAttribute(default=0)
    rg_did_not_see_message = NumberAttribute(default=0)
    rg_not_interested = NumberAttribute(default=0)
    rg_accepted_other_offer = NumberAttribute(default=0)
    rg_other = NumberAttribute(default=0)
    # no-show reasons inferred from behaviour when the invitation turned no_show
    ri_not_delivered = NumberAttribute(default=0)
    ri_never_opened = NumberAttribute(default=0)
    ri_opened_not_started = NumberAttribute(default=0)
    ri_started_not_completed = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str, day: str, position_id: str,
            channel: str) -> tuple[str, str]:
        """T#<tenant>#AGG#<campaign> / <day>#<position>#<channel>"""
        return f"{tenant_pk(tenant_id)}#AGG#{campaign_id}", f"{day}#{position_id}#{channel}"

    @classmethod
    def index_keys(cls, tenant_id: str, campaign_id: str, day: str, position_id: str,
                   channel: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#AGG / <day>#<campaign>#<position>#<channel>"""
        return f"{tenant_pk(tenant_id)}#AGG", f"{day}#{campaign_id}#{position_id}#{channel}"

    @classmethod
    def number(cls, name: str) -> NumberAttribute:
        """A counter by its attribute name (n_opened, h_3, rg_other, ri_never_opened)."""
        attribute = getattr(cls, name, None)
        if not isinstance(attribute, NumberAttribute):
            raise ValueError(f"no aggregate counter {name}")
        return attribute


class SummaryStateItem(Item, discriminator="summary_state"):
    """When a campaign's S3 summary was last refreshed (the throttle), and - while a change
    waits for the next minute - due keys that make the sweep refresh it.

        pk T#<t>#SUMMARY#<campaign> / sk SUMMARY
    """

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    minute = UnicodeAttribute(null=True)  # YYYY-MM-DDTHH:MM (UTC) of the last refresh

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str) -> tuple[str, str]:
        """T#<tenant>#SUMMARY#<campaign> / SUMMARY"""
        return f"{tenant_pk(tenant_id)}#SUMMARY#{campaign_id}", "SUMMARY"

    @property
    def item_id(self) -> str:
        return f"summary/{self.campaign_id}"
