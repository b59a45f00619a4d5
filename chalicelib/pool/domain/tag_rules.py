"""Talent-pool tag rules: behaviour in, explainable tags out. Pure, no I/O.

The stream handler turns every invitation change (old image -> new image) into an
`InvitationChange`, reads the candidate's earlier missed deadlines, and asks `evaluate()` which
tags follow. Every decision carries its rule (`source = rule:<tag>`), a human reason, the time
it happened (taken from the change, never from a clock) and an optional expiry, so the same
change always gives the same decisions: a replayed stream writes the same tags again.

    no_show         an invitation turned no_show
    exception_pool  the "cooling zone": every candidate of a campaign's no-show group
    breach          opened or started the interview, then missed the deadline; or missed two
                    deadlines within `breach_window_days`
    hold_contact    opted out (never expires), or said not_interested / accepted_other_offer
                    (expires after `expires_days["hold_contact"]`)
    re_invite       missed one deadline (the first in the window) with a high cooperation
                    score, or with a reason like schedule_conflict / technical_problem

Defaults are per tenant (`TagRules.from_json`, stored on the tenant item).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.shared.domain.errors import ValidationFailed

RULE_TAGS = ("no_show", "exception_pool", "breach", "hold_contact", "re_invite")
REASONS = ("schedule_conflict", "technical_problem", "did_not_see_message", "not_interested",
           "accepted_other_offer", "other")
TAG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: scope of tags that belong to the candidate, not to one campaign
PROFILE_SCOPE = "profile"
OPT_OUT_SCOPE = "opt_out"
MANUAL_SCOPE = "manual"
_ENGAGED = ("opened", "started")
_MISSED = ("no_show", "closed")  # closed: the grace window of a no-show ended

DEFAULT_EXPIRES_DAYS: dict[str, int | None] = {
    "no_show": None, "exception_pool": 30, "breach": 365, "hold_contact": 90, "re_invite": 60}


@dataclass(frozen=True)
class TagRules:
    enabled: frozenset[str] = frozenset(RULE_TAGS)
    expires_days: Mapping[str, int | None] = field(
        default_factory=lambda: dict(DEFAULT_EXPIRES_DAYS))
    breach_window_days: int = 180
    hold_contact_reasons: tuple[str, ...] = ("not_interested", "accepted_other_offer")
    re_invite_reasons: tuple[str, ...] = ("schedule_conflict", "technical_problem")
    re_invite_min_score: float = 70.0

    def expires(self, tag: str, at: datetime) -> datetime | None:
        days = self.expires_days.get(tag)
        return at + timedelta(days=days) if days else None

    def to_json(self) -> dict[str, Any]:
        return {"enabled": sorted(self.enabled), "expires_days": dict(self.expires_days),
                "breach_window_days": self.breach_window_days,
                "hold_contact_reasons": list(self.hold_contact_reasons),
                "re_invite_reasons": list(self.re_invite_reasons),
                "re_invite_min_score": self.re_invite_min_score}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> TagRules:
        """The tenant's rules; missing fields keep their defaults. Raises ValidationFailed."""
        if not raw:
            return cls()
        unknown = set(raw) - set(cls().to_json())
        if unknown:
            _fail(f"unknown fields: {', '.join(sorted(unknown))}")
        enabled = _names(raw.get("enabled", RULE_TAGS), RULE_TAGS, "enabled")
        expires = dict(DEFAULT_EXPIRES_DAYS)
        given = raw.get("expires_days", {})
        if not isinstance(given, Mapping):
            _fail("expires_days must be an object of tag -> days (or null)")
        for tag, days in given.items():
            if tag not in RULE_TAGS:
                _fail(f"expires_days: unknown tag {tag}")
            if days is not None and (not isinstance(days, int) or isinstance(days, bool)
                                     or not 1 <= days <= 3650):
                _fail(f"expires_days.{tag} must be null or 1-3650 days")
            expires[tag] = days
        window = raw.get("breach_window_days", 180)
        if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 3650:
            _fail("breach_window_days must be 1-3650")
        score = raw.get("re_invite_min_score", 70.0)
        if not isinstance(score, int | float) or isinstance(score, bool) or not 0 <= score <= 100:
            _fail("re_invite_min_score must be a number from 0 to 100")
        return cls(frozenset(enabled), expires, window,
                   tuple(_names(raw.get("hold_contact_reasons", cls.hold_contact_reasons),
                                REASONS, "hold_contact_reasons")),
                   tuple(_names(raw.get("re_invite_reasons", cls.re_invite_reasons), REASONS,
                                "re_invite_reasons")),
                   float(score))


def _fail(message: str) -> None:
    raise ValidationFailed(message, code="invalid_tag_rules")


def _names(value: Any, allowed: Sequence[str], name: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        _fail(f"{name} must be a list of strings")
    bad = [v for v in value if v not in allowed]
    if bad:
        _fail(f"{name}: unknown {', '.join(bad)} (allowed: {', '.join(allowed)})")
    return list(dict.fromkeys(value))


@dataclass(frozen=True)
class TagDecision:
    tag: str
    scope: str  # a campaign id, or PROFILE_SCOPE / OPT_OUT_SCOPE
    reason: str
    at: datetime
    expires_at: datetime | None
    invitation_id: str | None = None

    @property
    def source(self) -> str:
        return f"rule:{self.tag}"


@dataclass(frozen=True)
class InvitationChange:
    """What the stream saw of one invitation: its old and new image, reduced."""

    campaign_id: str
    invitation_id: str
    old_status: str | None
    new_status: str
    old_reason: str | None
    new_reason: str | None
    status_changed_at: datetime
    #: when the record was written (the reason's time: giving a reason keeps the status)
    at: datetime

    @property
    def became_no_show(self) -> bool:
        return self.new_status == "no_show" and self.old_status != "no_show"

    @property
    def reason_given(self) -> bool:
        return bool(self.new_reason) and self.new_reason != self.old_reason


def misses_in_window(misses: Sequence[datetime], at: datetime, rules: TagRules) -> int:
    """Missed deadlines (times of no-show tags) inside the window ending at `at`. Only times
    up to `at` count, so replaying an older change sees the history it saw the first time."""
    start = at - timedelta(days=rules.breach_window_days)
    return sum(1 for m in misses if start < m <= at)


def evaluate(change: InvitationChange, misses: Sequence[datetime], score: float | None,
             rules: TagRules) -> list[TagDecision]:
    """Tags that follow from one invitation change. `misses`: the times of the candidate's
    no-shows in other campaigns; `score`: the cooperation score (None: unknown)."""
    out: list[TagDecision] = []
    c = change

    def add(tag: str, reason: str, at: datetime, scope: str | None = None) -> None:
        if tag in rules.enabled:
            out.append(TagDecision(tag, scope or c.campaign_id, reason, at,
                                   rules.expires(tag, at), c.invitation_id))

    missed = c.new_status in _MISSED
    at = c.status_changed_at
    earlier = misses_in_window([m for m in misses if m < at], at, rules)
    if c.became_no_show:
        add("no_show", "did not complete the interview by the deadline", at)
        add("exception_pool", f"in the no-show group of campaign {c.campaign_id}", at)
        if c.old_status in _ENGAGED:
            add("breach", f"{c.old_status} the interview, then missed the deadline", at)
        elif earlier >= 1:
            add("breach", f"missed two deadlines within {rules.breach_window_days} days", at)
    first_miss = missed and earlier == 0
    if c.became_no_show and first_miss:
        if score is not None and score >= rules.re_invite_min_score:
            add("re_invite", f"missed one deadline with a cooperation score of {score:.0f}", at)
        elif c.new_reason in rules.re_invite_reasons:
            add("re_invite", f"missed one deadline, reason: {c.new_reason}", at)
    if c.reason_given and c.new_reason is not None:
        if c.new_reason in rules.hold_contact_reasons:
            add("hold_contact", f"said {c.new_reason}", c.at)
        elif first_miss and c.new_reason in rules.re_invite_reasons:
            add("re_invite", f"missed one deadline, reason: {c.new_reason}", at)
    return out


def opted_out(at: datetime, rules: TagRules) -> list[TagDecision]:
    """The candidate opted out of messages: hold_contact, with no expiry."""
    if "hold_contact" not in rules.enabled:
        return []
    return [TagDecision("hold_contact", OPT_OUT_SCOPE, "opted out of messages", at, None)]


def active(expires_at: datetime | None, removed_at: datetime | None, now: datetime) -> bool:
    """Expired or removed tags stop matching (TTL deletes expired items later)."""
    return removed_at is None and (expires_at is None or expires_at > now)


def check_tag_name(tag: str) -> str:
    if not TAG_NAME.match(tag):
        raise ValidationFailed("a tag is 1-40 characters: a-z, 0-9 and _, starting with a letter",
                               code="invalid_tag")
    return tag
