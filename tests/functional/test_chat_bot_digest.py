"""The daily digest reaches the campaign's owner and interviewers (SES) and the tenant's chat
bot, a Feishu / DingTalk / WeCom group bot on loopback (tests/functional/bot_receiver.py)
that checks the signature and the payload as the real bot would; a bot answering an error
code, and the bot kinds' rate limit (ours, before the bot's)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib.clock import FixedClock
from chalicelib.shared.domain.due import REDRIVE_AFTER
from tests.functional.bot_receiver import bot_on_loopback
from tests.functional.conftest import T0, Glue, TenantApi

NO_SHOW_AT = T0 + timedelta(hours=72, minutes=1)  # invitations turn no_show on 2026-11-28
MORNING = T0 + timedelta(hours=96, minutes=1)  # 2026-11-29 09:01 UTC: the digest is due


def put_bot(api: TenantApi, body: dict[str, Any]) -> Any:
    return api.client.http.put("/tenant/chat-bot", headers=api.headers(),
                               body=json.dumps(body).encode())


def digests_to(local_cloud: Any, address: str) -> list[dict[str, Any]]:
    return [m for m in local_cloud.cloud.sent_messages() if address in m["to"]]


def no_shows(api: TenantApi, glue: Glue, campaign_id: str, names: list[str]) -> None:
    tid = api.tenant["tenant_id"]
    api.invite(campaign_id, [{"name": n, "email": f"{n.lower()}.{tid}@example.com"}
                             for n in names])
    glue.drain()
    glue.tick(NO_SHOW_AT)


def test_digest_goes_to_owner_interviewers_and_a_signed_dingtalk_bot(
        api: TenantApi, glue: Glue, local_cloud: Any, clock: FixedClock) -> None:
    tid = api.tenant["tenant_id"]
    owner, first, second = (f"{who}.{tid}@example.com" for who in ("hr", "iv1", "iv2"))
    with bot_on_loopback("dingtalk", secret="SECdigest") as bot:
        # GIVEN a campaign with an owner and interviewers (one listed twice, one the owner)
        campaign = api.campaign(owner_email=owner,
                                interviewer_emails=[first.upper(), second, first, owner])
        assert campaign["interviewer_emails"] == [first, second, owner]
        # AND the tenant's DingTalk bot with its signing secret, never shown back
        put = put_bot(api, {"kind": "dingtalk", "url": bot.url, "secret": "SECdigest"})
        assert put.status_code == 200, put.body
        shown = api.get("/tenant/chat-bot").json_body
        assert "SECdigest" not in json.dumps(shown) and bot.key not in json.dumps(shown)
        assert shown["signed"] is True and shown["kind"] == "dingtalk"
        no_shows(api, glue, campaign["id"], ["Ana", "Bo"])
        # WHEN the digest comes due (clock at the morning: the sender's "now")
        clock.set(MORNING)
        report = glue.tick(MORNING)
        glue.tick(MORNING + timedelta(minutes=1))  # a retried tick sends nothing more
        # THEN one email each for the owner and both interviewers
        assert report["digests"] == 1
        for address in (owner, first, second):
            (mail,) = digests_to(local_cloud, address)
            assert mail["subject"] == "Campus: 2 no-shows so far (2026-11-28)"
        # AND one signed markdown message in the group, names but no contacts
        (posted,) = bot.received
        assert posted.verified, posted
        assert posted.query["timestamp"] == str(int(MORNING.timestamp() * 1000))
        assert posted.body["msgtype"] == "markdown"
        text = posted.body["markdown"]["text"]
        assert posted.body["markdown"]["title"].startswith("TalentLoop · Campus: 2 no-shows")
        assert "- Ana" in text and "- Bo" in text and "no-show: 2" in text
        assert "@example.com" not in text
        assert api.get("/tenant/chat-bot").json_body["last_sent_at"] == MORNING.isoformat()


def test_interviewers_only_and_patch_replaces_them(api: TenantApi, glue: Glue,
                                                   local_cloud: Any, clock: FixedClock) -> None:
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(interviewer_emails=[f"old.{tid}@example.com"])
    path = f"/campaigns/{campaign['id']}"
    new = f"new.{tid}@example.com"
    patched = api.client.http.patch(path, headers=api.headers(),
                                    body=json.dumps({"interviewer_emails": [new]}).encode())
    assert patched.status_code == 200 and patched.json_body["interviewer_emails"] == [new]
    bad = api.client.http.patch(path, headers=api.headers(),
                                body=b'{"interviewer_emails": ["not-an-address"]}')
    assert bad.status_code == 400
    assert bad.json_body["error"]["code"] == "invalid_interviewer_emails"
    too_many = api.client.http.patch(path, headers=api.headers(), body=json.dumps(
        {"interviewer_emails": [f"i{n}@example.com" for n in range(21)]}).encode())
    assert too_many.status_code == 400
    # WHEN the campaign (no owner) has a no-show and the digest comes due
    no_shows(api, glue, campaign["id"], ["Cy"])
    clock.set(MORNING)
    glue.tick(MORNING)
    # THEN the new interviewer has it, the old one not
    assert len(digests_to(local_cloud, new)) == 1
    assert digests_to(local_cloud, f"old.{tid}@example.com") == []


def test_a_bot_refusing_for_good_fails_the_message_and_shows_why(
        api: TenantApi, glue: Glue, local_cloud: Any, clock: FixedClock) -> None:
    tid = api.tenant["tenant_id"]
    with bot_on_loopback("feishu", secret="right") as bot:
        # GIVEN a Feishu bot whose secret we were given wrong (it answers 19021 with HTTP 200)
        assert put_bot(api, {"kind": "feishu", "url": bot.url, "secret": "wrong"}
                       ).status_code == 200
        owner = f"hr.fs.{tid}@example.com"
        campaign = api.campaign(owner_email=owner)
        no_shows(api, glue, campaign["id"], ["Di"])
        clock.set(MORNING)
        glue.tick(MORNING)
        # THEN the bot was asked once (no retry of a permanent refusal), the owner has mail
        assert len(bot.received) == 1 and not bot.received[0].verified
        assert len(digests_to(local_cloud, owner)) == 1
        shown = api.get("/tenant/chat-bot").json_body
        assert shown["last_error"].startswith("19021")
        # AND a test message says the same
        test = api.post("/tenant/chat-bot/test", b"").json_body
        assert test == {"sent": False, "code": "19021", "message": "sign match fail",
                        "retry": False}


def test_a_busy_bot_is_retried_until_it_takes_the_message(
        api: TenantApi, glue: Glue, local_cloud: Any, clock: FixedClock) -> None:
    with bot_on_loopback("feishu") as bot:
        # GIVEN a Feishu bot that answers "frequency limited" (11232) twice, then success
        bot.answer((400, {"code": 11232, "msg": "frequency limited"}),
                   (200, {"code": 11232, "msg": "frequency limited"}))
        assert put_bot(api, {"kind": "feishu", "url": bot.url}).status_code == 200
        campaign = api.campaign()  # no owner, no interviewers: only the bot hears it
        no_shows(api, glue, campaign["id"], ["Ed"])
        clock.set(MORNING)
        glue.tick(MORNING)
        # THEN the queue retried it and the third post went through
        assert len(bot.received) == 3
        assert all(p.body["msg_type"] == "text" for p in bot.received)
        assert "Ed" in bot.received[-1].body["content"]["text"]
        assert api.get("/tenant/chat-bot").json_body["last_sent_at"] == MORNING.isoformat()


def test_the_rate_limit_holds_the_21st_wecom_message_until_the_next_minute(
        api: TenantApi, glue: Glue, local_cloud: Any, clock: FixedClock) -> None:
    with bot_on_loopback("wecom") as bot:
        assert put_bot(api, {"kind": "wecom", "url": bot.url}).status_code == 200
        assert put_bot(api, {"kind": "wecom", "url": bot.url, "secret": "x"}
                       ).json_body["error"]["code"] == "secret_not_supported"
        campaign = api.campaign()
        no_shows(api, glue, campaign["id"], ["Fay"])
        # GIVEN 20 test messages in the minute the digest comes due (WeCom: 20 a minute)
        clock.set(MORNING)
        for _ in range(20):
            assert api.post("/tenant/chat-bot/test", b"").json_body["sent"] is True
        # WHEN the 21st is asked for, THEN it is held by us: the bot never sees it
        held = api.post("/tenant/chat-bot/test", b"").json_body
        assert held == {"sent": False, "code": "rate_limited", "retry": True,
                        "message": "wecom allows 20 per 60 s"}
        glue.tick(MORNING)  # the digest in the same minute: held too, the item stays pending
        assert len(bot.received) == 20
        # WHEN the outbox check comes due in a later minute, THEN the digest goes
        later = MORNING + REDRIVE_AFTER + timedelta(minutes=1)
        clock.set(later)
        glue.tick(later)
        assert len(bot.received) == 21
        assert "Fay" in bot.received[-1].body["markdown"]["content"]


def test_chat_bot_settings_are_admin_only_and_404_when_unset(api: TenantApi,
                                                             container: Any) -> None:
    assert api.get("/tenant/chat-bot").json_body["error"]["code"] == "chat_bot_not_found"
    deleted = api.client.http.delete("/tenant/chat-bot", headers=api.headers())
    assert deleted.status_code == 404
    evil = put_bot(api, {"kind": "feishu", "url": "https://evil.example.com/open-apis/bot/v2/"
                                                  "hook/x"})
    assert evil.status_code == 422 and evil.json_body["error"]["code"] == "unexpected_bot_host"
    recruiter = container.tenants.create_key(api.tenant["tenant_id"], "recruiter")
    response = api.client.http.get("/tenant/chat-bot", headers={
        "Authorization": f"Bearer {recruiter['api_key']}"})
    assert response.status_code == 403


def test_an_interviewer_whose_address_bounced_gets_no_more_digests(
        api: TenantApi, glue: Glue, local_cloud: Any, clock: FixedClock,
        container: Any) -> None:
    from chalicelib.invitations.models import SuppressionItem

    tid = api.tenant["tenant_id"]
    gone, fine = f"gone.{tid}@example.com", f"fine.{tid}@example.com"
    # GIVEN an interviewer's address SES reported as a hard bounce (events/ses: suppressed)
    pk, sk = SuppressionItem.key(tid, "email", gone)
    container.suppression_store.suppress(SuppressionItem(
        pk, sk, tenant_id=tid, channel="email", address=gone, reason="bounce",
        created_at=T0))
    campaign = api.campaign(interviewer_emails=[gone, fine])
    no_shows(api, glue, campaign["id"], ["Gus"])
    clock.set(MORNING)
    glue.tick(MORNING)
    # THEN only the other interviewer is mailed (before: a digest ignored the suppression list)
    assert len(digests_to(local_cloud, fine)) == 1
    assert digests_to(local_cloud, gone) == []
