"""HR actions: cancel, extend (rounds re-planned from the new deadline), resend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.functional.conftest import T0, Glue, TenantApi


def setup(api: TenantApi, glue: Glue, names: list[str]) -> tuple[dict[str, Any], list[str]]:
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email"], reminder_policy={
        "rounds": [{"offset_hours": -24, "channels": ["email"]},
                   {"offset_hours": 0, "channels": ["email"]}], "quiet_hours": None})
    body = api.invite(campaign["id"], [{"name": n, "email": f"{n}.{tid}@example.com"}
                                       for n in names]).json_body
    glue.drain()
    return campaign, [i["invitation_id"] for i in body["items"]]


def mails(local_cloud: Any, name: str, tid: str) -> list[str]:
    return [m["subject"] for m in local_cloud.cloud.sent_messages()
            if any(f"{name}.{tid}" in t for t in m["to"])]


def act(api: TenantApi, body: dict[str, Any]) -> Any:
    return api.post("/invitations/actions", body)


def test_extending_a_no_show_reopens_it_and_replans_the_rounds(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN a no-show who got the no-show reminder
    tid = api.tenant["tenant_id"]
    campaign, (inv,) = setup(api, glue, ["x"])
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    assert api.get(f"/campaigns/{campaign['id']}").json_body["counts"]["no_show"] == 1
    # WHEN HR extends the deadline by two days (and the clock is past the old one)
    api.clock.set(T0 + timedelta(hours=73))
    new_deadline = T0 + timedelta(hours=120)
    response = act(api, {"action": "extend", "invitation_ids": [inv, "inv-nope"],
                         "deadline_at": new_deadline.isoformat()})
    # THEN it is open again, each id reported on its own
    assert response.status_code == 200, response.body
    assert response.json_body["results"] == [
        {"invitation_id": inv, "result": "done", "status": "sent"},
        {"invitation_id": "inv-nope", "result": "not_found"}]
    glue.drain()
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["no_show"] == 0 and counts["sent"] == 1
    # AND the rounds run again for the new deadline: -24 h, then the no-show round
    glue.tick(new_deadline - timedelta(hours=24) + timedelta(minutes=1))
    glue.tick(new_deadline + timedelta(minutes=1))
    subjects = mails(local_cloud, "x", tid)
    assert [s.split(" ")[0] for s in subjects] == ["Your", "You", "Reminder:", "You"], subjects
    assert api.get(f"/campaigns/{campaign['id']}").json_body["counts"]["no_show"] == 1


def test_cancel_stops_everything_and_final_invitations_cannot_be_extended(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    tid = api.tenant["tenant_id"]
    campaign, (a, b) = setup(api, glue, ["a", "b"])
    api.webhook("interview.completed", b)
    response = act(api, {"action": "cancel", "invitation_ids": [a]})
    assert response.json_body["results"][0] == {"invitation_id": a, "result": "done",
                                                "status": "cancelled"}
    extend = act(api, {"action": "extend", "invitation_ids": [a, b],
                       "deadline_at": (T0 + timedelta(days=9)).isoformat()})
    assert [r["result"] for r in extend.json_body["results"]] == ["not_allowed", "not_allowed"]
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    assert mails(local_cloud, "a", tid) == [mails(local_cloud, "a", tid)[0]]  # invite only
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["cancelled"] == 1 and counts["completed"] == 1 and counts["no_show"] == 0


def test_resend_sends_the_invitation_again_with_a_fresh_window(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    tid = api.tenant["tenant_id"]
    _, (inv,) = setup(api, glue, ["r"])
    glue.tick(T0 + timedelta(hours=72, minutes=1))  # no-show
    api.clock.set(T0 + timedelta(hours=100))
    response = act(api, {"action": "resend", "invitation_ids": [inv]})
    assert response.json_body["results"][0]["result"] == "done"
    glue.drain()
    listing = api.get(f"/campaigns/{_['id']}/invitations?status=sent").json_body["items"]
    assert listing[0]["deadline_at"] == "2026-12-02T13:00:00Z"  # now + the 72 h window
    assert [s.split(" ")[0] for s in mails(local_cloud, "r", tid)] == ["Your", "You", "Your"]


def test_bad_action_requests(api: TenantApi) -> None:
    cases = [({"action": "delete", "invitation_ids": ["x"]}, 400, "validation_failed"),
             ({"action": "extend", "invitation_ids": ["x"]}, 422, "missing_deadline"),
             ({"action": "extend", "invitation_ids": ["x"],
               "deadline_at": "2020-01-01T00:00:00Z"}, 422, "invalid_deadline"),
             ({"action": "cancel", "invitation_ids": []}, 400, "validation_failed")]
    for body, status, code in cases:
        response = act(api, body)
        assert response.status_code == status, body
        assert response.json_body["error"]["code"] == code, (body, response.json_body)
