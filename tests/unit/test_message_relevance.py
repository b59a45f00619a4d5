"""Which outbox messages the sender still sends when it gets to them."""

from __future__ import annotations

import pytest

from chalicelib.delivery.domain.relevance import still_due


@pytest.mark.parametrize("status", ["invited", "sent", "opened", "started", "no_show"])
def test_messages_to_an_invitation_still_going_are_sent(status: str) -> None:
    assert still_due("invite", status) and still_due("round1", status)
    assert still_due("e1-round2", status)


@pytest.mark.parametrize("status", ["completed", "completed_late", "closed", "cancelled"])
def test_nothing_goes_to_an_invitation_that_ended(status: str) -> None:
    assert not still_due("invite", status)
    assert not still_due("round1", status)
    assert not still_due("e2-round3", status)


def test_a_digest_is_about_a_campaign_and_never_stale() -> None:
    assert still_due("digest-2026-12-02", "cancelled")
