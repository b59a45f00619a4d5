"""The stream-driven talent pool: rule tags, replay, behaviour score, manual tags, rules."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import boto3

from chalicelib import bootstrap
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import StreamPoller, drain
from tests.functional.conftest import T0, Glue, TenantApi

DEADLINE = T0 + timedelta(hours=72, minutes=1)


def invite(api: TenantApi, glue: Glue, n: int, tag: str = "p") -> tuple[dict[str, Any],
                                                                         list[str]]:
    tid = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"{tag}{i}", "email": f"{tag}{i}.{tid}@example.com"} for i in range(n)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    return campaign, ids


def candidate_of(container: bootstrap.Container, tenant_id: str, inv: str) -> str:
    item = container.invitation_store.get(tenant_id, inv)
    assert item is not None
    return str(item.candidate_id)


def tags_of(api: TenantApi, candidate_id: str) -> dict[str, dict[str, Any]]:
    body = api.get(f"/talent-pool/candidates/{candidate_id}").json_body
    return {f"{t['name']}@{t['campaign_id']}": t for t in body["tags"]}


def test_no_show_breach_and_exception_pool_from_the_stream(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN three invitations: one opened, one never opened, one completed
    tid = api.tenant["tenant_id"]
    campaign, ids = invite(api, glue, 3)
    api.webhook("interview.opened", ids[0])
    api.webhook("interview.completed", ids[2])
    glue.drain()
    # WHEN the deadline passes
    glue.tick(DEADLINE)
    # THEN both missing candidates are no_show and in the exception pool; the one who opened
    # the interview is also in breach; the one who completed has no tag and a high score
    opened, silent, done = (candidate_of(container, tid, i) for i in ids)
    c = campaign["id"]
    assert set(tags_of(api, opened)) == {f"no_show@{c}", f"exception_pool@{c}", f"breach@{c}"}
    assert set(tags_of(api, silent)) == {f"no_show@{c}", f"exception_pool@{c}"}
    assert tags_of(api, done) == {}
    breach = tags_of(api, opened)[f"breach@{c}"]
    assert breach["source"] == "rule:breach" and "opened" in breach["reason"]
    assert tags_of(api, silent)[f"exception_pool@{c}"]["expires_at"] == "2026-12-28T09:01:00Z"
    good = api.get(f"/talent-pool/candidates/{done}").json_body
    bad = api.get(f"/talent-pool/candidates/{silent}").json_body
    assert good["score"]["value"] > 70 > 50 > bad["score"]["value"]
    assert good["score"]["components"]["completed"] > 0
    assert bad["score"]["components"]["no_show"] < 0
    # AND each score is explained part by part: base first, the parts add up to the value,
    # each within its limit, with the events behind it
    for body in (good, bad):
        parts = body["score"]["parts"]
        assert [p["name"] for p in parts] == ["base", "completed", "completed_late", "started",
                                              "opened", "reason", "no_show", "opt_out",
                                              "speed", "unopened"]
        assert {p["name"]: p["points"] for p in parts} == body["score"]["components"]
        assert round(sum(p["points"] for p in parts), 1) == body["score"]["value"]
        assert all(abs(p["points"]) <= abs(p["limit"]) for p in parts)
    good_parts = {p["name"]: p for p in good["score"]["parts"]}
    assert good_parts["completed"]["limit"] == 30 and good_parts["completed"]["events"] > 0.9
    bad_parts = {p["name"]: p for p in bad["score"]["parts"]}
    assert bad_parts["no_show"]["limit"] == -35 and bad_parts["no_show"]["events"] > 0.9
    assert bad_parts["completed"] == {"name": "completed", "points": 0.0, "limit": 30.0,
                                      "events": 0.0}
    assert [i["status"] for i in bad["invitations"]] == ["no_show"]
    # and the old listing still answers with the no-show group
    pool = api.get(f"/talent-pool/candidates?tag=no_show&campaign_id={c}").json_body
    assert {i["candidate_id"] for i in pool["items"]} == {opened, silent}


def self_service_token(local_cloud: Any, address: str) -> str:
    text = next(m["text"] for m in local_cloud.cloud.sent_messages() if address in m["to"])
    match = re.search(r"/self-service/(\S+)", text)
    assert match, text
    return match[1]


def test_reasons_and_opt_out_hold_contact_or_re_invite(
        api: TenantApi, glue: Glue, container: bootstrap.Container, local_cloud: Any) -> None:
    tid = api.tenant["tenant_id"]
    campaign, ids = invite(api, glue, 3, tag="r")
    glue.tick(DEADLINE)
    api.clock.set(DEADLINE + timedelta(hours=2))
    post = api.client.http.post
    busy, gone, out = (self_service_token(local_cloud, f"r{i}.{tid}@example.com")
                       for i in range(3))
    # WHEN one gives schedule_conflict, one accepted another offer, one opts out
    assert post(f"/self-service/{busy}/reason",
                body=b'{"reason": "schedule_conflict"}').status_code == 200
    assert post(f"/self-service/{gone}/reason",
                body=b'{"reason": "accepted_other_offer"}').status_code == 200
    assert post(f"/self-service/{out}/opt-out").status_code == 200
    glue.drain()
    # THEN
    c = campaign["id"]
    busy_c, gone_c, out_c = (candidate_of(container, tid, i) for i in ids)
    assert f"re_invite@{c}" in tags_of(api, busy_c)
    hold = tags_of(api, gone_c)[f"hold_contact@{c}"]
    assert hold["expires_at"] is not None and "accepted_other_offer" in hold["reason"]
    opted = tags_of(api, out_c)["hold_contact@opt_out"]
    assert opted["expires_at"] is None
    profile = api.get(f"/talent-pool/candidates/{out_c}").json_body
    assert profile["opted_out_at"] is not None
    assert profile["score"]["components"]["opt_out"] < 0
    # and 91 days later the reason-based hold has expired, the opt-out one has not
    api.clock.set(DEADLINE + timedelta(days=91))
    assert f"hold_contact@{c}" not in tags_of(api, gone_c)
    assert "hold_contact@opt_out" in tags_of(api, out_c)
    held = api.get("/talent-pool/candidates?tag=hold_contact").json_body["items"]
    assert [i["candidate_id"] for i in held] == [out_c]


def test_two_missed_deadlines_within_180_days_is_a_breach(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    tid = api.tenant["tenant_id"]
    first = api.campaign()
    row = [{"name": "twice", "email": f"twice.{tid}@example.com"}]
    inv1 = api.invite(first["id"], row).json_body["items"][0]["invitation_id"]
    glue.drain()
    glue.tick(DEADLINE)
    api.clock.set(T0 + timedelta(days=10))
    second = api.campaign()
    api.invite(second["id"], row)
    glue.drain()
    glue.tick(T0 + timedelta(days=13, minutes=1))
    cand = candidate_of(container, tid, inv1)
    tags = tags_of(api, cand)
    assert f"breach@{second['id']}" in tags and f"breach@{first['id']}" not in tags
    assert "two deadlines" in tags[f"breach@{second['id']}"]["reason"]
    history = api.get(f"/talent-pool/candidates/{cand}").json_body["invitations"]
    assert [h["campaign_id"] for h in history] == [first["id"], second["id"]]


def test_replaying_the_stream_gives_the_same_tags_and_scores(
        api: TenantApi, glue: Glue, container: bootstrap.Container, local_cloud: Any) -> None:
    # GIVEN a campaign with a breach, a no-show and a completion, all processed
    tid = api.tenant["tenant_id"]
    _, ids = invite(api, glue, 3, tag="replay")
    api.webhook("interview.started", ids[0])
    api.webhook("interview.completed", ids[2])
    glue.drain()
    glue.tick(DEADLINE)
    cands = [candidate_of(container, tid, i) for i in ids]

    def state() -> list[Any]:
        out = []
        for c in cands:
            body = api.get(f"/talent-pool/candidates/{c}").json_body
            out.append((body["tags"], body["score"]["value"], body["behaviour_events"]))
        return out

    before = state()
    # WHEN every stream record of this tenant is delivered again, from the start
    def only_this_tenant(event: dict[str, Any], context: Any) -> Any:
        mine = [r for r in event["Records"] if tid in json.dumps(r["dynamodb"]["Keys"])]
        return stream_handler({"Records": mine}, context) if mine else None

    replay = StreamPoller(boto3.client("dynamodbstreams"), local_cloud.resources.stream_arn,
                          only_this_tenant, checkpoint_path=None)
    drain([replay, glue.queue])
    glue.drain()
    # THEN tags, scores and behaviour counts are exactly as before
    assert state() == before
    assert before[0][2] == 3  # opened (implied), started, no_show: counted once each


def test_a_no_show_removed_by_hand_does_not_count_towards_a_breach(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN a first missed deadline whose no_show HR removed (confirmed by phone)
    tid = api.tenant["tenant_id"]
    first = api.campaign()
    row = [{"name": "excused", "email": f"excused.{tid}@example.com"}]
    inv1 = api.invite(first["id"], row).json_body["items"][0]["invitation_id"]
    glue.drain()
    glue.tick(DEADLINE)
    cand = candidate_of(container, tid, inv1)
    removed = api.client.http.delete(f"/talent-pool/candidates/{cand}/tags/no_show?why=excused",
                                     headers=api.headers())
    assert removed.status_code == 200
    # WHEN they miss a second deadline
    api.clock.set(T0 + timedelta(days=10))
    second = api.campaign()
    api.invite(second["id"], row)
    glue.drain()
    glue.tick(T0 + timedelta(days=13, minutes=1))
    # THEN it is their first (counted) miss: no breach
    tags = tags_of(api, cand)
    assert f"no_show@{second['id']}" in tags
    assert not [t for t in tags if t.startswith("breach@")]


def test_manual_tags_are_audited_and_removed_tags_stay_removed(
        api: TenantApi, glue: Glue, container: bootstrap.Container, client: Any) -> None:
    tid = api.tenant["tenant_id"]
    campaign, ids = invite(api, glue, 1, tag="m")
    glue.tick(DEADLINE)
    cand = candidate_of(container, tid, ids[0])
    base = f"/talent-pool/candidates/{cand}/tags"
    # WHEN HR tags by hand, and removes the rule tag no_show
    added = api.post(base, {"tag": "vip", "reason": "strong referral",
                            "expires_at": "2027-01-01T00:00:00Z"})
    assert added.status_code == 201, added.body
    assert added.json_body["source"].startswith("user:")
    removed = api.client.http.delete(f"{base}/no_show?why=confirmed+by+phone",
                                     headers=api.headers())
    assert removed.status_code == 200 and removed.json_body["removed"] == 1
    # THEN the audit says who, when and why; the removed tag is out of the index
    body = api.get(f"/talent-pool/candidates/{cand}").json_body
    assert [(a["action"], a["tag"], a["why"]) for a in body["audit"]] == [
        ("tag.added", "vip", "strong referral"), ("tag.removed", "no_show", "confirmed by phone")]
    assert all(a["by"] for a in body["audit"])
    names = {t["name"] for t in body["tags"]}
    assert "vip" in names and "no_show" not in names
    assert api.get(f"/talent-pool/candidates?tag=no_show&campaign_id={campaign['id']}"
                   ).json_body["items"] == []
    assert [i["candidate_id"] for i in api.get("/talent-pool/candidates?tag=vip")
            .json_body["items"]] == [cand]
    # an expired manual tag stops matching
    api.clock.set(T0 + timedelta(days=40))
    assert api.get("/talent-pool/candidates?tag=vip").json_body["items"] == []
    # errors
    assert api.post(base, {"tag": "Bad Tag", "reason": "x"}).status_code == 400
    assert api.post("/talent-pool/candidates/nobody/tags",
                    {"tag": "vip", "reason": "x"}).status_code == 404
    again = api.client.http.delete(f"{base}/no_show", headers=api.headers())
    assert again.status_code == 404
    finance = container.tenants.create_key(tid, "finance")
    denied = client.http.post(base, headers={"Authorization": f"Bearer {finance['api_key']}"},
                              body=b'{"tag": "vip", "reason": "x"}')
    assert denied.status_code == 403


def test_tenant_rules_are_validated_replaced_and_used(
        api: TenantApi, glue: Glue, container: bootstrap.Container, client: Any) -> None:
    tid = api.tenant["tenant_id"]
    defaults = api.get("/talent-pool/rules").json_body
    assert defaults["breach_window_days"] == 180 and "re_invite" in defaults["enabled"]
    bad = api.client.http.put("/talent-pool/rules", headers=api.headers(),
                              body=json.dumps({"enabled": ["nope"]}).encode())
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "invalid_tag_rules"
    put = api.client.http.put("/talent-pool/rules", headers=api.headers(),
                              body=json.dumps({"enabled": ["no_show"],
                                               "expires_days": {"no_show": 7}}).encode())
    assert put.status_code == 200 and put.json_body["enabled"] == ["no_show"]
    recruiter = container.tenants.create_key(tid, "recruiter")
    denied = client.http.get("/talent-pool/rules",
                             headers={"Authorization": f"Bearer {recruiter['api_key']}"})
    assert denied.status_code == 403
    _, ids = invite(api, glue, 1, tag="rules")
    api.webhook("interview.opened", ids[0])
    glue.drain()
    glue.tick(DEADLINE)
    tags = tags_of(api, candidate_of(container, tid, ids[0]))
    assert [t["name"] for t in tags.values()] == ["no_show"]  # no breach, no exception_pool
    assert next(iter(tags.values()))["expires_at"] == "2026-12-05T09:01:00Z"
