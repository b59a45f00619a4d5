"""JSON views of stored entities (what the API returns). PII stays in profiles only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.invitations.models import CampaignItem, InvitationItem, PositionItem, TimelineItem
from chalicelib.shared.domain.due import instant


def _at(value: datetime | None) -> str | None:
    return instant(value) if value else None


def position_view(p: PositionItem) -> dict[str, Any]:
    return {"id": p.position_id, "title": p.title, "department": p.department,
            "created_at": _at(p.created_at)}


def campaign_view(c: CampaignItem) -> dict[str, Any]:
    return {"id": c.campaign_id, "position_id": c.position_id, "name": c.name,
            "channels": list(c.channels), "locale": c.locale,
            "deadline_at": _at(c.deadline_at),
            "window_hours": int(c.window_hours) if c.window_hours is not None else None,
            "audience_windows": c.audience_windows, "owner_email": c.owner_email,
            "interviewer_emails": [str(a) for a in c.interviewer_emails or []],
            "grace_hours": float(c.grace_hours), "reminder_policy": c.reminder_policy,
            "created_at": _at(c.created_at),
            "status": "closed" if c.closed_at else "open", "closed_at": _at(c.closed_at),
            "counts": c.counts(),
            "template_versions": {k: int(v) for k, v in (c.template_versions or {}).items()}}


def invitation_view(i: InvitationItem) -> dict[str, Any]:
    return {"id": i.invitation_id, "campaign_id": i.campaign_id,
            "candidate_id": i.candidate_id, "status": i.status, "channels": list(i.channels),
            "locale": i.locale, "deadline_at": _at(i.deadline_at),
            "interview_url": i.interview_url, "created_at": _at(i.created_at),
            "status_changed_at": _at(i.status_changed_at),
            "score": float(i.score) if i.score is not None else None,
            "late_result": i.late_result, "vendor_signal": i.vendor_signal}



def timeline_source(event: TimelineItem) -> str:
    """Who caused a timeline event: HR (`hr:<key id>`), the candidate's self-service page
    (keyed by its kind), the vendor (keyed by its webhook id) or the poller."""
    if event.source_id.startswith("hr:"):
        return "hr"
    if event.source_id.startswith("poll_"):  # the reconciliation poller
        return "poller"
    return "self_service" if event.source_id == event.type else "vendor"


def hr_event(tenant_id: str, candidate_id: str, invitation_id: str, kind: str, at: datetime,
             key_id: str, detail: str | None) -> TimelineItem:
    """An HR action on an invitation, for the candidate's timeline (`kind`: hr.extend,
    hr.reinvite, hr.tag, hr.extension ...)."""
    pk, sk = TimelineItem.key(tenant_id, candidate_id, instant(at), f"{kind}:{invitation_id}")
    return TimelineItem(pk, sk, tenant_id=tenant_id, candidate_id=candidate_id,
                        invitation_id=invitation_id, type=kind, occurred_at=at,
                        source_id=f"hr:{key_id}", applied=detail)
