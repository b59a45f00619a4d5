"""Re-engagement of a pool segment: dry run, frequency cap, consent, idempotency."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from chalicelib import bootstrap
from chalicelib.invitations.models import CandidateItem, InvitationItem
from tests.functional.conftest import T0, Glue, TenantApi

DEADLINE = T0 + timedelta(hours=72, minutes=1)


def emails_to(local_cloud: Any, address: str) -> int:
    return sum(1 for m in local_cloud.cloud.sent_messages() if address in m["to"])


def test_re_engaging_the_no_show_group_of_a_campaign(
        api: TenantApi, glue: Glue, container: bootstrap.Container, local_cloud: Any) -> None:
    # GIVEN the no-show group of an old campaign: a, b (accepted another offer), c (opted
    # out), d (re-invited to another campaign last week)
    tid = api.tenant["tenant_id"]
    old = api.campaign()
    rows = [{"name": n, "email": f"{n}.{tid}@example.com"} for n in "abcd"]
    invs = [i["invitation_id"] for i in api.invite(old["id"], rows).json_body["items"]]
    glue.drain()
    glue.tick(DEADLINE)
    items = [container.invitation_store.get(tid, i) for i in invs]
    a, b, c, d = (str(i.candidate_id) for i in items)  # type: ignore[union-attr]
    items[1].update(actions=[InvitationItem.reason.set("accepted_other_offer")],  # type: ignore[union-attr]
                    add_version_condition=False)
    container.pool_store.profile(tid, c).update(
        actions=[CandidateItem.opted_out_at.set(DEADLINE)])
    glue.drain()
    api.clock.set(DEADLINE + timedelta(days=1))
    other = api.campaign(name="Other")
    assert api.post(f"/talent-pool/candidates/{d}/tags", {"tag": "vip", "reason": "x"}
                    ).status_code == 201
    first = api.post("/talent-pool/re-engagements", {
        "segment": {"tag": "vip"}, "campaign_id": other["id"], "dry_run": False})
    assert first.status_code == 200, first.body
    assert [i["candidate_id"] for i in first.json_body["invited"]] == [d]
    glue.drain()
    api.clock.set(DEADLINE + timedelta(days=8))
    target = api.campaign(name="Second chance")
    request = {"segment": {"tag": "no_show", "campaign_id": old["id"]},
               "campaign_id": target["id"], "dry_run": True}

    # WHEN HR asks for a dry run
    dry = api.post("/talent-pool/re-engagements", request)
    # THEN it says who would be invited and why, who not and why, and invites nobody
    assert dry.status_code == 200, dry.body
    body = dry.json_body
    assert [(i["candidate_id"], i["invitation_id"]) for i in body["invited"]] == [(a, None)]
    assert "no_show" in body["invited"][0]["why"]
    assert {(s["candidate_id"], s["reason"]) for s in body["skipped"]} == {
        (b, "hold_contact"), (c, "opted_out"), (d, "frequency_cap")}
    listing = api.get(f"/campaigns/{target['id']}/invitations?status=invited").json_body
    assert listing["items"] == []

    # WHEN it runs for real, twice
    mail_before = emails_to(local_cloud, f"a.{tid}@example.com")
    real = api.post("/talent-pool/re-engagements", {**request, "dry_run": False}).json_body
    glue.drain()
    mail_after_first = emails_to(local_cloud, f"a.{tid}@example.com")
    again = api.post("/talent-pool/re-engagements", {**request, "dry_run": False}).json_body
    glue.drain()
    # THEN a gets one new invitation (through the outbox: an email), the second run nothing
    assert [i["candidate_id"] for i in real["invited"]] == [a]
    assert real["invited"][0]["invitation_id"]
    assert again["invited"] == []
    assert (a, "already_invited") in {(s["candidate_id"], s["reason"]) for s in again["skipped"]}
    assert mail_after_first == mail_before + 1  # the new invitation's email, via the outbox
    assert emails_to(local_cloud, f"a.{tid}@example.com") == mail_after_first
    history = api.get(f"/talent-pool/candidates/{a}").json_body["invitations"]
    assert [h["campaign_id"] for h in history] == [old["id"], target["id"]]
    assert history[1]["deadline_at"] > history[0]["deadline_at"]
    # an unknown campaign is a 404, a segment that names no tag to look for a 422
    assert api.post("/talent-pool/re-engagements",
                    {**request, "campaign_id": "nope"}).status_code == 404
    assert api.post("/talent-pool/re-engagements",
                    {**request, "segment": {"none": "x"}}).status_code == 422


def test_scheduled_rules_run_when_due_once(
        api: TenantApi, glue: Glue, container: bootstrap.Container, client: Any) -> None:
    # GIVEN a no-show and a rule re-inviting the no-show group to a new campaign daily
    from chalicelib.triggers.pool_schedule import pool_reengage
    from infra.local.glue import LambdaContext
    from infra.local.runner import scheduled_event

    tid = api.tenant["tenant_id"]
    old = api.campaign()
    inv = api.invite(old["id"], [{"name": "z", "email": f"z.{tid}@example.com"}]
                     ).json_body["items"][0]["invitation_id"]
    glue.drain()
    glue.tick(DEADLINE)
    target = api.campaign(name="Rule target")
    path = "/talent-pool/re-engagement-rules/no_shows_daily"
    body = {"segment": {"tag": "no_show", "campaign_id": old["id"]},
            "campaign_id": target["id"], "every_hours": 24}
    saved = api.client.http.put(path, headers=api.headers(), body=json.dumps(body).encode())
    assert saved.status_code == 200, saved.body
    bad = api.client.http.put(path, headers=api.headers(),
                              body=json.dumps({**body, "campaign_id": "nope"}).encode())
    assert bad.status_code == 404

    def tick(at: datetime) -> dict[str, int]:
        event = scheduled_event("pool_reengage", at, "test")
        result: dict[str, int] = pool_reengage(event, LambdaContext("pool_reengage"))
        return result

    # WHEN the schedule fires, again an hour later, and again two days later
    first = tick(DEADLINE + timedelta(hours=1))
    second = tick(DEADLINE + timedelta(hours=2))
    glue.drain()
    third = tick(DEADLINE + timedelta(days=2))
    # THEN the rule ran the first and third time only; the candidate was invited once
    assert first["ran"] >= 1 and first["invited"] >= 1
    assert second["ran"] == 0 and second["invited"] == 0
    assert third["ran"] >= 1 and third["invited"] == 0
    cand = str(container.invitation_store.get(tid, inv).candidate_id)  # type: ignore[union-attr]
    history = api.get(f"/talent-pool/candidates/{cand}").json_body["invitations"]
    assert [h["campaign_id"] for h in history] == [old["id"], target["id"]]
    rules = api.get("/talent-pool/re-engagement-rules").json_body["items"]
    mine = [r for r in rules if r["rule_id"] == "no_shows_daily"]
    assert mine[0]["last_result"]["skipped"] == {"already_invited": 1}
    deleted = api.client.http.delete(path, headers=api.headers())
    assert deleted.status_code == 200
    assert api.client.http.delete(path, headers=api.headers()).status_code == 404
