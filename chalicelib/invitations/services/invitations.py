"""Bulk invitations and invitation listings.

Valid rows are written even when others are rejected. Invitation ids derive from (campaign,
candidate), so a candidate already invited to the campaign is reported as a duplicate and
never invited twice, even by two racing requests. New invitations and profiles go in with
BatchWriteItem (25 items a request); the table's stream then queues their messages.

A candidate already in the pool keeps their profile: the invitation merges into it (fields
it lacks, the retention clock) and never overwrites consent, opt-out or creation time. A
candidate who opted out is not invited again: the row is rejected with `candidate_opted_out`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from chalicelib.invitations.domain.candidates import CandidateRow, Rejection, validate_row
from chalicelib.invitations.domain.invitation import Outcome, Status
from chalicelib.invitations.domain.reminders import (
    ReminderPolicy,
    next_action,
    policy_from_json,
    zone_of,
)
from chalicelib.invitations.domain.retention import retention_days, retention_keys
from chalicelib.invitations.models import CandidateItem, InvitationItem
from chalicelib.invitations.services.catalog import deadline_for
from chalicelib.invitations.services.views import invitation_view
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.invitations.stores.profile_store import ProfileStore
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.channels import address_of
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import Conflict, NotFound, TooLarge, ValidationFailed
from chalicelib.shared.domain.ports import InterviewVendor
from chalicelib.shared.models import Item

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
        if campaign.closed_at is not None:
            raise Conflict(f"campaign {campaign_id} is closed", code="campaign_closed")
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
        known = self._profiles.profiles(tenant_id, [cand for _, cand in fresh.values()])
        days = retention_days(tenant.retention_days if tenant else None)
        items: list[Item] = []
        merges: list[tuple[CandidateItem, dict[str, str]]] = []
        for inv, (row, cand) in fresh.items():
            profile = known.get(cand)
            if profile is not None and profile.erased_at is None:
                if profile.opted_out_at is not None:
                    rejected.append(Rejection(
                        row.index, "candidate_opted_out",
                        f"this candidate opted out of messages on "
                        f"{instant(profile.opted_out_at)}; they are not invited again"))
                    continue
                merges.append((profile, _missing(profile, row)))
            deadline = deadline_for(campaign, now, row.audience)
            new = self._new_items(tenant_id, campaign, inv, row, cand, deadline, policy,
                                  default_locale, default_zone, now)
            if profile is not None and profile.erased_at is None:
                new = [i for i in new if not isinstance(i, CandidateItem)]
            items += new
            results.append({"index": row.index, "invitation_id": inv, "result": "created"})
        for item in items:  # an invitation restarts the candidate's retention clock
            if isinstance(item, CandidateItem):
                item.last_activity_at = now
                item.due_pk, item.due_sk = retention_keys(tenant_id, item.candidate_id, now,
                                                          days)
        if items:
            self._store.write_new(items)
        self._merge(tenant_id, merges, now, days)
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

    def _new_items(self, tenant_id: str, campaign: Any, inv: str, row: CandidateRow,
                   cand: str, deadline: datetime, policy: ReminderPolicy,
                   default_locale: str, default_zone: str | None,
                   now: datetime) -> list[Item]:
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
            grace_hours=campaign.grace_hours, reminder_policy=campaign.reminder_policy,
            rounds_done=0, timezone=zone,
            interview_url=self._vendor.interview_url(inv), created_at=now,
            status_changed_at=now, version=1)
        first = next_action(Status.INVITED, 0, policy, deadline, zone_of(zone))
        opened = Outcome(Status.INVITED, True, max(first, now) if first else None)
        self._store.index_fields(invitation, opened)
        return [profile, invitation]

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


def _missing(profile: CandidateItem, row: CandidateRow) -> dict[str, str]:
    """The row's contact fields the profile does not have yet."""
    fields: dict[str, str] = {}
    for name in ("email", "phone", "locale", "timezone", "external_id"):
        value = getattr(row, name)
        if value and getattr(profile, name) is None:
            fields[name] = value
    return fields
