"""HR's queue of the extension requests candidates made on their self-service page after
the one automatic approval was used up (delivery/services/self_service.py queues them).

Approving applies the extension through the ordinary HR action (`InvitationActions`, which
re-plans the reminder rounds) and denying only closes the request; both record the HR action
in the candidate's timeline and clear the invitation's pending flag. Both are idempotent: a
retried approval answers the same (and finishes applying the stored deadline if a crash cut
the first attempt short, claim then act), a retried denial the same; approving a denied
request, or denying an approved one, is 409 `extension_request_decided`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.domain.invitation import Status, extended_status
from chalicelib.invitations.models import ExtensionRequestItem
from chalicelib.invitations.services.invitation_actions import InvitationActions
from chalicelib.invitations.services.views import hr_event
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.extension_store import ExtensionStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.invitations.stores.profile_store import ProfileStore
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import Conflict, NotFound, Unprocessable, ValidationFailed

STATUSES = ("pending", "approved", "denied")
DEFAULT_HOURS = 48  # what the automatic approval grants, too
MAX_HOURS = 720
MAX_NOTE = 500


def _at(value: datetime | None) -> str | None:
    return instant(value) if value else None


class ExtensionRequests:
    def __init__(self, store: ExtensionStore, invitations: InvitationStore,
                 actions: InvitationActions, catalog: CatalogStore,
                 profiles: ProfileStore) -> None:
        self._store = store
        self._invitations = invitations
        self._actions = actions
        self._catalog = catalog
        self._profiles = profiles

    def queue(self, tenant_id: str, status: str | None, campaign_id: str | None,
             only: tuple[str, ...] | None, limit: int, cursor: str | None) -> dict[str, Any]:
        """`only`: the campaigns an interviewer key may see (None: every campaign)."""
        status = status or "pending"
        if status not in STATUSES:
            raise ValidationFailed("status must be one of: " + ", ".join(STATUSES),
                                   code="invalid_status")

        def keep(r: ExtensionRequestItem) -> bool:
            return ((campaign_id is None or r.campaign_id == campaign_id)
                    and (only is None or r.campaign_id in only))

        items, next_cursor = self._store.queue(tenant_id, status, keep, limit, cursor)
        return {"items": self._views(tenant_id, items), "next_cursor": next_cursor}

    def approve(self, tenant_id: str, request_id: str, hours: int | None,
                new_deadline: datetime | None, key_id: str, now: datetime,
                only: tuple[str, ...] | None) -> dict[str, Any]:
        if hours is not None and new_deadline is not None:
            raise Unprocessable("give hours or new_deadline_at, not both",
                                   code="ambiguous_extension")
        request = self._request(tenant_id, request_id, only)
        if request.status == "denied":
            raise Conflict("this request was denied", code="extension_request_decided")
        if request.status == "pending":
            inv = self._invitations.get(tenant_id, request.invitation_id)
            if inv is None:
                raise NotFound("the request's invitation no longer exists",
                               code="invitation_not_found")
            deadline = new_deadline or max(inv.deadline_at, now) + timedelta(
                hours=hours or DEFAULT_HOURS)
            if deadline <= now:
                raise Unprocessable("new_deadline_at must be in the future",
                                       code="invalid_deadline")
            if extended_status(Status(inv.status), deadline, now) is None:
                raise Conflict(f"the invitation is {inv.status}: it cannot be extended "
                               "(deny the request instead)", code="not_extendable")
            event = hr_event(tenant_id, request.candidate_id, request.invitation_id,
                             "hr.extension", now, key_id, f"approved:{instant(deadline)}")
            if not self._store.decide(request, "approved", now, key_id, deadline, None, event):
                return self.approve(tenant_id, request_id, hours, new_deadline, key_id, now,
                                    only)  # decided meanwhile: answer as a retry would
        self._apply(request, now)
        return self._views(tenant_id, [request])[0]

    def deny(self, tenant_id: str, request_id: str, note: str | None, key_id: str,
             now: datetime, only: tuple[str, ...] | None) -> dict[str, Any]:
        if note is not None and len(note) > MAX_NOTE:
            raise ValidationFailed(f"note is longer than {MAX_NOTE} characters",
                                   code="note_too_long")
        request = self._request(tenant_id, request_id, only)
        if request.status == "approved":
            raise Conflict("this request was approved", code="extension_request_decided")
        if request.status == "pending":
            event = hr_event(tenant_id, request.candidate_id, request.invitation_id,
                             "hr.extension", now, key_id, "denied")
            if not self._store.decide(request, "denied", now, key_id, None, note, event):
                return self.deny(tenant_id, request_id, note, key_id, now, only)
        return self._views(tenant_id, [request])[0]

    def _apply(self, request: ExtensionRequestItem, now: datetime) -> None:
        """Give the invitation the approved deadline unless it has it (claim, then act: a
        retry after a crash between the two finishes the work)."""
        deadline = request.new_deadline_at
        inv = self._invitations.get(request.tenant_id, request.invitation_id)
        if inv is None or deadline is None or inv.deadline_at == deadline:
            return
        if extended_status(Status(inv.status), deadline, now) is None:
            return  # completed (or the deadline passed) meanwhile: nothing left to extend
        self._actions.run(request.tenant_id, "extend", [request.invitation_id], deadline, now)

    def _request(self, tenant_id: str, request_id: str,
                 only: tuple[str, ...] | None) -> ExtensionRequestItem:
        request = self._store.get(tenant_id, request_id)
        if request is None or (only is not None and request.campaign_id not in only):
            raise NotFound(f"extension request {request_id} not found",
                           code="extension_request_not_found")
        return request

    def _views(self, tenant_id: str, items: list[ExtensionRequestItem]) -> list[dict[str, Any]]:
        profiles = self._profiles.profiles(tenant_id, list({r.candidate_id for r in items}))
        names: dict[str, str | None] = {}
        invitations = {r.invitation_id: self._invitations.get(tenant_id, r.invitation_id)
                       for r in items}
        out = []
        for r in items:
            if r.campaign_id not in names:
                campaign = self._catalog.get_campaign(tenant_id, r.campaign_id)
                names[r.campaign_id] = campaign.name if campaign else None
            p, inv = profiles.get(r.candidate_id), invitations.get(r.invitation_id)
            out.append({
                "id": r.request_id, "status": r.status, "invitation_id": r.invitation_id,
                "campaign_id": r.campaign_id, "campaign_name": names[r.campaign_id],
                "candidate_id": r.candidate_id,
                "candidate": {"name": p.name, "email": p.email, "phone": p.phone}
                if p is not None else None,
                "requested_at": instant(r.requested_at),
                "deadline_at_request": instant(r.deadline_at),
                "invitation_status": inv.status if inv else None,
                "deadline_at": _at(inv.deadline_at) if inv else None,
                "decided_at": _at(r.decided_at), "decided_by": r.decided_by,
                "new_deadline_at": _at(r.new_deadline_at), "note": r.note})
        return out
