"""A candidate's timeline across campaigns, newest first: each invitation (created, its
messages, its status now) merged with the candidate's timeline events (vendor events,
self-service, HR actions).

The candidate's invitations are found through their pool stats (the campaigns they were
invited to, kept from the stream) and read in one BatchGetItem; their messages with one Query
each. The events are one Query on the candidate's partition (`EVT#<instant>#<source>`),
read backwards. Every entry has an order key `<instant>#<tie-breaker>` and the cursor is the
last key returned, so a page carries on strictly before it. An interviewer key sees only the
entries of its campaigns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.invitations.models import InvitationItem, TimelineItem
from chalicelib.invitations.services.views import timeline_source
from chalicelib.invitations.stores import console_queries as queries
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.pool.stores.pool_store import PoolStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound, Unprocessable
from chalicelib.shared.stores.dynamo import decode_cursor, encode_cursor

MAX_INVITATIONS = 100
MAX_ID = 100  # longer ids exist nowhere (and would make keys DynamoDB refuses)
BUDGET = 1000  # events one page may look at (an interviewer's page skips others' events)


class CandidateTimeline:
    def __init__(self, pool: PoolStore, catalog: CatalogStore) -> None:
        self._pool = pool
        self._catalog = catalog

    def page(self, tenant_id: str, candidate_id: str, only: tuple[str, ...] | None,
             limit: int, cursor: str | None) -> dict[str, Any]:
        before = _before(cursor)
        if not 0 < len(candidate_id) <= MAX_ID:
            raise NotFound(f"candidate {candidate_id} not found", code="candidate_not_found")
        snap = self._pool.snapshot(tenant_id, candidate_id, consistent=True)
        if snap.profile is None and snap.stats is None:
            raise NotFound(f"candidate {candidate_id} not found", code="candidate_not_found")
        campaigns = sorted(snap.stats.campaigns or ()) if snap.stats else []
        invs = [i for i in self._pool.invitations(tenant_id, [
            ids.invitation_id(tenant_id, c, candidate_id) for c in campaigns[:MAX_INVITATIONS]])
            if only is None or i.campaign_id in only]
        if only is not None and not invs:
            raise NotFound(f"candidate {candidate_id} not found", code="candidate_not_found")
        invs.sort(key=lambda i: (i.created_at, i.invitation_id), reverse=True)
        names = {}
        for c in {i.campaign_id for i in invs}:
            campaign = self._catalog.get_campaign(tenant_id, c)
            names[c] = campaign.name if campaign else None
        by_id = {i.invitation_id: i for i in invs}
        own = sorted((e for inv in invs for e in self._own_entries(tenant_id, inv)),
                     key=lambda e: e[0], reverse=True)
        own = [e for e in own if before is None or e[0] < before]
        events = self._events(tenant_id, candidate_id, before, by_id)
        items: list[tuple[str, dict[str, Any]]] = []
        nxt = next(events, None)
        while len(items) < limit + 1 and (own or nxt is not None):
            if nxt is not None and (not own or nxt[0] > own[0][0]):
                items.append(nxt)
                nxt = next(events, None)
            else:
                items.append(own.pop(0))
        more = len(items) > limit
        items = items[:limit]
        for _, entry in items:
            entry["campaign_id"] = by_id[entry["invitation_id"]].campaign_id
            entry["campaign_name"] = names.get(entry["campaign_id"])
        p = snap.profile
        return {"candidate_id": candidate_id,
                "name": p.name if p is not None and p.erased_at is None else None,
                "invitations": [{"id": i.invitation_id, "campaign_id": i.campaign_id,
                                 "campaign_name": names.get(i.campaign_id),
                                 "status": i.status, "deadline_at": instant(i.deadline_at),
                                 "created_at": instant(i.created_at)} for i in invs],
                "items": [e for _, e in items],
                "next_cursor": encode_cursor({"b": items[-1][0]}) if more and items else None}

    def _own_entries(self, tenant_id: str, inv: InvitationItem
                     ) -> list[tuple[str, dict[str, Any]]]:
        """The invitation's own entries: created, each message, its status now."""
        i = inv.invitation_id
        out = [(f"{instant(inv.created_at)}#0:{i}",
                _entry(instant(inv.created_at), "invitation.created", "api", None, i))]
        for m in queries.messages(tenant_id, i):
            at = instant(m.sent_at or m.created_at)
            out.append((f"{at}#1:{i}:{m.kind}:{m.channel}",
                        {**_entry(at, f"message.{m.status}", "delivery", None, i),
                         "channel": m.channel, "template": m.template or m.kind}))
        at = instant(inv.status_changed_at)
        out.append((f"{at}#~:{i}", _entry(at, f"status.{inv.status}", "state", inv.status, i)))
        return out

    def _events(self, tenant_id: str, candidate_id: str, before: str | None,
                invitations: dict[str, InvitationItem]
                ) -> Iterator[tuple[str, dict[str, Any]]]:
        looked = 0
        for event in queries.candidate_events(tenant_id, candidate_id, before):
            looked += 1
            if looked > BUDGET:
                return
            if not isinstance(event, TimelineItem) or event.invitation_id not in invitations:
                continue
            order = event.sk.removeprefix("EVT#")
            if before is not None and order >= before:
                continue
            yield order, _entry(instant(event.occurred_at), event.type, timeline_source(event),
                                event.applied, event.invitation_id)


def _entry(at: str, kind: str, source: str, applied: str | None,
           invitation_id: str) -> dict[str, Any]:
    return {"at": at, "type": kind, "source": source, "applied": applied, "channel": None,
            "template": None, "invitation_id": invitation_id}


def _before(cursor: str | None) -> str | None:
    state = decode_cursor(cursor)
    if state is None:
        return None
    before = state.get("b")
    if not isinstance(before, str) or not 0 < len(before) <= 300:
        raise Unprocessable("cursor is not valid", code="invalid_cursor")
    return before
