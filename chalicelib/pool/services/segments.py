"""Talent-pool segments: which candidates a query, a suggestion or a re-engagement rule means
(tags all/any/none, score range, campaign, position, activity, locale), parsed from request
parameters. The segment's driving tag is the partition of the tag index that is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.clock import parse_instant
from chalicelib.pool.domain.tag_rules import check_tag_name
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed

#: rule tags from the (usually) smallest partition to the largest: custom tags come first
SELECTIVITY = ("breach", "re_invite", "hold_contact", "no_show", "exception_pool")

@dataclass(frozen=True)
class Segment:
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    min_score: float | None = None
    max_score: float | None = None
    campaign_id: str | None = None
    position_id: str | None = None
    active_since: datetime | None = None
    locale: str | None = None

    def drivers(self) -> tuple[str, ...]:
        if self.all:
            rank = {t: i for i, t in enumerate(SELECTIVITY)}
            return (min(self.all, key=lambda t: (rank.get(t, -1), t)),)
        return self.any


def parse_segment(params: dict[str, str | None]) -> Segment:
    def tags(name: str) -> tuple[str, ...]:
        raw = params.get(name) or ""
        return tuple(dict.fromkeys(check_tag_name(t.strip()) for t in raw.split(",")
                                   if t.strip()))

    def number(name: str) -> float | None:
        raw = params.get(name)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 100:
            raise ValidationFailed(f"{name} must be a number from 0 to 100",
                                   code="invalid_score_range")
        return value

    all_tags = tags("all") + tuple(t for t in tags("tag") if t not in tags("all"))
    since = params.get("active_since")
    try:
        active_since = parse_instant(since) if since else None
    except ValueError as err:
        raise ValidationFailed("active_since must be an ISO 8601 instant",
                               code="invalid_active_since") from err
    segment = Segment(all_tags, tags("any"), tags("none"), number("min_score"),
                      number("max_score"), params.get("campaign_id"), params.get("position_id"),
                      active_since, params.get("locale"))
    if not segment.drivers():
        raise Unprocessable("name at least one tag: tag, all or any", code="missing_tag")
    return segment
