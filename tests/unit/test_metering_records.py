"""What a stream record bills (services/metering.usage_of), from real item images."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.billing.services.metering import usage_of
from chalicelib.invitations.models import InvitationItem, OutboxItem
from chalicelib.invitations.services.vendor_events import webhook_marker_key
from chalicelib.invitations.services.webhooks import DEDUPE_FOR
from chalicelib.shared.models import MarkerItem

AT = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


def image(item: Any) -> dict[str, Any]:
    raw: dict[str, Any] = item.serialize()
    return raw


def outbox(channel: str = "email", **fields: Any) -> OutboxItem:
    pk, sk = OutboxItem.key("tn1", "inv-1", "invite", channel)
    return OutboxItem(pk, sk, tenant_id="tn1", invitation_id="inv-1", kind="invite",
                      channel=channel, created_at=AT, **fields)


def test_an_email_is_billed_when_it_turns_sent_with_a_provider_id() -> None:
    old = outbox(status="sending")
    new = outbox(status="sent", provider_message_id="ses-1", sent_at=AT)
    [usage] = usage_of("MODIFY", image(new), image(old))
    assert (usage.operation, usage.quantity, usage.month) == ("email", 1, "2026-11")
    assert usage.key == f"outbox#{new.pk}#{new.sk}#ses-1"
    # a replay of the same record gives the same key
    assert usage_of("MODIFY", image(new), image(old))[0].key == usage.key


def test_nothing_is_billed_without_a_provider_id_or_twice_for_a_sent_item() -> None:
    assert usage_of("MODIFY", image(outbox(status="sending")), image(outbox())) == []
    assert usage_of("MODIFY", image(outbox(status="failed")), image(outbox())) == []
    sent = outbox(status="sent", provider_message_id="ses-1", sent_at=AT)
    delivered = outbox(status="sent", provider_message_id="ses-1", sent_at=AT,
                       delivered_at=AT + timedelta(minutes=1))
    assert usage_of("MODIFY", image(delivered), image(sent)) == []


def test_sms_bills_its_parts() -> None:
    new = outbox("sms", status="sent", provider_message_id="sns-1", sent_at=AT, sms_parts=3,
                 sms_encoding="UCS-2")
    [usage] = usage_of("MODIFY", image(new), image(outbox("sms", status="sending")))
    assert (usage.operation, usage.quantity) == ("sms_part", 3)


def test_invitation_insert_and_webhook_marker_insert() -> None:
    pk, sk = InvitationItem.key("tn1", "inv-1")
    inv = InvitationItem(pk, sk, tenant_id="tn1", invitation_id="inv-1", campaign_id="c1",
                         position_id="p1", candidate_id="k1", status="invited",
                         channels=["email"], locale="en", deadline_at=AT, grace_hours=48,
                         interview_url="https://x", created_at=AT, status_changed_at=AT)
    [usage] = usage_of("INSERT", image(inv), None)
    assert (usage.operation, usage.key) == ("invitation", "invitation#inv-1")
    assert usage_of("MODIFY", image(inv), image(inv)) == []
    mpk, msk = webhook_marker_key("tn1", "inv-1", "msg_1")
    marker = MarkerItem(mpk, msk, expiration=AT + DEDUPE_FOR)
    [hook] = usage_of("INSERT", image(marker), None)
    assert (hook.tenant_id, hook.operation, hook.key, hook.at) == (
        "tn1", "webhook_event", "webhook#msg_1", AT)
    counted = MarkerItem(*MarkerItem.key("T#tn1#INV#inv-1", "COUNTED#1"), expiration=AT)
    assert usage_of("INSERT", image(counted), None) == []
    legacy = MarkerItem(*MarkerItem.key("T#tn1#WEBHOOK", "msg_1"), expiration=AT + DEDUPE_FOR)
    assert usage_of("INSERT", image(legacy), None) == []  # no longer written
    assert usage_of("REMOVE", None, image(marker)) == []


def test_a_chat_bot_message_is_not_billed_as_an_email() -> None:
    # GIVEN a digest's chat message turning sent (the tenant's own group bot)
    old = outbox("chat", status="sending")
    new = outbox("chat", status="sent", provider_message_id="wecom:abc", sent_at=AT)
    # THEN no usage (before: every channel but sms was billed as an email)
    assert usage_of("MODIFY", image(new), image(old)) == []
