"""Request and response models of the talent pool: segments, profiles, tags and rules,
suggestions, re-engagement, candidate imports and erasure."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from chalicelib.invitations.schemas import Invitation
from chalicelib.pool.domain.import_fields import FIELDS
from chalicelib.pool.domain.tag_rules import REASONS, RULE_TAGS
from chalicelib.shared.domain.patterns import TAG, TAG_LIST
from chalicelib.shared.schemas import Model, Strict, documented


class PoolTag(Model):
    name: str
    campaign_id: str
    invitation_id: str | None
    source: str
    reason: str
    created_at: str
    expires_at: str | None = None


class PoolCandidate(Model):
    candidate_id: str
    name: str | None
    email: str | None
    phone: str | None
    locale: str | None
    tag: PoolTag
    tags: list[str] | None = Field(None, description="the candidate's active tags")
    score: float | None = Field(None, description="stored cooperation score, 0-100")
    last_activity_at: str | None = None


class PoolPage(Model):
    items: list[PoolCandidate]
    next_cursor: str | None
    count: int | None = Field(None, description="the whole segment's size (count=true)")


class ImportFromObject(Strict):
    s3_key: str = Field(min_length=1, max_length=1024,
                        description="an object in the uploads bucket under uploads/<tenant>/")
    mapping: dict[str, str] | None = Field(
        default=None, description='field -> column header, e.g. {"name": "Full Name"}',
        json_schema_extra=documented({"anyOf": [
            {"type": "object", "propertyNames": {"enum": list(FIELDS)},
             "additionalProperties": {"type": "string", "pattern": r"\S"}},
            {"type": "null"}]}))


class ImportRowResult(Model):
    line: int
    result: Literal["created", "merged", "unchanged", "rejected"]
    candidate_id: str | None
    code: str | None
    message: str | None


class ImportRejection(Model):
    line: int
    code: str | None
    message: str | None


class ImportResult(Model):
    import_id: str
    rows: int
    created: int
    merged: int
    unchanged: int
    rejected: int
    tags_added: int
    report_key: str | None = Field(description="the full per-row report (CSV) in the bucket")
    items: list[ImportRowResult] | None = Field(
        default=None, description="every row, for files of up to 1,000 rows")
    first_rejections: list[ImportRejection] | None = Field(
        default=None, description="the first 100 rejections, for larger files")


class ImportJob(Model):
    import_id: str
    s3_key: str
    status: Literal["queued", "running", "done", "failed"]
    attempts: int
    rows: int | None = Field(description="counts, once done")
    created: int | None
    merged: int | None
    unchanged: int | None
    rejected: int | None
    tags_added: int | None
    report_key: str | None = Field(description="the full per-row report (CSV), once done")
    first_rejections: list[ImportRejection] | None
    error: str | None = Field(description="why it failed: an error class or object_changed")
    created_at: str
    finished_at: str | None


class ErasureResult(Model):
    candidate_id: str
    result: Literal["erased", "already_erased"]
    erased_at: str
    counts: dict[str, int]


class TagIn(Strict):
    tag: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    reason: str = Field(min_length=1, max_length=500, description="why (kept in the audit)")
    expires_at: AwareDatetime | None = None


class TagRemoved(Model):
    candidate_id: str
    tag: str
    removed: int


class ScoreComponents(Model):
    """The points each kind of behaviour adds (negative: takes away); with `base` they add
    up to the score before it is clamped to 0-100 (pool/domain/cooperation.py)."""

    base: float = Field(description="every candidate starts at 50")
    completed: float = Field(ge=0, le=30, description="completions, up to +30")
    completed_late: float = Field(ge=0, le=10, description="late completions, up to +10")
    started: float = Field(ge=0, le=5, description="interviews started, up to +5")
    opened: float = Field(ge=0, le=5, description="invitations opened or clicked, up to +5")
    reason: float = Field(ge=0, le=5, description="reasons given for a no-show, up to +5")
    no_show: float = Field(ge=-35, le=0, description="no-shows, down to -35")
    opt_out: float = Field(ge=-40, le=0, description="opt-outs, down to -40")
    speed: float = Field(ge=0, le=5, description="how soon invitations are opened, up to +5")
    unopened: float = Field(ge=-5, le=0, description="delivered and never opened, down to -5")


class ScorePart(Model):
    name: Literal["base", "completed", "completed_late", "started", "opened", "reason",
                  "no_show", "opt_out", "speed", "unopened"]
    points: float = Field(description="what this part adds to the score (negative: takes)")
    limit: float = Field(description="the most it can add (negative parts: the most it can "
                         "take); each part saturates towards it")
    events: float = Field(ge=0, description="the decayed weight of the events behind it (an "
                          "event weighs 2^(-age / half-life): 1 today, 0.5 a half-life ago)")


class PoolScore(Model):
    value: float = Field(ge=0, le=100, description="the cooperation score, 0-100")
    components: ScoreComponents
    parts: list[ScorePart] = Field(description="the score explained, base first: each "
                                   "component with its limit and the events behind it")
    half_life_days: int
    stored: float | None
    stored_at: str | None


class PoolAudit(Model):
    action: str
    tag: str | None
    by: str
    why: str | None
    at: str


class PoolProfile(Model):
    candidate_id: str
    profile: dict[str, Any]
    tags: list[PoolTag]
    score: PoolScore
    behaviour_events: int
    last_activity_at: str | None
    opted_out_at: str | None
    invitations: list[Invitation]
    audit: list[PoolAudit]


def _names(allowed: tuple[str, ...]) -> Any:
    return documented({"type": "array", "items": {"type": "string", "enum": list(allowed)}})


class TagRulesIn(Strict):
    """Every field optional (left out: the default); none may be null."""

    enabled: list[str] | None = Field(None, json_schema_extra=_names(RULE_TAGS))
    expires_days: dict[str, int | None] | None = Field(None, json_schema_extra=documented({
        "type": "object", "additionalProperties": False,
        "properties": {t: {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 3650},
                                     {"type": "null"}]} for t in RULE_TAGS}}))
    breach_window_days: int | None = Field(None, json_schema_extra=documented(
        {"type": "integer", "minimum": 1, "maximum": 3650}))
    hold_contact_reasons: list[str] | None = Field(None, json_schema_extra=_names(REASONS))
    re_invite_reasons: list[str] | None = Field(None, json_schema_extra=_names(REASONS))
    re_invite_min_score: float | None = Field(None, json_schema_extra=documented(
        {"type": "number", "minimum": 0, "maximum": 100}))


class TagRules(Model):
    enabled: list[str]
    expires_days: dict[str, int | None]
    breach_window_days: int
    hold_contact_reasons: list[str]
    re_invite_reasons: list[str]
    re_invite_min_score: float
    tags: list[str]


class Suggestion(Model):
    candidate_id: str
    name: str | None
    rank: float = Field(description="0.5 score/100 + 0.2 recency + 0.3 fit")
    score: float
    recency: float
    fit: float
    matched_keywords: list[str]
    tags: list[str]
    last_activity_at: str | None


class Suggestions(Model):
    position_id: str
    keywords: list[str]
    items: list[Suggestion]
    skipped: dict[str, int] = Field(description="candidates left out, by reason")


_TAGS = documented({"anyOf": [{"type": "string", "pattern": TAG_LIST}, {"type": "null"}]})
_SCORE = documented({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100},
                               {"type": "null"}]})


class SegmentIn(Strict):
    """At least one of `tag`, `all` or `any` names a tag (else 422 missing_tag)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": [f], "properties": {f: {"type": "string", "pattern": rf".*{TAG}.*"}}}
        for f in ("tag", "all", "any")]})

    tag: str | None = Field(None, json_schema_extra=_TAGS)
    all: str | None = Field(None, description="comma-separated tags", json_schema_extra=_TAGS)
    any: str | None = Field(None, json_schema_extra=_TAGS)
    none: str | None = Field(None, json_schema_extra=_TAGS)
    min_score: float | None = Field(None, json_schema_extra=_SCORE)
    max_score: float | None = Field(None, json_schema_extra=_SCORE)
    campaign_id: str | None = Field(None, description="tags from this campaign only")
    position_id: str | None = None
    active_since: str | None = Field(None, json_schema_extra=documented(
        {"anyOf": [{"type": "string", "format": "date-time"},
                   {"type": "string", "maxLength": 0}, {"type": "null"}]}))
    locale: str | None = None


class ReEngagementIn(Strict):
    segment: SegmentIn
    campaign_id: str = Field(description="the campaign to invite them to")
    dry_run: bool = True
    cap_days: int = Field(30, ge=1, le=365, description="at most one re-invitation per "
                                                        "candidate in this many days")
    max_candidates: int = Field(500, ge=1, le=1000)


class ReEngaged(Model):
    candidate_id: str
    why: str
    invitation_id: str | None


class ReEngageSkipped(Model):
    candidate_id: str
    reason: str


class ReEngagement(Model):
    campaign_id: str
    dry_run: bool
    segment_size: int
    invited: list[ReEngaged]
    skipped: list[ReEngageSkipped]


class ReEngagementRuleIn(Strict):
    segment: SegmentIn
    campaign_id: str
    every_hours: int = Field(24, ge=1, le=24 * 90)
    cap_days: int = Field(30, ge=1, le=365)
    max_candidates: int = Field(500, ge=1, le=1000)
    enabled: bool = True


class ReEngagementRule(Model):
    rule_id: str
    segment: dict[str, Any]
    campaign_id: str
    cap_days: int
    max_candidates: int
    every_hours: int
    enabled: bool
    last_run_at: str | None
    last_result: dict[str, Any] | None


class ReEngagementRules(Model):
    items: list[ReEngagementRule]


class Deleted(Model):
    rule_id: str
    deleted: bool
