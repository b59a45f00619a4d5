"""The talent pool: segments (tags all/any/none, score, position, activity, locale), a
candidate's profile with tags, score and history, manual tags (audited), per-tenant rules.

Segment queries are driven by the tag index (gsi1, one partition per tag): the most selective
tag of `all` (or each `any` tag in turn) is read in index order and every other condition is
checked on the candidate's snapshot (stats + profile + tags: one Query). The cursor is the
index key of the last candidate looked at, so pages are stable and complete. Read cost per
candidate looked at: its index entry (~0.1 RCU) + its snapshot (0.5 RCU up to 4 KB); the
snapshots of one index page are read concurrently.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from chalicelib.invitations.services.views import invitation_view
from chalicelib.pool.domain import cooperation
from chalicelib.pool.domain.tag_rules import (
    MANUAL_SCOPE,
    RULE_TAGS,
    TagRules,
    active,
    check_tag_name,
)
from chalicelib.pool.models import TagItem
from chalicelib.pool.services.segments import Segment, parse_segment
from chalicelib.pool.services.views import pool_view, tag_view
from chalicelib.pool.stores.pool_store import PoolStore, Snapshot, audit_item
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound, Unprocessable

MAX_LOOKED_AT = 500  # index entries per request; a sparse segment answers in several pages
MAX_COUNTED = 20_000
SNAPSHOT_THREADS = 8  # a page's candidate snapshots are read a few at a time


def _encode(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {"d": 0, "k": None}
    try:
        value = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        if isinstance(value, dict) and isinstance(value.get("d"), int):
            return value
    except (ValueError, UnicodeDecodeError):
        pass
    raise Unprocessable("cursor is not valid", code="invalid_cursor")


def active_tags(snap: Snapshot, now: datetime) -> list[TagItem]:
    return [t for t in snap.tags if active(t.expires_at, t.removed_at, now)]


class TalentPoolService:
    def __init__(self, store: PoolStore) -> None:
        self._store = store

    # -- segments ----------------------------------------------------------------------------
    def candidates(self, tenant_id: str, tag: str | None, campaign_id: str | None,
                   limit: int, cursor: str | None, now: datetime,
                   params: dict[str, str | None] | None = None,
                   count: bool = False) -> dict[str, Any]:
        """`GET /talent-pool/candidates`: `tag=no_show&campaign_id=X` is the segment
        all=[no_show] driven from campaign X's part of the no_show index."""
        segment = parse_segment({**(params or {}), "tag": tag, "campaign_id": campaign_id})
        items, next_cursor = self._page(tenant_id, segment, limit, _decode(cursor), now)
        result: dict[str, Any] = {"items": items, "next_cursor": next_cursor}
        if count:
            result["count"] = self.count(tenant_id, segment, now)
        return result

    def members(self, tenant_id: str, segment: Segment, now: datetime,
                most: int) -> list[dict[str, Any]]:
        """The segment's rows (at most `most`), every page."""
        out: list[dict[str, Any]] = []
        state: dict[str, Any] = {"d": 0, "k": None}
        while len(out) < most:
            items, cursor = self._page(tenant_id, segment, min(100, most - len(out)), state,
                                       now)
            out += items
            if cursor is None:
                break
            state = _decode(cursor)
        return out

    def count(self, tenant_id: str, segment: Segment, now: datetime) -> int:
        total, state = 0, {"d": 0, "k": None}
        while True:
            items, cursor = self._page(tenant_id, segment, 100, state, now)
            total += len(items)
            if cursor is None or total >= MAX_COUNTED:
                return total
            state = _decode(cursor)

    def _page(self, tenant_id: str, segment: Segment, limit: int, state: dict[str, Any],
              now: datetime) -> tuple[list[dict[str, Any]], str | None]:
        drivers = segment.drivers()
        out: list[dict[str, Any]] = []
        looked = 0
        d, key = int(state["d"]), state.get("k")
        while d < len(drivers):
            entries, last = self._store.tag_page(tenant_id, drivers[d], segment.campaign_id,
                                                 min(limit - len(out), 100), key)
            live = [e for e in entries if active(e.expires_at, e.removed_at, now)]
            with ThreadPoolExecutor(max_workers=SNAPSHOT_THREADS) as pool:
                snaps = dict(zip([e.candidate_id for e in live], pool.map(
                    lambda e: self._store.snapshot(tenant_id, e.candidate_id), live),
                    strict=True))
            for entry in entries:
                looked += 1
                key = {"pk": {"S": entry.pk}, "sk": {"S": entry.sk},
                       "gsi1pk": {"S": entry.gsi1pk}, "gsi1sk": {"S": entry.gsi1sk}}
                snap = snaps.get(entry.candidate_id)
                row = None if snap is None else self._match(segment, drivers[:d], entry, snap,
                                                            now)
                if row is not None:
                    out.append(row)
                if len(out) >= limit or looked >= MAX_LOOKED_AT:
                    more = last is not None or entry is not entries[-1] or d + 1 < len(drivers)
                    return out, _encode({"d": d, "k": key}) if more else None
            if last is None:
                d, key = d + 1, None
            else:
                key = last
        return out, None

    def _match(self, s: Segment, earlier: Sequence[str], entry: TagItem, snap: Snapshot,
               now: datetime) -> dict[str, Any] | None:
        tags = active_tags(snap, now)
        names = {t.tag for t in tags}

        def in_scope(t: TagItem) -> bool:
            return s.campaign_id is None or t.campaign_id == s.campaign_id

        # once per candidate: at its first active entry of this tag, and not if an earlier
        # `any` tag already listed it
        if any(t.tag == entry.tag and in_scope(t) and t.sk < entry.sk for t in tags):
            return None
        if any(t.tag in earlier and in_scope(t) for t in tags):
            return None
        if not set(s.all) <= names or (s.any and not names & set(s.any)):
            return None
        if names & set(s.none):
            return None
        stats = snap.stats
        score = float(stats.score) if stats and stats.score is not None else cooperation.BASE
        if (s.min_score is not None and score < s.min_score) or (
                s.max_score is not None and score > s.max_score):
            return None
        if s.position_id and not (stats and stats.positions and s.position_id in stats.positions):
            return None
        last = stats.last_activity_at if stats else None
        if s.active_since and (last is None or last < s.active_since):
            return None
        if s.locale and (snap.profile is None or snap.profile.locale != s.locale):
            return None
        row = pool_view(entry, snap.profile)
        row["tags"] = sorted(names)
        row["score"] = score
        row["last_activity_at"] = instant(last) if last else None
        return row

    # -- one candidate -----------------------------------------------------------------------
    def candidate(self, tenant_id: str, candidate_id: str, now: datetime) -> dict[str, Any]:
        snap = self._snapshot(tenant_id, candidate_id)
        stats = snap.stats
        sums = stats.scaled_sums() if stats else {}
        weights = cooperation.decayed(sums, now)
        score = cooperation.from_totals(weights)
        invitations: list[dict[str, Any]] = []
        if stats and stats.campaigns:
            inv_ids = [ids.invitation_id(tenant_id, c, candidate_id) for c in stats.campaigns]
            found = self._store.invitations(tenant_id, inv_ids)
            invitations = [invitation_view(i) for i in
                           sorted(found, key=lambda i: (i.created_at, i.invitation_id))]
        p = snap.profile
        return {
            "candidate_id": candidate_id,
            "profile": {"name": p.name if p else None, "email": p.email if p else None,
                        "phone": p.phone if p else None, "locale": p.locale if p else None,
                        "created_at": instant(p.created_at) if p else None},
            "tags": [tag_view(t) for t in active_tags(snap, now)],
            "score": {"value": score.value, "components": score.components,
                      "parts": [{"name": p.name, "points": p.points, "limit": p.limit,
                                 "events": p.events}
                                for p in cooperation.explain(weights, score)],
                      "half_life_days": cooperation.HALF_LIFE.days,
                      "stored": float(stats.score) if stats and stats.score is not None
                      else None,
                      "stored_at": instant(stats.score_at) if stats and stats.score_at
                      else None},
            "behaviour_events": int(stats.events or 0) if stats else 0,
            "last_activity_at": instant(stats.last_activity_at)
            if stats and stats.last_activity_at else None,
            "opted_out_at": instant(stats.opted_out_at) if stats and stats.opted_out_at
            else None,
            "invitations": invitations,
            "audit": [{"action": a.action, "tag": a.tag, "by": a.key_id, "why": a.why,
                       "at": instant(a.at)}
                      for a in self._store.audit_trail(tenant_id, candidate_id)],
        }

    def _snapshot(self, tenant_id: str, candidate_id: str) -> Snapshot:
        snap = self._store.snapshot(tenant_id, candidate_id, consistent=True)
        if snap.profile is None and snap.stats is None:
            raise NotFound(f"candidate {candidate_id} not found", code="candidate_not_found")
        return snap

    # -- manual tags -------------------------------------------------------------------------
    def add_tag(self, tenant_id: str, candidate_id: str, tag: str, reason: str,
                expires_at: datetime | None, key_id: str, now: datetime) -> dict[str, Any]:
        check_tag_name(tag)
        if expires_at is not None and expires_at <= now:
            raise Unprocessable("expires_at must be in the future", code="invalid_expiry")
        self._snapshot(tenant_id, candidate_id)
        pk, sk = TagItem.key(tenant_id, candidate_id, tag, MANUAL_SCOPE)
        gpk, gsk = TagItem.index_keys(tenant_id, tag, MANUAL_SCOPE, candidate_id)
        item = TagItem(pk, sk, tenant_id=tenant_id, candidate_id=candidate_id, tag=tag,
                       campaign_id=MANUAL_SCOPE, source=f"user:{key_id}", reason=reason,
                       created_at=now, expires_at=expires_at, expiration=expires_at,
                       gsi1pk=gpk, gsi1sk=gsk)
        self._store.put_manual_tag(item, audit_item(tenant_id, candidate_id, "tag.added", tag,
                                                    key_id, reason, now))
        return tag_view(item)

    def remove_tag(self, tenant_id: str, candidate_id: str, tag: str, why: str | None,
                   key_id: str, now: datetime) -> dict[str, Any]:
        check_tag_name(tag)
        snap = self._snapshot(tenant_id, candidate_id)
        found = [t for t in active_tags(snap, now) if t.tag == tag]
        if not found:
            raise NotFound(f"candidate has no active tag {tag}", code="tag_not_found")
        self._store.remove_tags(found, audit_item(tenant_id, candidate_id, "tag.removed", tag,
                                                  key_id, why, now), now, key_id)
        return {"candidate_id": candidate_id, "tag": tag, "removed": len(found)}

    # -- per-tenant rules --------------------------------------------------------------------
    def rules(self, tenant_id: str) -> dict[str, Any]:
        return {**TagRules.from_json(self._store.rules(tenant_id)).to_json(),
                "tags": list(RULE_TAGS)}

    def replace_rules(self, tenant_id: str, raw: dict[str, Any]) -> dict[str, Any]:
        rules = TagRules.from_json(raw)
        self._store.replace_rules(tenant_id, rules.to_json())
        return {**rules.to_json(), "tags": list(RULE_TAGS)}

