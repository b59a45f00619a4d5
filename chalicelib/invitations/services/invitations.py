"""Bulk invitations and invitation listings.

Valid rows are written even when others are rejected. Invitation ids derive from (campaign,
candidate), so a candidate already invited to the campaign is reported as a duplicate and
never invited twice, even by two racing requests: the duplicate check before writing is an
eventually consistent read (it settles the common repeat cheaply), and the write itself is
conditional (TransactWriteItems of 50 rows, each invitation only if absent, each new profile
only if absent or erased), so the second of two racing requests learns from the cancelled
transaction which rows were duplicates. A row is written whole (invitation and new profile)
or not at all. The table's stream then queues their messages. A campaign whose fixed
deadline has passed takes no invitations (409 `campaign_closed`).

A candidate already in the pool keeps their profile: the invitation merges into it (fields
it lacks, the retention clock) and never overwrites consent, opt-out or creation time. A
candidate who opted out is not invited again: the row is rejected with `candidate_opted_out`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from chalicelib.invitations.domain.candidates import CandidateRow, Rejection, validate_row
from chalicelib.invitations.domain.invitation import Outcome, Status
from chalicelib.invitations.domain.policy_text import policy_to_text
from chalicelib.invitations.domain.reminders import (
    ReminderPolicy,
    next_action,
    policy_from_json,
    zone_of,
)
from chalicelib.invitations.domain.retention import retention_days, retention_keys
from chalicelib.invitations.models import CandidateItem, InvitationItem
from chalicelib.invitations.services.catalog import check_open, deadline_for
from chalicelib.invitations.services.views import invitation_view
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import (
    Created,
    InvitationStore,
    NewInvitation,
    TransactionConflict,
)
from chalicelib.invitations.stores.profile_store import ProfileStore
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.channels import address_of
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound, TooLarge, ValidationFailed
from chalicelib.shared.domain.ports import InterviewVendor

MAX_BATCH = 1000
STATUSES = tuple(s.value for s in Status)


class InvitationService:
    def __init__(self, catalog: CatalogStore, store: InvitationStore, vendor: InterviewVendor,
                 tenants: TenantStore, profiles: ProfileStore) -> None:
        self._profiles = profiles
        self._catalog = catalog
        self._store = store
        self._vendor = vendor
        self._tenants = tenants

    def invite(self, tenant_id: str, campaign_id: str, candidates: Any,
               now: datetime) -> dict[str, Any]:
        if not isinstance(candidates, list) or not candidates:
            raise ValidationFailed("candidates must be a non-empty list",
                                   code="invalid_candidates")
        if len(candidates) > MAX_BATCH:
            raise TooLarge(f"at most {MAX_BATCH} candidates per request, got {len(candidates)}",
                           code="too_many_candidates")
        campaign = self._catalog.get_campaign(tenant_id, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        check_open(campaign, now)  # an invitation into a closed campaign is born overdue
        channels = tuple(str(c) for c in campaign.channels)
        audiences = frozenset(campaign.audience_windows or {})
        rejected: list[Rejection] = []
        accepted: dict[str, tuple[CandidateRow, str]] = {}  # invitation id -> row, candidate
        results: list[dict[str, Any]] = []
        valid: list[CandidateRow] = []
        for index, raw in enumerate(candidates):
            checked = validate_row(index, raw, channels, audiences)
            if isinstance(checked, Rejection):
                rejected.append(checked)
            else:
                valid.append(checked)
        # a phone-only row is the candidate already known with that phone (maybe by email)
        known_phones = self._profiles.by_phone(
            tenant_id, [r.phone for r in valid if r.phone and not r.email])
        for checked in valid:
            index = checked.index
            cand = (known_phones.get(checked.phone or "") if not checked.email else None) \
                or ids.candidate_id(tenant_id, checked.identity)
            inv = ids.invitation_id(tenant_id, campaign_id, cand)
            if inv in accepted:
                results.append({"index": index, "invitation_id": inv, "result": "duplicate"})
                continue
            accepted[inv] = (checked, cand)
        existing = self._store.existing_ids(tenant_id, list(accepted)) if accepted else set()
        tenant = self._tenants.get(tenant_id)
        default_locale = tenant.default_locale if tenant else "en"
        default_zone = tenant.timezone if tenant else None
        policy = policy_from_json(campaign.reminder_policy)
        fresh = {inv: rc for inv, rc in accepted.items() if inv not in existing}
        for inv in existing & set(accepted):
            results.append({"index": accepted[inv][0].index, "invitation_id": inv,
                            "result": "duplicate"})
        days = retention_days(tenant.retention_days if tenant else None)
        context = _Context(tenant_id, campaign, policy, default_locale, default_zone, now, days)
        results += self._create(context, fresh, rejected)
        results.sort(key=lambda r: r["index"])
        created = sum(1 for r in results if r["result"] == "created")
        return {"created": created, "duplicates": len(results) - created,
                "rejected": [{"index": r.index, "code": r.code, "message": r.message}
                             for r in sorted(rejected, key=lambda r: r.index)],
                "items": results}

    def _merge(self, tenant_id: str, merges: list[tuple[CandidateItem, dict[str, str]]],
                now: datetime, days: int) -> None:
        """Existing profiles: fill what they lack, restart the retention clock; a profile
        erased meanwhile stays erased (its new invitation carries no personal data)."""
        def merge(entry: tuple[CandidateItem, dict[str, str]]) -> None:
            profile, fields = entry
            due = retention_keys(tenant_id, profile.candidate_id, now, days)
            self._profiles.fill_unless_erased(profile, fields, now, False, due)

        if len(merges) <= 1:
            for entry in merges:
                merge(entry)
        else:
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(merge, merges))

    def _create(self, c: _Context, fresh: dict[str, tuple[CandidateRow, str]],
                rejected: list[Rejection]) -> list[dict[str, Any]]:
        """Write the new invitations, conditionally (see the module's docstring):
        a row another request wrote first is a duplicate, never overwritten. A profile that
        appeared meanwhile is read again (consistently) and merged into, as if it had been
        there all along. Returns the rows' results; rejects opted-out candidates."""
        results: list[dict[str, Any]] = []
        pending = fresh
        profiles = self._profiles.profiles(c.tenant_id, [cand for _, cand in fresh.values()])
        for _ in range(3):  # the profile can appear once; erased once more at most
            rows: list[NewInvitation] = []
            merges: dict[str, tuple[CandidateItem, dict[str, str]]] = {}
            for inv, (row, cand) in pending.items():
                profile = profiles.get(cand)
                live = profile if profile is not None and profile.erased_at is None else None
                if live is not None and live.opted_out_at is not None:
                    rejected.append(Rejection(
                        row.index, "candidate_opted_out",
                        f"this candidate opted out of messages on "
                        f"{instant(live.opted_out_at)}; they are not invited again"))
                    continue
                new_profile, invitation = self._new_items(
                    c.tenant_id, c.campaign, inv, row, cand,
                    deadline_for(c.campaign, c.now, row.audience), c.policy, c.policy_text,
                    c.locale, c.zone, c.now)
                if live is not None:
                    merges[inv] = (live, _missing(live, row))
                    rows.append(NewInvitation(invitation))
                else:  # an invitation starts the candidate's retention clock
                    new_profile.last_activity_at = c.now
                    new_profile.due_pk, new_profile.due_sk = retention_keys(
                        c.tenant_id, cand, c.now, c.days)
                    rows.append(NewInvitation(invitation, new_profile))
            outcomes = self._store.create_invitations(rows) if rows else {}
            again: dict[str, tuple[CandidateRow, str]] = {}
            for inv, outcome in outcomes.items():
                if outcome is Created.PROFILE_EXISTS:
                    again[inv] = pending[inv]
                    continue
                results.append({"index": pending[inv][0].index, "invitation_id": inv,
                                "result": "created" if outcome is Created.CREATED
                                else "duplicate"})
            self._merge(c.tenant_id, [m for inv, m in merges.items()
                                      if outcomes.get(inv) is Created.CREATED], c.now, c.days)
            if not again:
                return results
            pending = again
            profiles = self._profiles.profiles(
                c.tenant_id, [cand for _, cand in again.values()], consistent=True)
        raise TransactionConflict("profiles kept changing while invitations were written")

    def _new_items(self, tenant_id: str, campaign: Any, inv: str, row: CandidateRow,
                   cand: str, deadline: datetime, policy: ReminderPolicy,
                   policy_text: str | None, default_locale: str, default_zone: str | None,
                   now: datetime) -> tuple[CandidateItem, InvitationItem]:
        usable = [c for c in campaign.channels if address_of(row, c)]
        locale = row.locale or campaign.locale or default_locale  # candidate, campaign, tenant
        zone = row.timezone or default_zone  # quiet hours: the candidate's zone, else tenant's
        cpk, csk = CandidateItem.key(tenant_id, cand)
        profile = CandidateItem(cpk, csk, tenant_id=tenant_id, candidate_id=cand, name=row.name,
                                email=row.email, phone=row.phone, locale=row.locale,
                                timezone=row.timezone, external_id=row.external_id,
                                created_at=now)
        profile.index_phone()
        ipk, isk = InvitationItem.key(tenant_id, inv)
        invitation = InvitationItem(
            ipk, isk, tenant_id=tenant_id, invitation_id=inv, campaign_id=campaign.campaign_id,
            position_id=campaign.position_id, candidate_id=cand, status=Status.INVITED.value,
            channels=usable, locale=locale, deadline_at=deadline,
            grace_hours=campaign.grace_hours, policy=policy_text,
            timezone=zone,
            interview_url=self._vendor.interview_url(inv), created_at=now,
            status_changed_at=now)  # version: 1 when written (create_invitations)
        first = next_action(Status.INVITED, 0, policy, deadline, zone_of(zone))
        opened = Outcome(Status.INVITED, True, max(first, now) if first else None)
        self._store.index_fields(invitation, opened)
        return profile, invitation

    def list(self, tenant_id: str, campaign_id: str, status: str | None, limit: int,
             cursor: str | None) -> dict[str, Any]:
        if self._catalog.get_campaign(tenant_id, campaign_id) is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        if status is None:
            raise ValidationFailed("status is required (one of: " + ", ".join(STATUSES) + ")",
                                   code="missing_status")
        if status not in STATUSES:
            raise ValidationFailed("status must be one of: " + ", ".join(STATUSES),
                                   code="invalid_status")
        page = self._store.list_by_status(tenant_id, campaign_id, status, limit, cursor)
        return {"items": [invitation_view(i) for i in page.items],
                "next_cursor": page.next_cursor}


@dataclass(frozen=True)
class _Context:
    """What every row of one request is invited with."""

    tenant_id: str
    campaign: Any
    policy: ReminderPolicy
    locale: str
    zone: str | None
    now: datetime
    days: int

    @cached_property
    def policy_text(self) -> str | None:
        """The policy as invitations carry it, once per request; a campaign stored without
        a policy keeps the default with its grace (policy_of)."""
        return policy_to_text(self.policy) if self.campaign.reminder_policy else None


def _missing(profile: CandidateItem, row: CandidateRow) -> dict[str, str]:
    """The row's contact fields the profile does not have yet."""
    fields: dict[str, str] = {}
    for name in ("email", "phone", "locale", "timezone", "external_id"):
        value = getattr(row, name)
        if value and getattr(profile, name) is None:
            fields[name] = value
    return fields
