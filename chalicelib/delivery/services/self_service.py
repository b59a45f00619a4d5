"""Candidate self-service through the signed link in every message.

The candidate sees status and deadline; gives a reason for missing it (a fixed list); asks
for an extension (approved automatically once, by at most `AUTO_EXTENSION`, otherwise queued
for HR); or opts out of further messages (every address of theirs is suppressed for the
tenant). The token names tenant and invitation, expires after the grace window, and serves
this purpose only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.delivery.models import ShortLinkItem
from chalicelib.delivery.stores.short_link_store import ShortLinkStore
from chalicelib.invitations.domain.invitation import EXTENDABLE, Status
from chalicelib.invitations.models import InvitationItem, SuppressionItem, TimelineItem
from chalicelib.invitations.services.invitation_actions import InvitationActions
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.invitations.stores.suppression_store import SuppressionStore
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.pool.stores.pool_store import PoolStore
from chalicelib.shared.adapters.signing_key import SigningKey
from chalicelib.shared.domain.channels import addresses
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound, Unauthorized, ValidationFailed
from chalicelib.shared.domain.tokens import (
    SELF_SERVICE,
    TokenClaims,
    TokenProblem,
    is_short_code,
    short_code,
    sign,
    verify,
)

REASONS = ("schedule_conflict", "technical_problem", "did_not_see_message", "not_interested",
           "accepted_other_offer", "other")
AUTO_EXTENSION = timedelta(hours=48)
AUTO_EXTENSIONS_ALLOWED = 1
LINK_OUTLIVES_GRACE = timedelta(days=7)
MAX_TEXT = 1000


class SelfService:
    def __init__(self, invitations: InvitationStore, catalog: CatalogStore,
                 tenants: TenantStore, pool: PoolStore, suppressions: SuppressionStore,
                 actions: InvitationActions, key: SigningKey, base_url: str,
                 short_links: ShortLinkStore) -> None:
        self._short_links = short_links
        self._invitations = invitations
        self._catalog = catalog
        self._tenants = tenants
        self._pool = pool
        self._suppressions = suppressions
        self._actions = actions
        self._key = key
        self._base_url = base_url.rstrip("/")

    def link(self, inv: InvitationItem) -> str:
        """The candidate's self-service link (valid until a week after the grace window)."""
        token = self._token(inv.tenant_id, inv.invitation_id, _expiry(inv))
        return f"{self._base_url}/self-service/{token}"

    def short_link(self, inv: InvitationItem, now: datetime) -> str:
        """The same page for SMS: `<base>/s/<12 characters>`, stored (idempotently) with
        tenant, invitation and the link's expiry; the code itself names nothing."""
        code = short_code(inv.tenant_id, inv.invitation_id, self._key())
        expires = _expiry(inv)
        pk, sk = ShortLinkItem.key(code)
        self._short_links.save(ShortLinkItem(
            pk, sk, tenant_id=inv.tenant_id, invitation_id=inv.invitation_id,
            expires_at=expires, created_at=now, expiration=expires))
        return f"{self._base_url}/s/{code}"

    def resolve(self, code: str, now: datetime) -> str:
        """A short code -> a fresh signed token for its invitation (same expiry)."""
        link = self._short_links.get(code) if is_short_code(code) else None
        if link is None or now >= link.expires_at:
            raise NotFound("this link is not valid or has expired", code="short_link_not_found")
        return self._token(link.tenant_id, link.invitation_id, link.expires_at)

    def _token(self, tenant_id: str, invitation_id: str, expires: datetime) -> str:
        return sign(TokenClaims(SELF_SERVICE, tenant_id, invitation_id, expires), self._key())

    def view(self, token: str, now: datetime) -> dict[str, Any]:
        return self.facts(token, now)[1]

    def facts(self, token: str, now: datetime) -> tuple[InvitationItem, dict[str, Any]]:
        """The view and the invitation behind it (the page needs its locale and zone)."""
        inv = self._invitation(token, now)
        campaign = self._catalog.get_campaign(inv.tenant_id, inv.campaign_id)
        position = self._catalog.get_position(inv.tenant_id, inv.position_id)
        tenant = self._tenants.get(inv.tenant_id)
        status = Status(inv.status)
        return inv, {"invitation_id": inv.invitation_id, "status": status.value,
                     "company": tenant.name if tenant else None,
                     "position": position.title if position else (campaign.name if campaign
                                                                    else None),
                     "deadline_at": instant(inv.deadline_at),
                     "interview_url": inv.interview_url if status in EXTENDABLE else None,
                     "reason": inv.reason, "reasons": list(REASONS),
                     "can_extend": status in EXTENDABLE,
                     "extension_requested": inv.extension_requested_at is not None}

    def opted_out(self, inv: InvitationItem) -> bool:
        profile = self._pool.profile(inv.tenant_id, inv.candidate_id)
        return profile is not None and profile.opted_out_at is not None

    def invitation(self, token: str, now: datetime) -> InvitationItem:
        """The token's invitation (refused as the routes refuse it: 401 / 404)."""
        return self._invitation(token, now)

    def give_reason(self, token: str, reason: str, text: str | None,
                    now: datetime) -> dict[str, Any]:
        if reason not in REASONS:
            raise ValidationFailed(f"reason must be one of {', '.join(REASONS)}",
                                   code="invalid_reason")
        if text is not None and len(text) > MAX_TEXT:
            raise ValidationFailed(f"text is longer than {MAX_TEXT} characters",
                                   code="text_too_long")
        inv = self._invitation(token, now)
        self._invitations.set_reason(inv, reason, text)
        self._timeline(inv, "candidate.reason", now, reason)
        return {"invitation_id": inv.invitation_id, "reason": reason}

    def ask_extension(self, token: str, now: datetime) -> dict[str, Any]:
        inv = self._invitation(token, now)
        status = Status(inv.status)
        if status not in EXTENDABLE:
            return {"invitation_id": inv.invitation_id, "result": "not_allowed",
                    "status": status.value}
        if int(inv.self_extensions or 0) < AUTO_EXTENSIONS_ALLOWED:
            deadline = max(inv.deadline_at, now) + AUTO_EXTENSION
            done = self._actions.run(inv.tenant_id, "extend", [inv.invitation_id], deadline,
                                     now)["results"][0]
            if done["result"] == "done":
                self._invitations.count_self_extension(inv)
                self._timeline(inv, "candidate.extension", now, "approved")
                return {"invitation_id": inv.invitation_id, "result": "approved",
                        "deadline_at": instant(deadline), "status": done["status"]}
        self._invitations.request_extension(inv, now)
        self._timeline(inv, "candidate.extension", now, "queued")
        return {"invitation_id": inv.invitation_id, "result": "queued_for_hr",
                "status": status.value}

    def opt_out(self, token: str, now: datetime) -> dict[str, Any]:
        inv = self._invitation(token, now)
        profile = self._pool.profile(inv.tenant_id, inv.candidate_id)
        if profile is not None:
            for channel, address in addresses(profile):
                if address:
                    pk, sk = SuppressionItem.key(inv.tenant_id, channel, address.lower())
                    self._suppressions.suppress(SuppressionItem(
                        pk, sk, tenant_id=inv.tenant_id, channel=channel,
                        address=address.lower(), reason="opted_out", created_at=now))
            self._pool.mark_opted_out(profile, now)
        self._timeline(inv, "candidate.opt_out", now, "opted_out")
        return {"invitation_id": inv.invitation_id, "result": "opted_out"}

    def _invitation(self, token: str, now: datetime) -> InvitationItem:
        try:
            claims = verify(token, self._key.all(), purpose=SELF_SERVICE, now=now)
        except TokenProblem as problem:
            raise Unauthorized(str(problem), code=problem.code) from problem
        inv = self._invitations.get(claims.tenant_id, claims.invitation_id)
        if inv is None:
            raise NotFound("this invitation no longer exists", code="invitation_not_found")
        return inv

    def _timeline(self, inv: InvitationItem, kind: str, now: datetime, detail: str) -> None:
        pk, sk = TimelineItem.key(inv.tenant_id, inv.candidate_id, instant(now),
                                  f"{kind}:{inv.invitation_id}")
        self._invitations.add_timeline(TimelineItem(
            pk, sk, tenant_id=inv.tenant_id, candidate_id=inv.candidate_id,
            invitation_id=inv.invitation_id, type=kind, occurred_at=now, source_id=kind,
            applied=detail))


def _expiry(inv: InvitationItem) -> datetime:
    return inv.deadline_at + timedelta(hours=float(inv.grace_hours)) + LINK_OUTLIVES_GRACE
