"""Re-engagement: invite a pool segment to a new campaign, with a dry run.

The segment is a talent-pool query (pool/services/talent_pool.py). Each member is checked in turn:
may not be contacted (opted out, hold_contact, every address suppressed), already invited to
the target campaign, re-invited to another campaign within the frequency cap (default: once
per 30 days; one cap item per candidate, claimed with a conditional write), or no address
for the campaign's channels. A dry run stops there and says who would be invited and why,
and who not and why. A real run claims each candidate's cap, then creates the invitations
through the ordinary InvitationService (so messages go through the outbox as usual). The
invitation id derives from (campaign, candidate): running it twice creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.services.catalog import check_open
from chalicelib.invitations.services.invitations import InvitationService
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.invitations.stores.suppression_store import SuppressionStore
from chalicelib.pool.domain.tag_rules import TAG_NAME
from chalicelib.pool.models import ReEngageRuleItem
from chalicelib.pool.services.pool_suggestions import contact_block
from chalicelib.pool.services.talent_pool import TalentPoolService, parse_segment
from chalicelib.pool.stores.pool_store import PoolStore, Snapshot
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.channels import address_of
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import CampaignClosed, DomainError, NotFound, ValidationFailed

DEFAULT_CAP = timedelta(days=30)
MAX_MEMBERS = 1000


@dataclass(frozen=True)
class Member:
    candidate_id: str
    why: str
    snap: Snapshot


class ReEngagementService:
    def __init__(self, pool_service: TalentPoolService, pool: PoolStore,
                 catalog: CatalogStore, invitation_store: InvitationStore,
                 invitations: InvitationService, suppressions: SuppressionStore) -> None:
        self._segments = pool_service
        self._pool = pool
        self._catalog = catalog
        self._invitation_store = invitation_store
        self._invitations = invitations
        self._suppressions = suppressions

    def run(self, tenant_id: str, segment: dict[str, Any], campaign_id: str, dry_run: bool,
            cap_days: int, max_members: int, now: datetime) -> dict[str, Any]:
        campaign = self._catalog.get_campaign(tenant_id, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        check_open(campaign, now)  # before any frequency cap is claimed
        if not 1 <= cap_days <= 365:
            raise ValidationFailed("cap_days must be 1-365", code="invalid_cap")
        query = parse_segment({k: None if v is None else str(v) for k, v in segment.items()})
        members = self._segments.members(tenant_id, query, now, min(max_members, MAX_MEMBERS))
        rows = {m["candidate_id"]: m for m in members}
        chosen, skipped = self.check(tenant_id, campaign, list(rows), timedelta(days=cap_days),
                                     now)
        result: dict[str, Any] = {"campaign_id": campaign_id, "dry_run": dry_run,
                                  "segment_size": len(members), "skipped": skipped}
        whys = {c: f"in the segment (tags: {', '.join(rows[c]['tags'])}; score "
                   f"{rows[c]['score']})" for c in rows}
        if dry_run:
            result["invited"] = [{"candidate_id": m.candidate_id, "why": whys[m.candidate_id],
                                  "invitation_id": None} for m in chosen]
            return result
        created, more = self.invite(tenant_id, campaign_id, chosen, timedelta(days=cap_days),
                                    now)
        result["skipped"] = skipped + more
        result["invited"] = [{"candidate_id": m.candidate_id, "why": whys[m.candidate_id],
                              "invitation_id": created[m.candidate_id]}
                             for m in chosen if m.candidate_id in created]
        return result

    def check(self, tenant_id: str, campaign: Any, candidate_ids: list[str], cap: timedelta,
              now: datetime) -> tuple[list[Member], list[dict[str, Any]]]:
        """Who of `candidate_ids` may be invited to `campaign` (an open one) now, and who not
        and why (the dry run's answer). Also used by HR's no-show decisions."""
        campaign_id = campaign.campaign_id
        invited = {ids.invitation_id(tenant_id, campaign_id, c) for c in candidate_ids}
        existing = self._invitation_store.existing_ids(tenant_id, list(invited))
        chosen: list[Member] = []
        skipped: list[dict[str, Any]] = []
        for cand in candidate_ids:
            snap = self._pool.snapshot(tenant_id, cand, consistent=True)
            reason = self._skip(snap, tenant_id, cand, campaign_id,
                                [str(c) for c in campaign.channels],
                                existing, now - cap, now)
            if reason:
                skipped.append({"candidate_id": cand, "reason": reason})
            else:
                chosen.append(Member(cand, "", snap))
        return chosen, skipped

    def invite(self, tenant_id: str, campaign_id: str, chosen: list[Member], cap: timedelta,
               now: datetime) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """Claim each chosen candidate's frequency cap, then invite them through the ordinary
        InvitationService. Returns candidate -> new invitation id, and who was skipped."""
        claimed = [m for m in chosen if self._pool.claim_reengagement(
            tenant_id, m.candidate_id, campaign_id, now, now + cap, now - cap)]
        skipped = [{"candidate_id": m.candidate_id, "reason": "frequency_cap"}
                   for m in chosen if m not in claimed]
        rows = [_row(m.snap) for m in claimed]
        created: dict[str, str] = {}
        if rows:
            answer = self._invitations.invite(tenant_id, campaign_id, rows, now)
            for item in answer["items"]:
                cand = claimed[item["index"]].candidate_id
                if item["result"] == "created":
                    created[cand] = item["invitation_id"]
                else:  # invited meanwhile (a racing run): nothing new
                    skipped.append({"candidate_id": cand, "reason": "already_invited"})
            skipped += [{"candidate_id": claimed[r["index"]].candidate_id,
                         "reason": f"rejected:{r['code']}"} for r in answer["rejected"]]
        return created, skipped

    def _skip(self, snap: Snapshot, tenant_id: str, cand: str, campaign_id: str,
              channels: list[str], existing: set[str], since: datetime,
              now: datetime) -> str | None:
        block = contact_block(snap, self._suppressions, now)
        if block:
            return block
        if ids.invitation_id(tenant_id, campaign_id, cand) in existing:
            return "already_invited"
        if snap.cap and snap.cap.last_at >= since and snap.cap.campaign_id != campaign_id:
            return "frequency_cap"
        p = snap.profile
        if p is None or not any(address_of(p, c) for c in channels):
            return "no_address_for_channels"
        return None


def _row(snap: Snapshot) -> dict[str, Any]:
    p = snap.profile
    assert p is not None  # checked by _skip
    row = {"name": p.name, "email": p.email, "phone": p.phone, "locale": p.locale,
           "timezone": p.timezone, "external_id": p.external_id}
    return {k: v for k, v in row.items() if v is not None}


class ReEngagementRules:
    """Scheduled re-engagements, stored per tenant; `run_due` is called by the schedule."""

    def __init__(self, pool: PoolStore, runner: ReEngagementService) -> None:
        self._pool = pool
        self._runner = runner

    def save(self, tenant_id: str, rule_id: str, body: dict[str, Any],
             now: datetime) -> dict[str, Any]:
        if not TAG_NAME.match(rule_id):
            raise ValidationFailed("a rule id is 1-40 characters: a-z, 0-9 and _",
                                   code="invalid_rule_id")
        parse_segment({k: None if v is None else str(v) for k, v in body["segment"].items()})
        # a dry run now: an unknown campaign or a bad segment is refused when saved
        self._runner.run(tenant_id, body["segment"], body["campaign_id"], True,
                         body["cap_days"], 1, now)
        pk, sk = ReEngageRuleItem.key(tenant_id, rule_id)
        gpk, gsk = ReEngageRuleItem.index_keys(tenant_id, rule_id)
        rule = ReEngageRuleItem(pk, sk, tenant_id=tenant_id, rule_id=rule_id,
                                segment=body["segment"], campaign_id=body["campaign_id"],
                                cap_days=body["cap_days"],
                                max_candidates=body["max_candidates"],
                                every_hours=body["every_hours"],
                                enabled="yes" if body.get("enabled", True) else "no",
                                created_at=now, gsi1pk=gpk, gsi1sk=gsk)
        self._pool.put_rule(rule)
        return rule_view(rule)

    def list(self, tenant_id: str) -> dict[str, Any]:
        return {"items": [rule_view(r) for r in self._pool.list_rules(tenant_id)]}

    def delete(self, tenant_id: str, rule_id: str) -> dict[str, Any]:
        if not self._pool.delete_rule(tenant_id, rule_id):
            raise NotFound(f"rule {rule_id} not found", code="rule_not_found")
        return {"rule_id": rule_id, "deleted": True}

    def run_due(self, now: datetime) -> dict[str, int]:
        """Every enabled rule whose interval has passed runs once (claimed first, so two
        overlapping schedules do not both run it; each run is idempotent anyway)."""
        report = {"rules": 0, "ran": 0, "invited": 0, "failed": 0, "closed": 0}
        for rule in self._pool.every_rule():
            report["rules"] += 1
            if rule.enabled != "yes":
                continue
            due_before = now - timedelta(hours=float(rule.every_hours))
            if not self._pool.claim_rule_run(rule, now, due_before):
                continue
            try:
                result = self._runner.run(rule.tenant_id, dict(rule.segment), rule.campaign_id,
                                          False, int(rule.cap_days), int(rule.max_candidates),
                                          now)
            except CampaignClosed:  # skipped: nobody is invited into a closed campaign
                self._pool.record_run(rule, {"invited": 0, "skipped": {},
                                             "campaign_closed": True})
                report["closed"] += 1
                continue
            except DomainError:  # e.g. the campaign was deleted: reported, not retried
                report["failed"] += 1
                continue
            skipped: dict[str, int] = {}
            for s in result["skipped"]:
                skipped[s["reason"]] = skipped.get(s["reason"], 0) + 1
            self._pool.record_run(rule, {"invited": len(result["invited"]),
                                         "skipped": skipped})
            report["ran"] += 1
            report["invited"] += len(result["invited"])
        return report


def rule_view(r: ReEngageRuleItem) -> dict[str, Any]:
    return {"rule_id": r.rule_id, "segment": r.segment, "campaign_id": r.campaign_id,
            "cap_days": int(r.cap_days), "max_candidates": int(r.max_candidates),
            "every_hours": int(r.every_hours), "enabled": r.enabled == "yes",
            "last_run_at": instant(r.last_run_at) if r.last_run_at else None,
            "last_result": r.last_result}
