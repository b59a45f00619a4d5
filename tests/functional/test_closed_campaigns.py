"""A campaign whose fixed deadline has passed takes no invitations: not in bulk, not by a
re-engagement, not by a scheduled re-engagement rule (they would be born overdue and turn
no_show at the next sweep)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib import bootstrap
from chalicelib.invitations.models import OutboxItem
from chalicelib.invitations.services.campaign_closing import CampaignClosing
from tests.functional.conftest import T0, Glue, TenantApi

DEADLINE = T0 + timedelta(hours=48)


def fixed_deadline_campaign(api: TenantApi, name: str = "Fixed") -> dict[str, Any]:
    return api.campaign(name=name, window_hours=None, deadline_at=DEADLINE.isoformat())


def test_bulk_invitations_into_a_closed_campaign_are_refused(api: TenantApi,
                                                             glue: Glue) -> None:
    # GIVEN a campaign with a fixed deadline, open until then
    campaign = fixed_deadline_campaign(api)
    tid = api.tenant["tenant_id"]
    before = api.invite(campaign["id"], [{"name": "A", "email": f"a.{tid}@example.com"}])
    assert before.status_code == 201 and before.json_body["created"] == 1
    # WHEN invitations come after its deadline (and exactly at it)
    for at in (DEADLINE, DEADLINE + timedelta(days=1)):
        api.clock.set(at)
        late = api.invite(campaign["id"], [{"name": "B", "email": f"b.{tid}@example.com"}],
                          {"Idempotency-Key": f"late-{at.isoformat()}"})
        # THEN the request is refused as a whole, with the uniform error body
        assert late.status_code == 409, late.body
        assert late.json_body["error"]["code"] == "campaign_closed"
        assert late.json_body["error"]["message"]
    # AND nothing was written: only the invitation made in time exists
    glue.drain()
    invited = api.get(f"/campaigns/{campaign['id']}/invitations?status=sent").json_body
    assert len(invited["items"]) == 1
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert sum(counts.values()) == 1, counts
    # AND the OpenAPI document names the code
    spec = json.loads(api.client.http.get("/openapi.json").body)
    post = spec["paths"]["/campaigns/{campaign_id}/invitations"]["post"]
    assert "campaign_closed" in post["responses"]["409"]["description"]


def test_re_engagement_into_a_closed_campaign_is_refused(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN a candidate in the pool and a fixed-deadline campaign that has closed
    tid = api.tenant["tenant_id"]
    closed = fixed_deadline_campaign(api, "Closed")
    body = api.invite(api.campaign()["id"], [{"name": "R", "email": f"r.{tid}@example.com"}])
    inv = body.json_body["items"][0]["invitation_id"]
    glue.drain()
    api.clock.set(DEADLINE + timedelta(hours=1))
    request = {"segment": {"tag": "vip"}, "campaign_id": closed["id"], "dry_run": False}
    candidate_id = str(container.invitation_store.get(tid, inv).candidate_id)  # type: ignore[union-attr]
    assert api.post(f"/talent-pool/candidates/{candidate_id}/tags",
                    {"tag": "vip", "reason": "x"}).status_code == 201
    # WHEN HR re-engages the segment into it (dry run or not)
    for dry in (True, False):
        answer = api.post("/talent-pool/re-engagements", {**request, "dry_run": dry})
        # THEN 409 campaign_closed, and no frequency cap was used up
        assert answer.status_code == 409, answer.body
        assert answer.json_body["error"]["code"] == "campaign_closed"
    open_campaign = api.campaign(name="Open")
    dry = api.post("/talent-pool/re-engagements",
                   {**request, "campaign_id": open_campaign["id"], "dry_run": True}).json_body
    assert [i["candidate_id"] for i in dry["invited"]] == [candidate_id], dry


def test_scheduled_rules_skip_a_closed_campaign(api: TenantApi, glue: Glue,
                                                container: bootstrap.Container) -> None:
    from chalicelib.triggers.pool_schedule import pool_reengage
    from infra.local.glue import LambdaContext
    from infra.local.runner import scheduled_event

    # GIVEN a rule re-inviting a tagged group into a fixed-deadline campaign, saved in time
    tid = api.tenant["tenant_id"]
    target = fixed_deadline_campaign(api, "Rule target")
    body = api.invite(api.campaign()["id"], [{"name": "Q", "email": f"q.{tid}@example.com"}])
    inv = body.json_body["items"][0]["invitation_id"]
    glue.drain()
    cand = str(container.invitation_store.get(tid, inv).candidate_id)  # type: ignore[union-attr]
    assert api.post(f"/talent-pool/candidates/{cand}/tags",
                    {"tag": "closing", "reason": "x"}).status_code == 201
    path = "/talent-pool/re-engagement-rules/closing_daily"
    rule = {"segment": {"tag": "closing"}, "campaign_id": target["id"], "every_hours": 24}
    saved = api.client.http.put(path, headers=api.headers(), body=json.dumps(rule).encode())
    assert saved.status_code == 200, saved.body

    # WHEN the schedule fires after the campaign's deadline
    at = DEADLINE + timedelta(hours=1)
    report = pool_reengage(scheduled_event("pool_reengage", at, "test"),
                           LambdaContext("pool_reengage"))
    glue.drain()
    # THEN the rule is skipped: nobody invited, the run says why
    assert report["closed"] >= 1, report
    history = api.get(f"/talent-pool/candidates/{cand}").json_body["invitations"]
    assert target["id"] not in [h["campaign_id"] for h in history]
    rules = api.get("/talent-pool/re-engagement-rules").json_body["items"]
    mine = [r for r in rules if r["rule_id"] == "closing_daily"]
    assert mine[0]["last_result"]["campaign_closed"] is True
    # AND saving a rule into the closed campaign is refused
    api.clock.set(at)
    again = api.client.http.put(path, headers=api.headers(), body=json.dumps(rule).encode())
    assert again.status_code == 409 and again.json_body["error"]["code"] == "campaign_closed"
    api.client.http.delete(path, headers=api.headers())


def _close(api: TenantApi, campaign_id: str) -> Any:
    return api.client.http.request("PATCH", f"/campaigns/{campaign_id}", headers=api.headers(),
                                   body=b'{"closed": true}')


def test_closing_early_ends_the_open_invitations(api: TenantApi, glue: Glue,
                                                 container: bootstrap.Container,
                                                 local_cloud: Any) -> None:
    # GIVEN a campaign reminding 24 h before its 72 h deadline, with four invitations: one
    # completed, one opened, two only sent
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(reminder_policy={
        "rounds": [{"offset_hours": -24, "channels": ["email"]},
                   {"offset_hours": 0, "channels": ["email"]}],
        "grace_hours": 48, "quiet_hours": None})
    rows = [{"name": f"C{i}", "email": f"c{i}.{tid}@example.com"} for i in range(4)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    api.webhook("interview.completed", ids[0])
    api.webhook("interview.opened", ids[1])
    glue.drain()
    sent_before = len([m for m in local_cloud.cloud.sent_messages()
                       if any(tid in t for t in m["to"])])
    # WHEN HR closes it early, a day in, and the sweep runs (a step of 2: two steps needed)
    api.clock.set(T0 + timedelta(hours=24))
    assert _close(api, campaign["id"]).status_code == 200
    closing = CampaignClosing(container.invitation_store, container.catalog_store,
                              container.settings.due_shards, per_step=2)
    stored = container.catalog_store.get_campaign(tid, campaign["id"], consistent=True)
    assert stored is not None and stored.due_sk  # filed in the due index with the close
    first = closing.due(stored, T0 + timedelta(hours=24))
    assert first.counts["closed_early"] == 2 and first.finished
    rest = glue.tick(T0 + timedelta(hours=24, minutes=2))  # the registered consumer: the rest
    assert rest["closed_early"] >= 1 and rest["failed"] == 0, rest
    # THEN the open ones are cancelled, the completed one is untouched
    statuses = {i: container.invitation_store.get(tid, i).status for i in ids}  # type: ignore[union-attr]
    assert statuses == {ids[0]: "completed", ids[1]: "cancelled", ids[2]: "cancelled",
                        ids[3]: "cancelled"}, statuses
    stored = container.catalog_store.get_campaign(tid, campaign["id"], consistent=True)
    assert stored is not None and stored.due_sk is None  # out of the due index once done
    # AND past the reminder and the deadline: no reminder, no no-show, nobody in the pool
    for hours in (48, 72, 125):
        glue.tick(T0 + timedelta(hours=hours, minutes=1))
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert (counts["cancelled"], counts["completed"], counts["no_show"]) == (3, 1, 0), counts
    sent_after = len([m for m in local_cloud.cloud.sent_messages()
                      if any(tid in t for t in m["to"])])
    assert sent_after == sent_before
    pool = api.get(f"/talent-pool/candidates?tag=no_show&campaign_id={campaign['id']}")
    assert pool.json_body["items"] == []
    # AND closing again is a no-op
    assert _close(api, campaign["id"]).status_code == 200


def test_a_reminder_claimed_before_a_cancel_is_not_sent(api: TenantApi, glue: Glue,
                                                        container: bootstrap.Container,
                                                        local_cloud: Any) -> None:
    # GIVEN a reminder round the sweep has claimed (its outbox message queued, not yet sent)
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(reminder_policy={
        "rounds": [{"offset_hours": -24, "channels": ["email"]}], "quiet_hours": None})
    inv = api.invite(campaign["id"], [{"name": "L", "email": f"l.{tid}@example.com"}]
                     ).json_body["items"][0]["invitation_id"]
    glue.drain()
    report = container.sweep.run(T0 + timedelta(hours=48, minutes=1))
    assert report.rounds_sent == 1
    # WHEN HR cancels the invitation before the sender gets to the message
    cancelled = api.post("/invitations/actions", {"action": "cancel", "invitation_ids": [inv]})
    assert cancelled.status_code == 200, cancelled.body
    glue.drain()
    # THEN the reminder is skipped (and says why), only the invitation was ever sent
    to_them = [m for m in local_cloud.cloud.sent_messages()
               if any(f"l.{tid}" in t for t in m["to"])]
    assert len(to_them) == 1, [m.get("subject") for m in to_them]
    reminder = container.outbox_store.get(*OutboxItem.key(tid, inv, "round1", "email"))
    assert reminder is not None
    assert (reminder.status, reminder.last_error, reminder.due_sk) == (
        "skipped", "not sent: the invitation is cancelled", None)


def test_an_invitation_due_before_the_closing_step_reaches_it_is_cancelled(
        api: TenantApi, glue: Glue, container: bootstrap.Container,
        local_cloud: Any) -> None:
    # GIVEN a campaign closed early, whose closing step has not run (a huge campaign, or the
    # scheduler was down), and its invitations' deadline passing
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(window_hours=24, reminder_policy={
        "rounds": [{"offset_hours": 0, "channels": ["email"]}], "quiet_hours": None})
    rows = [{"name": f"D{i}", "email": f"d{i}.{tid}@example.com"} for i in range(3)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    api.clock.set(T0 + timedelta(hours=23))
    assert _close(api, campaign["id"]).status_code == 200
    stored = container.catalog_store.get_campaign(tid, campaign["id"], consistent=True)
    assert stored is not None
    container.catalog_store.settle_closing(stored, None)  # as if its step had not come yet
    # WHEN the sweep reaches the deadline
    report = glue.tick(T0 + timedelta(hours=24, minutes=1))
    assert report["closed_early"] >= 3, report  # (a count the report used not to have)
    # THEN they are cancelled, not no-shows, and got no reminder
    statuses = {container.invitation_store.get(tid, i).status for i in ids}  # type: ignore[union-attr]
    assert statuses == {"cancelled"}
    reminders = [m for m in local_cloud.cloud.sent_messages()
                 if any(tid in t for t in m["to"]) and "Your AI interview" not in m["subject"]]
    assert reminders == [], [m["subject"] for m in reminders]
