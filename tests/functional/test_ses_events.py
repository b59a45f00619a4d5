"""SES bounces, complaints and deliveries through SNS -> suppression list, flags, outbox."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from chalicelib.invitations.models import InvitationItem, OutboxItem, SuppressionItem
from chalicelib.shared.domain import ids
from chalicelib.triggers.ses_events import ses_events_handler
from infra.local.glue import LambdaContext
from tests.functional.conftest import T0, Glue, TenantApi

EVENTS = Path(__file__).resolve().parents[1] / "events"


def sns_event(message: dict[str, Any]) -> dict[str, Any]:
    """The real SNS -> Lambda shape carrying an SES event as its Message."""
    event = json.loads((EVENTS / "snsEvent.json").read_text())
    event["Records"][0]["Sns"]["Message"] = json.dumps(message)
    event["Records"][0]["Sns"]["Timestamp"] = "2026-11-25T10:01:03.000Z"
    return event


def bounce_for(address: str, tenant_id: str, invitation_id: str) -> dict[str, Any]:
    message = json.loads((EVENTS / "sesBounceEvent.json").read_text())
    message["bounce"]["bouncedRecipients"][0]["emailAddress"] = address
    message["mail"]["destination"] = [address]
    message["mail"]["tags"].update({"tenant": [tenant_id], "invitation": [invitation_id]})
    return message


def test_a_permanent_bounce_suppresses_the_address_and_flags_the_invitation(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN an invitation email that SES accepted, then bounced for good
    tenant_id = api.tenant["tenant_id"]
    address = f"gone.{tenant_id}@example.com"
    campaign = api.campaign(channels=["email"])
    inv = api.invite(campaign["id"], [{"name": "G", "email": address}]).json_body
    inv_id = inv["items"][0]["invitation_id"]
    glue.drain()
    bounce = sns_event(bounce_for(address, tenant_id, inv_id))
    # WHEN the SES event arrives (twice: SNS delivers at least once)
    first = ses_events_handler(bounce, LambdaContext("ses_events"))
    second = ses_events_handler(bounce, LambdaContext("ses_events"))
    # THEN the address is suppressed for this tenant and the invitation is flagged
    assert first == second == {"results": ["suppressed"]}
    suppression = SuppressionItem.get(*SuppressionItem.key(tenant_id, "email", address))
    assert suppression.reason == "bounce" and suppression.detail == "Permanent/General"
    invitation = InvitationItem.get(*InvitationItem.key(tenant_id, inv_id))
    assert invitation.delivery_problem == "bounce"
    # AND the no-show reminder is not emailed to it
    before = sum(1 for m in local_cloud.cloud.sent_messages() if address in m["to"])
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    after = sum(1 for m in local_cloud.cloud.sent_messages() if address in m["to"])
    assert before == after == 1
    reminder = OutboxItem.get(*OutboxItem.key(tenant_id, inv_id, "round2", "email"),
                              consistent_read=True)
    assert reminder.status == "failed" and "suppressed" in (reminder.last_error or "")
    assert reminder.provider_message_id is None


def test_emails_carry_the_tags_that_come_back_with_ses_events(api: TenantApi, glue: Glue,
                                                              container: Any) -> None:
    seen: list[dict[str, str] | None] = []

    class Recording:
        def send_email(self, *, to: str, subject: str, text: str, html: str,
                       tags: dict[str, str] | None = None) -> str:
            seen.append(tags)
            return "rec-1"

    container.overrides["email"] = Recording()
    campaign = api.campaign(channels=["email"])
    inv = api.invite(campaign["id"], [{"name": "T", "email": "tags@example.com"}]).json_body
    glue.drain()
    assert seen == [{"tenant": api.tenant["tenant_id"],
                     "invitation": inv["items"][0]["invitation_id"], "outbox": "invite_email"}]


def test_delivery_is_recorded_and_untagged_events_are_ignored(api: TenantApi,
                                                              glue: Glue) -> None:
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email"])
    inv = api.invite(campaign["id"], [{"name": "D", "email": "d@example.com"}]).json_body
    inv_id = inv["items"][0]["invitation_id"]
    glue.drain()
    delivery = {"eventType": "Delivery",
                "mail": {"messageId": "m-1", "destination": ["d@example.com"],
                         "tags": {"tenant": [tenant_id], "invitation": [inv_id],
                                  "outbox": ["invite_email"]}},
                "delivery": {"recipients": ["d@example.com"],
                             "timestamp": "2026-11-25T10:01:02.000Z"}}
    assert ses_events_handler(sns_event(delivery), LambdaContext()) == {"results": ["delivered"]}
    item = OutboxItem.get(*OutboxItem.key(tenant_id, inv_id, "invite", "email"),
                          consistent_read=True)
    assert item.delivered_at is not None
    complaint = json.loads((EVENTS / "sesComplaintNotification.json").read_text())
    assert ses_events_handler(sns_event(complaint), LambdaContext()) == {"results": ["ignored"]}


def test_the_first_click_is_recorded_once(api: TenantApi, glue: Glue) -> None:
    # GIVEN an invitation email that went out
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email"])
    inv = api.invite(campaign["id"], [{"name": "C", "email": "c@example.com"}]).json_body
    inv_id = inv["items"][0]["invitation_id"]
    glue.drain()

    def click(at: str) -> dict[str, Any]:  # SES event publishing's Click shape
        return {"eventType": "Click",
                "mail": {"messageId": "m-2", "destination": ["c@example.com"],
                         "tags": {"tenant": [tenant_id], "invitation": [inv_id],
                                  "outbox": ["invite_email"]}},
                "click": {"ipAddress": "192.0.2.1", "timestamp": at,
                          "link": "https://talentloop.example.com/self-service/v1.secret",
                          "linkTags": {}, "userAgent": "Mozilla/5.0"}}

    # WHEN the candidate clicks twice (and SNS delivers the first event again)
    for event in (click("2026-11-25T10:05:00.000Z"), click("2026-11-25T10:06:00.000Z")):
        assert ses_events_handler(sns_event(event), LambdaContext()) == {"results": ["clicked"]}
    # THEN the first click is on the outbox item, once
    item = OutboxItem.get(*OutboxItem.key(tenant_id, inv_id, "invite", "email"),
                          consistent_read=True)
    first = item.clicked_at
    assert first is not None
    assert ses_events_handler(sns_event(click("2026-11-25T10:07:00.000Z")),
                              LambdaContext()) == {"results": ["clicked"]}
    assert OutboxItem.get(*OutboxItem.key(tenant_id, inv_id, "invite", "email"),
                          consistent_read=True).clicked_at == first
    # AND the talent pool counts one click into the candidate's score (replays add nothing)
    glue.drain()
    cand = ids.candidate_id(tenant_id, "email:c@example.com")
    score = api.get(f"/talent-pool/candidates/{cand}").json_body["score"]
    assert score["components"]["opened"] > 0
    assert score["stored"] == score["value"]
