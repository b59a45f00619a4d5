"""Everything a vendor says, in: verify, parse, apply each event once, keep it in the timeline.

One path for every vendor and for the reconciliation poller: the tenant is found from the
invitation id the (unverified) body names, the adapter verifies with every secret live at
the receipt time (the current one and older ones inside their rotation overlap;
domain/webhook_secrets.py), and each event is applied in one conditional transaction with
its dedupe marker and its timeline entry - a repeated event id is answered 2xx with no second
effect. Events out of order never move an invitation backwards (the state machine); a
completion after the deadline or close is `completed_late` and flagged (`late_result`); an
unsigned event moves nothing, it is a hint the poller confirms from the vendor's API.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.adapters.vendors import ADAPTERS, UnknownVendor, build
from chalicelib.invitations.adapters.vendors.http import JsonHttp
from chalicelib.invitations.domain.invitation import (
    Outcome,
    Policy,
    Status,
    apply,
    lateness,
    next_action_at,
)
from chalicelib.invitations.domain.vendors import (
    EVENT_OF,
    SIGNAL_OF,
    InboundEvent,
    InterviewVendor,
    Lifecycle,
    VendorConfig,
    VerificationError,
)
from chalicelib.invitations.domain.webhook_secrets import parse_retiring, verifying_secrets
from chalicelib.invitations.models import InvitationItem, TenantItem, TimelineItem
from chalicelib.invitations.services.transitions import policy_of, retrying, with_rounds
from chalicelib.invitations.stores.invitation_store import (
    InvitationStore,
    TransitionWrite,
    TxResult,
)
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.shared.domain.ids import tenant_of_invitation
from chalicelib.shared.models import MarkerItem

DEDUPE_FOR = timedelta(days=30)
#: a webhook's dedupe marker: <invitation's pk> / HOOK#<webhook-id> (sorts before INV)
HOOK_MARK = "HOOK#"
SECRET_CACHE = timedelta(minutes=1)  # longer than any vendor's retry horizon
_SCORED = (Lifecycle.COMPLETED, Lifecycle.SCORED)


class VendorDirectory:
    """Tenant -> its vendor configuration and adapter. Tenants (and their secrets) are cached
    for a minute: a vendor sends bursts. So a retired secret or a disabled tenant takes up
    to a minute to be refused; a new secret is accepted at once (a failed check reads the
    tenant again)."""

    def __init__(self, tenants: TenantStore, default_base_url: str,
                 http: JsonHttp | None = None) -> None:
        self._tenants = tenants
        self._base = default_base_url
        self._http = http
        self._cache: dict[str, tuple[datetime, TenantItem | None]] = {}
        self._links: dict[str, tuple[float, InterviewVendor]] = {}

    def tenant(self, tenant_id: str, now: datetime, fresh: bool = False) -> TenantItem | None:
        cached = self._cache.get(tenant_id)
        if not fresh and cached is not None and abs(now - cached[0]) < SECRET_CACHE:
            return cached[1]
        if len(self._cache) > 1000:
            self._cache.clear()
        tenant = self._tenants.get(tenant_id)
        self._cache[tenant_id] = (now, tenant)
        return tenant

    def config(self, tenant: TenantItem | None) -> VendorConfig:
        return VendorConfig.from_json(tenant.vendor if tenant else None)

    def adapter(self, config: VendorConfig) -> InterviewVendor:
        return build(config, self._base, self._http)

    def interview_url(self, invitation_id: str) -> str:
        """The candidate's link, from the tenant's vendor (InterviewVendor port of
        shared/domain/ports.py, used when invitations are created: 1,000 in one request read
        the tenant once; a changed vendor is used within a minute)."""
        tenant_id = tenant_of_invitation(invitation_id) or ""
        hit = self._links.get(tenant_id)
        if hit is None or time.monotonic() - hit[0] > SECRET_CACHE.total_seconds():
            tenant = self._tenants.get(tenant_id) if tenant_id else None
            hit = self._links[tenant_id] = (time.monotonic(),
                                            self.adapter(self.config(tenant)))
        return hit[1].interview_link(invitation_id)


class VendorEvents:
    def __init__(self, directory: VendorDirectory, invitations: InvitationStore) -> None:
        self._directory = directory
        self._invitations = invitations

    def receive(self, vendor: str, headers: Mapping[str, str], body: bytes,
                received_at: datetime) -> dict[str, Any]:
        """One webhook delivery of `vendor`'s format."""
        if vendor not in ADAPTERS:
            raise NotFound(f"no vendor {vendor}", code="unknown_vendor")
        router = self._directory.adapter(VendorConfig(vendor))
        claimed = router.claimed_invitations(body)
        tenant_id = tenant_of_invitation(claimed[0]) if claimed else None
        tenant = self._directory.tenant(tenant_id, received_at) if tenant_id else None
        if tenant is None:
            if not claimed:  # say what is missing before whether it is signed
                _verify_shape(router, headers, body, received_at)
            raise Unauthorized("no valid signature", code="invalid_signature")
        events = self._parse(vendor, tenant, headers, body, received_at)
        if tenant.disabled_at is not None:
            raise Forbidden("the tenant is disabled", code="tenant_disabled")
        results = [self.apply(tenant.tenant_id, vendor, event, received_at) for event in events
                   if tenant_of_invitation(event.invitation_id) == tenant.tenant_id]
        if not results:
            raise Unauthorized("the events name another tenant", code="invalid_signature")
        return results[0]

    def _parse(self, vendor: str, tenant: TenantItem, headers: Mapping[str, str],
               body: bytes, received_at: datetime) -> list[InboundEvent]:
        config = self._directory.config(tenant)
        adapter = self._directory.adapter(VendorConfig(vendor, config.base_url,
                                                       config.api_url))
        for attempt in range(2):
            secrets = verifying_secrets(tenant.webhook_secret,
                                        parse_retiring(tenant.retiring_webhook_secrets),
                                        received_at)
            try:
                events = adapter.parse(headers, body, secrets, received_at,
                                       require_signature=config.require_signature)
            except VerificationError as err:
                if err.code == "invalid_signature" and attempt == 0:
                    fresh = self._directory.tenant(tenant.tenant_id, received_at, fresh=True)
                    if fresh is not None:  # rotated meanwhile?
                        tenant = fresh
                        continue
                raise _http_error(err) from err
            if config.vendor != vendor and not all(e.verified for e in events):
                # nothing proves who sent it: taken (as a hint) only on the tenant's own vendor
                raise Unauthorized("unsigned events are taken from the tenant's vendor only",
                                   code="invalid_signature")
            return events
        raise AssertionError("unreachable")  # pragma: no cover

    def apply(self, tenant_id: str, vendor: str, event: InboundEvent,
              received_at: datetime) -> dict[str, Any]:
        """Apply one event once (its id is the dedupe marker) and keep it in the timeline."""
        mpk, msk = webhook_marker_key(tenant_id, event.invitation_id, event.event_id)
        inv, seen = self._invitations.get_with_marker(tenant_id, event.invitation_id, msk)
        if inv is None:
            raise NotFound(f"invitation {event.invitation_id} not found",
                           code="invitation_not_found")
        if seen:  # a vendor's retry: answered without a write (the transaction checks again)
            return {"webhook_id": event.event_id, "result": "duplicate"}
        marker = MarkerItem(mpk, msk, expiration=received_at + DEDUPE_FOR)

        def write(current: InvitationItem) -> TransitionWrite:
            outcome, fields, score = effect(current, event)
            outcome = with_rounds(current, outcome, int(current.rounds_done or 0), received_at)
            tpk, tsk = TimelineItem.key(current.tenant_id, current.candidate_id,
                                        instant(event.occurred_at), event.event_id)
            detail = {"vendor": vendor, "lifecycle": event.lifecycle.value,
                      "verified": event.verified, **event.detail,
                      **({"score": event.score} if event.score is not None else {}),
                      **({"late": fields["late_result"]} if "late_result" in fields else {})}
            entry = TimelineItem(tpk, tsk, tenant_id=current.tenant_id,
                                 candidate_id=current.candidate_id,
                                 invitation_id=current.invitation_id, type=event.kind,
                                 occurred_at=event.occurred_at, source_id=event.event_id,
                                 applied=outcome.status.value if outcome.changed else None,
                                 detail=detail)
            return TransitionWrite(current, outcome, event.occurred_at, [], [entry], marker,
                                   score, fields=fields)

        applied = retrying(self._invitations, inv, write,
                           lambda: self._invitations.get(tenant_id, event.invitation_id))
        if applied.result is TxResult.DUPLICATE:
            return {"webhook_id": event.event_id, "result": "duplicate"}
        if applied.result is TxResult.CONFLICT or applied.outcome is None:
            raise Conflict("the invitation kept changing; retry", code="retry_later")
        return {"webhook_id": event.event_id,
                "result": "processed" if event.verified else "recorded",
                "invitation_id": event.invitation_id,
                "status": applied.outcome.status.value, "changed": applied.outcome.changed}


def webhook_marker_key(tenant_id: str, invitation_id: str, event_id: str) -> tuple[str, str]:
    """<invitation's pk> / HOOK#<webhook-id>: in the invitation's partition, so the Query that
    reads the invitation also says whether this event was applied (a vendor's retry costs one
    read, no write), and a campaign's webhooks spread over its invitations' partitions
    instead of one per tenant. Dedupe is per invitation: an event names one invitation."""
    pk, _ = InvitationItem.key(tenant_id, invitation_id)
    return pk, f"{HOOK_MARK}{event_id}"


def webhook_marker_of(pk: str, sk: str) -> tuple[str, str] | None:
    """(tenant, webhook-id) of a webhook dedupe marker's key; None for any other marker."""
    if not sk.startswith(HOOK_MARK) or "#INV#" not in pk:
        return None
    return pk.removeprefix("T#").split("#INV#", 1)[0], sk.removeprefix(HOOK_MARK)


def effect(inv: InvitationItem, event: InboundEvent) -> tuple[Outcome, dict[str, Any],
                                                               float | None]:
    """What `event` does to `inv` (pure): the status outcome, other attributes to set, and
    the score (None: unchanged). An unverified event does nothing."""
    before = Status(inv.status)
    policy = Policy(policy_of(inv).grace)
    move = EVENT_OF.get(event.lifecycle) if event.verified else None
    if move is None:
        outcome = Outcome(before, False, next_action_at(before, inv.deadline_at, policy))
    else:
        outcome = apply(before, move, deadline=inv.deadline_at, at=event.occurred_at,
                        policy=policy)
    fields: dict[str, Any] = {}
    if move is not None and (outcome.changed or before is Status.CANCELLED):
        late = lateness(before, move, deadline=inv.deadline_at, at=event.occurred_at,
                        policy=policy)
        if late and inv.late_result != late:
            fields["late_result"] = late
    signal = SIGNAL_OF.get(event.lifecycle) if event.verified else None
    if signal and inv.vendor_signal != signal and before not in (
            Status.COMPLETED, Status.COMPLETED_LATE):
        fields["vendor_signal"] = signal
    score = event.score if event.verified and event.lifecycle in _SCORED else None
    if score is not None and inv.score is not None and float(inv.score) == score:
        score = None
    return outcome, fields, score


def changes_anything(inv: InvitationItem, event: InboundEvent) -> bool:
    outcome, fields, score = effect(inv, event)
    return outcome.changed or bool(fields) or score is not None


def _verify_shape(adapter: InterviewVendor, headers: Mapping[str, str], body: bytes,
                  received_at: datetime) -> None:
    try:
        adapter.parse(headers, body, [], received_at, require_signature=True)
    except VerificationError as err:
        if err.code != "invalid_signature":
            raise _http_error(err) from err


def _http_error(err: VerificationError) -> Unauthorized | ValidationFailed:
    if err.status == 400:
        return ValidationFailed(str(err), code=err.code)
    return Unauthorized(str(err), code=err.code)


__all__ = ["HOOK_MARK", "UnknownVendor", "VendorDirectory", "VendorEvents", "changes_anything",
           "webhook_marker_key", "webhook_marker_of"]
