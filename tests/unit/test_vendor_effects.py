"""What one vendor event does to an invitation (services/vendor_events.effect, no I/O):
never backwards, late completions flagged, the vendor's signals kept, unsigned moves nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.domain.vendors import InboundEvent, Lifecycle
from chalicelib.invitations.models import InvitationItem
from chalicelib.invitations.services.vendor_events import changes_anything, effect

DEADLINE = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def invitation(status: Status, **extra: Any) -> InvitationItem:
    return InvitationItem("pk", "INV", tenant_id="tn", invitation_id="inv", campaign_id="c",
                          position_id="p", candidate_id="k", status=status.value,
                          channels=["email"], locale="en", deadline_at=DEADLINE, grace_hours=48,
                          interview_url="https://v/i/inv", created_at=DEADLINE,
                          status_changed_at=DEADLINE, **extra)


def event(lifecycle: Lifecycle, at: datetime = DEADLINE - timedelta(days=1),
          score: float | None = None, verified: bool = True) -> InboundEvent:
    return InboundEvent("e1", "inv", lifecycle, at, f"x.{lifecycle}", score, verified=verified)


def test_completed_then_started_stays_completed() -> None:
    outcome, fields, score = effect(invitation(Status.COMPLETED), event(Lifecycle.STARTED))
    assert (outcome.status, outcome.changed, fields, score) == (Status.COMPLETED, False, {}, None)


def test_a_completion_after_close_is_late_and_flagged() -> None:
    outcome, fields, _ = effect(invitation(Status.CLOSED),
                                event(Lifecycle.COMPLETED, DEADLINE + timedelta(days=5)))
    assert outcome.status is Status.COMPLETED_LATE and outcome.changed
    assert fields == {"late_result": "after_close"}


def test_a_completion_after_a_cancel_keeps_the_cancel_and_the_result() -> None:
    outcome, fields, score = effect(invitation(Status.CANCELLED),
                                    event(Lifecycle.COMPLETED, score=77))
    assert (outcome.status, outcome.changed) == (Status.CANCELLED, False)
    assert fields == {"late_result": "after_cancel"} and score == 77


def test_expired_and_abandoned_are_kept_as_the_vendor_signal() -> None:
    _, fields, _ = effect(invitation(Status.SENT), event(Lifecycle.EXPIRED))
    assert fields == {"vendor_signal": "expired"}
    _, fields, _ = effect(invitation(Status.STARTED, vendor_signal="abandoned"),
                          event(Lifecycle.ABANDONED))
    assert fields == {}  # already said: no second effect
    _, fields, _ = effect(invitation(Status.COMPLETED), event(Lifecycle.ABANDONED))
    assert fields == {}  # a finished interview is not abandoned


def test_a_score_is_set_once() -> None:
    assert effect(invitation(Status.COMPLETED), event(Lifecycle.SCORED, score=90))[2] == 90
    assert not changes_anything(invitation(Status.COMPLETED, score=90),
                                event(Lifecycle.SCORED, score=90))


def test_an_unsigned_event_moves_nothing() -> None:
    assert not changes_anything(invitation(Status.SENT),
                                event(Lifecycle.COMPLETED, score=90, verified=False))


def test_timeline_only_lifecycles_change_nothing() -> None:
    for lifecycle in (Lifecycle.INVITED, Lifecycle.REPORT_AVAILABLE, Lifecycle.NOTED):
        assert not changes_anything(invitation(Status.SENT), event(lifecycle))
