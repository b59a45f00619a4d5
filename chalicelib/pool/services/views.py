"""JSON views of the talent pool's entities (what the API returns). PII stays in profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.invitations.models import CandidateItem
from chalicelib.pool.models import TagItem
from chalicelib.shared.domain.due import instant


def _at(value: datetime | None) -> str | None:
    return instant(value) if value else None


def pool_view(tag: TagItem, profile: CandidateItem | None) -> dict[str, Any]:
    return {"candidate_id": tag.candidate_id,
            "name": profile.name if profile else None,
            "email": profile.email if profile else None,
            "phone": profile.phone if profile else None,
            "locale": profile.locale if profile else None,
            "tag": {"name": tag.tag, "campaign_id": tag.campaign_id,
                    "invitation_id": tag.invitation_id, "source": tag.source,
                    "reason": tag.reason, "created_at": _at(tag.created_at)}}


def tag_view(t: TagItem) -> dict[str, Any]:
    return {"name": t.tag, "campaign_id": t.campaign_id, "invitation_id": t.invitation_id,
            "source": t.source, "reason": t.reason, "created_at": instant(t.created_at),
            "expires_at": instant(t.expires_at) if t.expires_at else None}

