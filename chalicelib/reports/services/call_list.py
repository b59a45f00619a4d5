"""The no-show call list (names and contacts of a campaign's no-shows, for HR to follow up),
audited: every pull is recorded (who, which campaign, when, format, rows) before the list is
answered, so a list nobody can account for never leaves the API (docs/reports.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.reports.domain import funnel
from chalicelib.reports.domain.call_list import csv_bytes
from chalicelib.reports.models import CallListAuditItem
from chalicelib.reports.stores.call_list_store import CallListStore
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.ids import new_id


@dataclass(frozen=True)
class Puller:
    """Who asks: the key and its role (interviewers are scoped by the route)."""

    tenant_id: str
    key_id: str
    role: str


class CallListService:
    def __init__(self, store: CallListStore) -> None:
        self._store = store

    def pull(self, who: Puller, campaign_id: str, fmt: str, now: datetime) -> dict[str, Any]:
        """The list as JSON (`items`); `csv` holds the same rows as CSV bytes for fmt csv."""
        invitations = list(self._store.no_shows(who.tenant_id, campaign_id))
        profiles = self._store.candidates(who.tenant_id, [i.candidate_id for i in invitations])
        items: list[dict[str, Any]] = []
        opted_out = 0
        for inv in invitations:
            profile = profiles.get(inv.candidate_id)
            if profile is None or profile.erased_at is not None:
                continue  # erased: not listed, not counted
            if profile.opted_out_at is not None:
                opted_out += 1
                continue
            items.append({
                "invitation_id": inv.invitation_id, "candidate_id": inv.candidate_id,
                "name": profile.name, "email": profile.email, "phone": profile.phone,
                "status": inv.status,
                "deadline_at": instant(inv.deadline_at) if inv.deadline_at else None,
                "rounds_done": int(inv.rounds_done or 0),
                "given_reason": funnel.given_reason(inv.reason),
                "reason_text": inv.reason_text,
                "inferred_reason": (funnel.inferred_reason(inv.no_show_from,
                                                           inv.delivery_problem,
                                                           inv.vendor_signal)
                                    if inv.no_show_from else None),
                "timezone": profile.timezone or inv.timezone,
                "locale": profile.locale or inv.locale})
        items.sort(key=lambda row: (row["name"] or "", row["invitation_id"]))
        pull_id = new_id("cl")
        pk, sk = CallListAuditItem.key(who.tenant_id, instant(now), pull_id)
        self._store.audit(CallListAuditItem(
            pk, sk, tenant_id=who.tenant_id, pull_id=pull_id, campaign_id=campaign_id,
            key_id=who.key_id, role=who.role, format=fmt, rows=len(items),
            excluded_opted_out=opted_out, at=now))
        body: dict[str, Any] = {"campaign_id": campaign_id, "pull_id": pull_id,
                                "pulled_at": instant(now), "audited": True,
                                "excluded": {"opted_out": opted_out},
                                "items": items}
        if fmt == "csv":
            body["csv"] = csv_bytes(items)
        return body

    def audits(self, tenant_id: str, limit: int) -> dict[str, Any]:
        return {"items": [{"pull_id": a.pull_id, "campaign_id": a.campaign_id,
                           "key_id": a.key_id, "role": a.role, "format": a.format,
                           "rows": int(a.rows), "at": instant(a.at)}
                          for a in self._store.audits(tenant_id, limit)]}
