"""Pool candidates to suggest for a new position, best first (pool/domain/suggestions.py ranks).

Candidates come from the pool-by-score index (the best-scored first) and from the tag index
for tags named like the position's keywords (a good fit with a middling score still shows).
Candidates on hold (hold_contact), opted out or with every address suppressed are skipped,
and so are those already invited for this position.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.suppression_store import SuppressionStore
from chalicelib.pool.domain import cooperation
from chalicelib.pool.domain.suggestions import keywords, rank
from chalicelib.pool.domain.tag_rules import TAG_NAME
from chalicelib.pool.services.talent_pool import active_tags
from chalicelib.pool.stores.pool_stats_store import PoolStatsStore
from chalicelib.pool.stores.pool_store import PoolStore, Snapshot
from chalicelib.shared.domain.channels import addresses
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound

BY_SCORE = 200  # best-scored candidates looked at
BY_TAG = 100  # per keyword tag


def contact_block(snap: Snapshot, suppressions: SuppressionStore, now: datetime) -> str | None:
    """Why this candidate must not be contacted now (None: they may be)."""
    stats, profile = snap.stats, snap.profile
    if (stats and stats.opted_out_at) or (profile and profile.opted_out_at):
        return "opted_out"
    if any(t.tag == "hold_contact" for t in active_tags(snap, now)):
        return "hold_contact"
    if profile is None:
        return "no_profile"
    usable = [(c, a) for c, a in addresses(profile) if a]
    if not usable or all(suppressions.is_suppressed(profile.tenant_id, c, a) for c, a in usable):
        return "suppressed"
    return None


class SuggestionService:
    def __init__(self, pool: PoolStore, stats: PoolStatsStore, catalog: CatalogStore,
                 suppressions: SuppressionStore) -> None:
        self._pool = pool
        self._stats = stats
        self._catalog = catalog
        self._suppressions = suppressions

    def suggest(self, tenant_id: str, position_id: str | None, limit: int,
                now: datetime) -> dict[str, Any]:
        position = self._catalog.get_position(tenant_id, position_id) if position_id else None
        if position is None:
            raise NotFound(f"position {position_id} not found", code="position_not_found")
        wanted = keywords(position.title, position.department)
        found = [s.candidate_id for s in self._stats.by_score(tenant_id, BY_SCORE)
                 if s.candidate_id]
        for word in sorted(wanted):
            if TAG_NAME.match(word):
                entries, _ = self._pool.tag_page(tenant_id, word, None, BY_TAG, None)
                found += [e.candidate_id for e in entries]
        ranked: list[dict[str, Any]] = []
        skipped: dict[str, int] = {}
        for candidate_id in dict.fromkeys(found):
            snap = self._pool.snapshot(tenant_id, candidate_id)
            block = contact_block(snap, self._suppressions, now)
            if block is None and snap.stats and snap.stats.positions and \
                    position_id in snap.stats.positions:
                block = "already_invited_for_position"
            if block is not None:
                skipped[block] = skipped.get(block, 0) + 1
                continue
            stats = snap.stats
            score = float(stats.score) if stats and stats.score is not None else cooperation.BASE
            tags = sorted({t.tag for t in active_tags(snap, now)})
            r = rank(score, stats.last_activity_at if stats else None, now, tags, wanted)
            ranked.append({"candidate_id": candidate_id,
                           "name": snap.profile.name if snap.profile else None,
                           "rank": r.value, "score": r.score, "recency": r.recency,
                           "fit": r.fit, "matched_keywords": list(r.matched), "tags": tags,
                           "last_activity_at": instant(stats.last_activity_at)
                           if stats and stats.last_activity_at else None})
        ranked.sort(key=lambda x: (-x["rank"], x["candidate_id"]))
        return {"position_id": position_id, "keywords": sorted(wanted),
                "items": ranked[:limit], "skipped": skipped}
