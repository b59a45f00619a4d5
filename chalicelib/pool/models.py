"""The talent pool's entities: tags, behaviour stats and score, the tag audit, re-engagement
caps and rules, import jobs, and the privacy records (erasure audit, retention watermark).

    entity          pk                       sk                     gsi1pk / gsi1sk
    tag             T#<t>#CAND#<k>           TAG#<tag>#<c>          T#<t>#TAG#<tag> / <c>#<k>
    pool_stats      T#<t>#CAND#<k>           POOL                   T#<t>#POOLSCORE / <score>#<k>
    pool_audit      T#<t>#CAND#<k>           AUDIT#<instant>#<action>#<tag>
    reengage_cap    T#<t>#CAND#<k>           REENGAGE
    reengage_rule   T#<t>                    REENGAGE_RULE#<r>      REENGAGE_RULES / <t>#<r>
    import_job      T#<t>#IMPORT             <import>
    erasure_audit   T#<t>#AUDIT              ERASURE#<instant>#<hash>
    retention_state RETAIN                   WATERMARK
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.pool.domain.cooperation import KINDS, OPEN_HOURS
from chalicelib.shared.models import Item, register, tenant_pk


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


class PoolStatsItem(Item, discriminator="pool_stats"):
    """A candidate's behaviour in the talent pool, kept from the stream: decayed sums per kind
    of behaviour (pool/domain/cooperation.py; each ADDed exactly once, with a marker per record),
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


register([
    TagItem,
    PoolStatsItem,
    PoolAuditItem,
    ReEngageCapItem,
    ReEngageRuleItem,
    ErasureAuditItem,
    RetentionStateItem,
    ImportJobItem,
])
