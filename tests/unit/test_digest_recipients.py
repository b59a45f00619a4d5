"""Who gets a campaign's digest email (delivery/services/due_items.py: digest_recipients)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.delivery.services.due_items import digest_recipients
from chalicelib.invitations.models import CampaignItem

AT = datetime(2026, 11, 28, tzinfo=UTC)


def campaign(owner: str | None, interviewers: list[str] | None) -> CampaignItem:
    pk, sk = CampaignItem.key("tn1", "cmp1")
    return CampaignItem(pk, sk, tenant_id="tn1", campaign_id="cmp1", position_id="pos1",
                        name="Campus", channels=["email"], grace_hours=48, created_at=AT,
                        owner_email=owner, interviewer_emails=interviewers)


def test_owner_keeps_the_plain_kind_and_each_interviewer_gets_one_of_their_own() -> None:
    got = digest_recipients(campaign("hr@acme.example", ["a@acme.example", "b@acme.example"]),
                            None)
    assert got[0] == ("", "hr@acme.example")
    assert [address for _, address in got[1:]] == ["a@acme.example", "b@acme.example"]
    suffixes = {suffix for suffix, _ in got}
    assert len(suffixes) == 3 and all(s == "" or len(s) == 11 for s in suffixes)


def test_an_interviewer_who_is_the_owner_gets_one_email() -> None:
    got = digest_recipients(campaign("hr@acme.example", ["hr@acme.example"]), None)
    assert got == [("", "hr@acme.example")]


def test_the_campaign_as_it_is_now_wins_over_the_digest_items_copy() -> None:
    # the owner was removed after the no-show: nobody is mailed
    assert digest_recipients(campaign(None, None), "old@acme.example") == []
    # a campaign gone (deleted tenant data): the digest's own copy still reaches its owner
    assert digest_recipients(None, "old@acme.example") == [("", "old@acme.example")]
