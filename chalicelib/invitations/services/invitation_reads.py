"""Invitations as an HR console reads them: a campaign's invitations with or without a
status, searched by name, email or phone, and one invitation with its timeline.

Every read is a Query or GetItem. An email or phone search is a key lookup (candidate ids
derive from the address; a phone goes through the phone index), so it costs the same in a
campaign of 100,000. A name search walks the campaign's invitations a page at a time (one
Query on the status index, one BatchGetItem of their profiles) and answers with a cursor
after at most `BUDGET` invitations, so no request reads more than that.
"""

from __future__ import annotations

from typing import Any

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.models import CandidateItem, InvitationItem
from chalicelib.invitations.services.views import invitation_view, timeline_source
from chalicelib.invitations.stores import console_queries as queries
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.invitations.stores.profile_store import ProfileStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.contacts import ContactProblem, normalise_email, normalise_phone
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound, Unprocessable, ValidationFailed
from chalicelib.shared.stores.dynamo import decode_cursor, encode_cursor

STATUSES = tuple(s.value for s in Status)
MAX_QUERY = 200  # the search box: a name part, an email or a phone
#: where late results are (a completion after a cancel keeps the cancel)
LATE_STATUSES = ("completed_late", "cancelled")
BUDGET = 1000


def _brief(profile: CandidateItem | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {"name": profile.name, "email": profile.email, "phone": profile.phone}


class InvitationReads:
    def __init__(self, catalog: CatalogStore, store: InvitationStore,
                 profiles: ProfileStore) -> None:
        self._catalog = catalog
        self._store = store
        self._profiles = profiles

    def list(self, tenant_id: str, campaign_id: str, status: str | None, q: str | None,
             limit: int, cursor: str | None, late: bool = False) -> dict[str, Any]:
        """`late`: only invitations with a late result (walked like a name search)."""
        if self._catalog.get_campaign(tenant_id, campaign_id) is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        if status is not None and status not in STATUSES:
            raise ValidationFailed("status must be one of: " + ", ".join(STATUSES),
                                   code="invalid_status")
        statuses = (status,) if status else STATUSES
        if q is not None and len(q) > MAX_QUERY:
            raise ValidationFailed(f"q is at most {MAX_QUERY} characters", code="invalid_query")
        if late:
            statuses = tuple(s for s in statuses if s in LATE_STATUSES)
        query = (q or "").strip()
        if query and ("@" in query or query.lstrip("+").replace(" ", "").isdigit()):
            return self._by_address(tenant_id, campaign_id, query, statuses)
        index, start = _position(cursor, len(statuses))
        found: list[tuple[InvitationItem, CandidateItem | None]] = []
        looked = 0
        while index < len(statuses) and len(found) < limit and looked < BUDGET:
            size = max(limit - len(found), 25) if query or late else limit - len(found)
            result = queries.invitations_with_status(tenant_id, campaign_id, statuses[index],
                                                     size, start)
            batch = list(result)
            looked += len(batch)
            profiles = self._profiles.profiles(tenant_id, [i.candidate_id for i in batch])
            start = result.last_evaluated_key
            for n, item in enumerate(batch):
                profile = profiles.get(item.candidate_id)
                if late and not item.late_result:
                    continue
                if not query or (profile and query.casefold() in profile.name.casefold()):
                    found.append((item, profile))
                if len(found) == limit and n < len(batch) - 1:
                    start = queries.gsi1_key(item)  # the rest of this batch comes next
                    break
            if start is None:
                index += 1
        more = index < len(statuses)
        return {"items": [{**invitation_view(i), "candidate": _brief(p)} for i, p in found],
                "next_cursor": encode_cursor({"s": index, "k": start}) if more else None}

    def _by_address(self, tenant_id: str, campaign_id: str, query: str,
                    statuses: tuple[str, ...]) -> dict[str, Any]:
        candidates: list[str] = []
        if "@" in query:
            email = normalise_email(query)
            if not isinstance(email, ContactProblem):
                candidates.append(ids.candidate_id(tenant_id, f"email:{email}"))
        else:
            phone = normalise_phone(query)
            if not isinstance(phone, ContactProblem):
                candidates += list(self._profiles.by_phone(tenant_id, [phone]).values())
                candidates.append(ids.candidate_id(tenant_id, f"phone:{phone}"))
        items = []
        for candidate in dict.fromkeys(candidates):
            inv = self._store.get(tenant_id, ids.invitation_id(tenant_id, campaign_id, candidate),
                                  consistent=False)
            if inv is not None and inv.status in statuses:
                profile = self._profiles.profiles(tenant_id, [candidate]).get(candidate)
                items.append({**invitation_view(inv), "candidate": _brief(profile)})
        return {"items": items, "next_cursor": None}

    def detail(self, tenant_id: str, invitation_id: str) -> dict[str, Any]:
        inv = self._store.get(tenant_id, invitation_id)
        if inv is None:
            raise NotFound(f"invitation {invitation_id} not found", code="invitation_not_found")
        profile = self._profiles.profiles(tenant_id, [inv.candidate_id]).get(inv.candidate_id)
        campaign = self._catalog.get_campaign(tenant_id, inv.campaign_id)
        timeline: list[dict[str, Any]] = [
            {"at": instant(inv.created_at), "type": "invitation.created", "source": "api"}]
        for event in queries.timeline(tenant_id, inv.candidate_id, invitation_id):
            timeline.append({"at": instant(event.occurred_at), "type": event.type,
                             "source": timeline_source(event), "applied": event.applied,
                             "detail": event.detail})
        messages = []
        for m in queries.messages(tenant_id, invitation_id):
            view = {"kind": m.kind, "channel": m.channel, "template": m.template or m.kind,
                    "status": m.status, "attempts": int(m.attempts or 0),
                    "created_at": instant(m.created_at),
                    "sent_at": instant(m.sent_at) if m.sent_at else None,
                    "delivered_at": instant(m.delivered_at) if m.delivered_at else None,
                    "clicked_at": instant(m.clicked_at) if m.clicked_at else None,
                    "error": m.last_error}
            messages.append(view)
            timeline.append({"at": view["sent_at"] or view["created_at"],
                             "type": f"message.{m.status}", "source": "delivery",
                             "applied": None, "channel": m.channel,
                             "template": view["template"]})
        timeline.append({"at": instant(inv.status_changed_at), "type": f"status.{inv.status}",
                         "source": "state", "applied": inv.status})
        timeline.sort(key=lambda e: e["at"])
        return {**invitation_view(inv), "candidate": _brief(profile),
                "campaign_name": campaign.name if campaign else None,
                "reason": inv.reason, "reason_text": inv.reason_text,
                "delivery_problem": inv.delivery_problem, "rounds_done": int(inv.rounds_done or 0),
                "extension_requested_at": (instant(inv.extension_requested_at)
                                           if inv.extension_requested_at else None),
                "messages": messages, "timeline": timeline}


def _position(cursor: str | None, statuses: int) -> tuple[int, dict[str, Any] | None]:
    """The cursor of this listing: which status partition, and where in it."""
    state = decode_cursor(cursor)
    if state is None:
        return 0, None
    index, key = state.get("s"), state.get("k")
    if not isinstance(index, int) or not 0 <= index < statuses \
            or not (key is None or isinstance(key, dict)):
        raise Unprocessable("cursor is not valid", code="invalid_cursor")
    return index, key
