"""What the vendor is told when an invitation changes (services/vendor_notices.notice_of)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.services.vendor_notices import notice_of
from tests.unit.test_vendor_effects import DEADLINE, invitation


def test_extensions_cancels_and_closes_are_told_other_moves_are_not() -> None:
    at = DEADLINE
    later = invitation(Status.SENT)
    later.deadline_at = DEADLINE + timedelta(days=2)
    told = notice_of(later, invitation(Status.SENT), at)
    assert told is not None and (told.kind, told.deadline_at) == ("extended", later.deadline_at)
    cancelled = notice_of(invitation(Status.CANCELLED), invitation(Status.OPENED), at)
    assert cancelled is not None and cancelled.kind == "cancelled"
    closed = notice_of(invitation(Status.CLOSED), invitation(Status.NO_SHOW), at)
    assert closed is not None and closed.kind == "closed"
    assert notice_of(invitation(Status.OPENED), invitation(Status.SENT), at) is None
    earlier = invitation(Status.SENT)
    earlier.deadline_at = DEADLINE - timedelta(hours=1)
    moved = notice_of(earlier, invitation(Status.SENT), at)
    assert moved is not None and moved.kind == "deadline_changed"
