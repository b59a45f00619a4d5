"""JSON views of stored entities (what the API returns). PII stays in profiles only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.invitations.models import CampaignItem, InvitationItem, PositionItem
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
            "grace_hours": float(c.grace_hours), "reminder_policy": c.reminder_policy,
            "created_at": _at(c.created_at),
            "status": "closed" if c.closed_at else "open", "closed_at": _at(c.closed_at),
            "counts": c.counts()}


def invitation_view(i: InvitationItem) -> dict[str, Any]:
    return {"id": i.invitation_id, "campaign_id": i.campaign_id,
            "candidate_id": i.candidate_id, "status": i.status, "channels": list(i.channels),
            "locale": i.locale, "deadline_at": _at(i.deadline_at),
            "interview_url": i.interview_url, "created_at": _at(i.created_at),
            "status_changed_at": _at(i.status_changed_at),
            "score": float(i.score) if i.score is not None else None,
            "late_result": i.late_result, "vendor_signal": i.vendor_signal}

