"""One decision on a campaign's no-show group (POST /campaigns/{id}/no-shows/decision):
dry run, re-invite, extend, tag, idempotent retries, roles, tenants and bad input."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.invitations.models import InvitationItem
from tests.functional.conftest import T0, Glue, TenantApi
from tests.functional.test_api_contract import error_code

DEADLINE = T0 + timedelta(hours=72, minutes=1)
#: a cursor that decodes (base64 JSON) but is no key of the no-show group
FORGED = base64.urlsafe_b64encode(json.dumps({"pk": {"S": "T#x"}}).encode()).decode()
AFTER = DEADLINE + timedelta(hours=1)


def no_show_group(api: TenantApi, glue: Glue, n: int = 3) -> tuple[dict[str, Any], list[str]]:
    """A campaign whose `n` invitations all missed their deadline (the clock: an hour on;
    the first group of a test is invited at T0)."""
    tid = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"NS {i}", "email": f"ns{i}.{tid}@example.com"} for i in range(n)]
    start = api.clock.now()
    made = api.invite(campaign["id"], rows).json_body["items"]
    glue.drain()
    glue.tick(start + (DEADLINE - T0))
    api.clock.set(start + (AFTER - T0))
    ids = [i["invitation_id"] for i in made]
    assert all(api.get(f"/invitations/{i}").json_body["status"] == "no_show" for i in ids)
    return campaign, ids


def decide(api: TenantApi, campaign_id: str, body: dict[str, Any],
           headers: dict[str, str] | None = None) -> Any:
    return api.post(f"/campaigns/{campaign_id}/no-shows/decision", body, headers)


def invitations_of(api: TenantApi, campaign_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get(f"/campaigns/{campaign_id}/invitations"
                                          ).json_body["items"]
    return items


def hr_events(api: TenantApi, invitation_id: str) -> list[dict[str, Any]]:
    timeline = api.get(f"/invitations/{invitation_id}").json_body["timeline"]
    return [e for e in timeline if e["source"] == "hr"]


def test_dry_run_writes_nothing_then_reinvite_creates_each_invitation_once(
        api: TenantApi, glue: Glue) -> None:
    # GIVEN a no-show group of 3 and an open campaign to re-invite them into
    campaign, ids = no_show_group(api, glue)
    target = api.campaign(name="Second chance")
    body = {"action": "reinvite", "target_campaign_id": target["id"], "dry_run": True}
    # WHEN HR asks for a dry run
    dry = decide(api, campaign["id"], body)
    # THEN it answers what would happen per invitation, and writes nothing
    assert dry.status_code == 200, dry.body
    assert dry.json_body["dry_run"] is True
    assert sorted(i["invitation_id"] for i in dry.json_body["items"]) == sorted(ids)
    assert {i["outcome"] for i in dry.json_body["items"]} == {"reinvited"}
    assert all(i["new_invitation_id"] is None for i in dry.json_body["items"])
    assert dry.json_body["totals"] == {"reinvited": 3, "extended": 0, "tagged": 0,
                                       "skipped": 0, "total": 3}
    assert invitations_of(api, target["id"]) == []
    assert all(hr_events(api, i) == [] for i in ids)
    # WHEN it runs for real, then is retried without a key
    real = decide(api, campaign["id"], {**body, "dry_run": False}).json_body
    glue.drain()
    again = decide(api, campaign["id"], {**body, "dry_run": False}).json_body
    # THEN each no-show got one invitation in the target, the retry created nothing
    created = {i["invitation_id"]: i["new_invitation_id"] for i in real["items"]}
    assert {i["outcome"] for i in real["items"]} == {"reinvited"} and all(created.values())
    assert sorted(i["id"] for i in invitations_of(api, target["id"])) == \
        sorted(created.values())
    assert {(i["outcome"], i["reason_code"]) for i in again["items"]} == \
        {("skipped", "already_invited")}
    assert {i["invitation_id"]: i["new_invitation_id"] for i in again["items"]} == created
    assert len(invitations_of(api, target["id"])) == 3
    # AND the HR action is in each old invitation's timeline
    assert [e["type"] for e in hr_events(api, ids[0])] == ["hr.reinvite"]
    assert target["id"] in hr_events(api, ids[0])[0]["applied"]


def test_an_idempotency_key_replays_the_first_answer(api: TenantApi, glue: Glue) -> None:
    campaign, ids = no_show_group(api, glue, n=2)
    body = {"action": "extend", "extend_hours": 48}
    key = {"Idempotency-Key": f"decision-{campaign['id']}"}
    first = decide(api, campaign["id"], body, key)
    second = decide(api, campaign["id"], body, key)
    assert first.status_code == second.status_code == 200, second.body
    assert second.json_body == first.json_body
    assert {i["outcome"] for i in second.json_body["items"]} == {"extended"}
    # one extension each, not two (the epoch counts extensions)
    assert len(hr_events(api, ids[0])) == 1
    reused = decide(api, campaign["id"], {**body, "extend_hours": 24}, key)
    assert reused.status_code == 422 and error_code(reused) == "idempotency_key_reused"
    bad_key = decide(api, campaign["id"], body, {"Idempotency-Key": "x" * 201})
    assert bad_key.status_code == 400 and error_code(bad_key) == "invalid_idempotency_key"


def test_extend_reopens_the_no_shows_and_a_retry_skips_them(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    campaign, ids = no_show_group(api, glue)
    tid = api.tenant["tenant_id"]
    dry = decide(api, campaign["id"], {"action": "extend", "extend_hours": 24,
                                       "invitation_ids": ids[:2], "dry_run": True}).json_body
    assert [i["outcome"] for i in dry["items"]] == ["extended", "extended"]
    assert api.get(f"/invitations/{ids[0]}").json_body["status"] == "no_show"
    done = decide(api, campaign["id"], {"action": "extend", "extend_hours": 24,
                                        "invitation_ids": ids[:2]})
    assert done.status_code == 200, done.body
    assert [i["outcome"] for i in done.json_body["items"]] == ["extended", "extended"]
    inv = container.invitation_store.get(tid, ids[0])
    assert isinstance(inv, InvitationItem) and inv.status == "sent"
    assert inv.deadline_at == AFTER + timedelta(hours=24)
    assert api.get(f"/invitations/{ids[2]}").json_body["status"] == "no_show"
    events = hr_events(api, ids[0])
    assert [e["type"] for e in events] == ["hr.extend"]
    assert events[0]["applied"] == "2026-11-29T10:01:00Z"
    retry = decide(api, campaign["id"], {"action": "extend", "extend_hours": 24,
                                         "invitation_ids": ids[:2]}).json_body
    assert {(i["outcome"], i["reason_code"]) for i in retry["items"]} == \
        {("skipped", "not_no_show")}
    # the whole remaining group (no ids): only the one still a no-show
    rest = decide(api, campaign["id"], {"action": "extend",
                                        "new_deadline_at": "2026-12-05T00:00:00Z"}).json_body
    assert [(i["invitation_id"], i["outcome"]) for i in rest["items"]] == [(ids[2], "extended")]


def test_tag_hold_contact_then_a_reinvite_skips_them(api: TenantApi, glue: Glue) -> None:
    campaign, ids = no_show_group(api, glue, n=2)
    tagged = decide(api, campaign["id"], {"action": "tag", "tag": "hold_contact",
                                          "invitation_ids": [ids[0]]}).json_body
    assert [i["outcome"] for i in tagged["items"]] == ["tagged"]
    candidate = api.get(f"/invitations/{ids[0]}").json_body["candidate_id"]
    tags = api.get(f"/talent-pool/candidates/{candidate}").json_body["tags"]
    assert "hold_contact" in {t["name"] for t in tags}
    again = decide(api, campaign["id"], {"action": "tag", "tag": "hold_contact",
                                         "invitation_ids": [ids[0]]}).json_body
    assert [(i["outcome"], i["reason_code"]) for i in again["items"]] == \
        [("skipped", "already_tagged")]
    cold = decide(api, campaign["id"], {"action": "tag", "tag": "cold"}).json_body
    assert cold["totals"]["tagged"] == 2
    target = api.campaign(name="Next")
    reinvite = decide(api, campaign["id"], {"action": "reinvite",
                                            "target_campaign_id": target["id"]}).json_body
    outcomes = {i["invitation_id"]: (i["outcome"], i["reason_code"]) for i in reinvite["items"]}
    assert outcomes == {ids[0]: ("skipped", "hold_contact"), ids[1]: ("reinvited", None)}


def test_pages_of_the_group_and_the_reason_filter(api: TenantApi, glue: Glue,
                                                  container: bootstrap.Container) -> None:
    campaign, ids = no_show_group(api, glue)
    tid = api.tenant["tenant_id"]
    inv = container.invitation_store.get(tid, ids[1])
    assert inv is not None
    inv.update(actions=[InvitationItem.reason.set("schedule_conflict")],
               add_version_condition=False)
    body = {"action": "tag", "tag": "cold", "dry_run": True, "limit": 2}
    first = decide(api, campaign["id"], body).json_body
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = decide(api, campaign["id"], {**body, "cursor": first["next_cursor"]}).json_body
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert sorted(i["invitation_id"] for i in first["items"] + second["items"]) == sorted(ids)
    only = decide(api, campaign["id"], {"action": "tag", "tag": "cold", "dry_run": True,
                                        "reason": "schedule_conflict"}).json_body
    assert [i["invitation_id"] for i in only["items"]] == [ids[1]]
    given = decide(api, campaign["id"], {"action": "tag", "tag": "cold", "dry_run": True,
                                         "reason": "none", "invitation_ids": ids}).json_body
    assert [i["reason_code"] for i in given["items"]] == ["other_reason", None, None]


def test_target_campaign_checks(api: TenantApi, glue: Glue) -> None:
    campaign, _ids = no_show_group(api, glue, n=1)
    closed = api.campaign(name="Closed")
    shut = api.client.http.request("PATCH", f"/campaigns/{closed['id']}",
                                   headers=api.headers(), body=b'{"closed": true}')
    assert shut.status_code == 200
    for dry_run in (True, False):
        refused = decide(api, campaign["id"], {"action": "reinvite", "dry_run": dry_run,
                                               "target_campaign_id": closed["id"]})
        assert refused.status_code == 409 and error_code(refused) == "campaign_closed"
    assert invitations_of(api, closed["id"]) == []
    same = decide(api, campaign["id"], {"action": "reinvite",
                                        "target_campaign_id": campaign["id"]})
    assert same.status_code == 422 and error_code(same) == "same_campaign"
    missing = decide(api, campaign["id"], {"action": "reinvite",
                                           "target_campaign_id": "cmp01nothere"})
    assert missing.status_code == 404 and error_code(missing) == "target_campaign_not_found"
    none = decide(api, campaign["id"], {"action": "reinvite"})
    assert none.status_code == 422 and error_code(none) == "missing_target_campaign"


def test_roles_and_tenants(api: TenantApi, glue: Glue, container: bootstrap.Container,
                           client: Client) -> None:
    campaign, ids = no_show_group(api, glue, n=1)
    tid = api.tenant["tenant_id"]
    body = b'{"action": "tag", "tag": "cold"}'
    path = f"/campaigns/{campaign['id']}/no-shows/decision"
    for role, campaigns in (("interviewer", [campaign["id"]]), ("finance", None)):
        key = container.tenants.create_key(tid, role, campaign_ids=campaigns)
        refused = client.http.post(path, body=body, headers={
            "Authorization": f"Bearer {key['api_key']}", "Content-Type": "application/json"})
        assert refused.status_code == 403 and error_code(refused) == "forbidden"
    recruiter = container.tenants.create_key(tid, "recruiter")
    ok = client.http.post(path, body=b'{"action": "tag", "tag": "cold", "dry_run": true}',
                          headers={"Authorization": f"Bearer {recruiter['api_key']}",
                                   "Content-Type": "application/json"})
    assert ok.status_code == 200, ok.body
    other = container.tenants.create_tenant("Other Co")
    foreign = client.http.post(path, body=body, headers={
        "Authorization": f"Bearer {other['api_key']}", "Content-Type": "application/json"})
    assert foreign.status_code == 404 and error_code(foreign) == "campaign_not_found"
    # another campaign's (or tenant's) invitation ids are not found, and nothing is tagged
    elsewhere, other_ids = no_show_group(api, glue, n=1)
    answer = decide(api, campaign["id"], {"action": "tag", "tag": "cold",
                                          "invitation_ids": [other_ids[0], "inv-x-y"]})
    assert [(i["outcome"], i["reason_code"]) for i in answer.json_body["items"]] == \
        [("skipped", "not_found"), ("skipped", "not_found")]
    assert elsewhere["id"] != campaign["id"] and ids


def test_bad_input_is_a_400_with_the_uniform_body(api: TenantApi, glue: Glue) -> None:
    campaign, ids = no_show_group(api, glue, n=1)
    path = f"/campaigns/{campaign['id']}/no-shows/decision"
    bad: list[tuple[Any, str]] = [
        ({"action": "delete"}, "validation_failed"),
        ({"action": "tag"}, "invalid_tag"),
        ({"action": "tag", "tag": "vip"}, "validation_failed"),
        ({"action": "tag", "tag": "cold", "invitation_ids": []}, "validation_failed"),
        ({"action": "tag", "tag": "cold", "invitation_ids": ["i"] * 501}, "validation_failed"),
        ({"action": "tag", "tag": "cold", "limit": 501}, "validation_failed"),
        ({"action": "tag", "tag": "cold", "colour": "red"}, "validation_failed"),
        ({"action": "extend"}, "missing_extension"),
        ({"action": "extend", "extend_hours": 0}, "validation_failed"),
        ({"action": "extend", "extend_hours": 721}, "validation_failed"),
        ({"action": "extend", "extend_hours": 1, "new_deadline_at": "2026-12-30T00:00:00Z"},
         "missing_extension"),
        ({"action": "extend", "new_deadline_at": "2026-11-01T00:00:00Z"}, "invalid_deadline"),
        ({"action": "extend", "new_deadline_at": "2026-12-30T00:00:00"}, "validation_failed"),
        ({"action": "tag", "tag": "cold", "cursor": "%%%"}, "invalid_cursor"),
        ({"action": "tag", "tag": "cold", "reason": "aliens"}, "validation_failed"),
        ([1, 2], "invalid_body"),
        ({"action": "tag", "tag": "cold", "invitation_ids": ["i" * 101]}, "validation_failed"),
        ({"action": "tag", "tag": "cold", "cursor": FORGED}, "invalid_cursor"),
    ]
    across = {"missing_extension", "invalid_deadline", "invalid_cursor",  # 422: see README
              "invalid_tag", "missing_target_campaign"}
    for body, code in bad:
        answer = decide(api, campaign["id"], body)
        assert answer.status_code == (422 if code in across else 400), (body, answer.body)
        assert error_code(answer) == code, (body, answer.body)
    raw = api.client.http.post(path, headers=api.headers(), body=b"{nope")
    assert raw.status_code == 400 and error_code(raw) == "invalid_json"
    for unknown in ("cmp01nothere", "c" * 300):
        missing = decide(api, unknown, {"action": "tag", "tag": "cold"})
        assert missing.status_code == 404 and error_code(missing) == "campaign_not_found"
    assert hr_events(api, ids[0]) == []


def test_the_openapi_document_has_the_exact_limits(api: TenantApi) -> None:
    doc = api.client.http.get("/openapi.json").json_body
    schema = doc["components"]["schemas"]["NoShowDecisionIn"]["properties"]
    ids = next(o for o in schema["invitation_ids"]["anyOf"] if o.get("type") == "array")
    assert (ids["minItems"], ids["maxItems"]) == (1, 500)
    assert ids["items"]["maxLength"] == 100
    assert (schema["limit"]["minimum"], schema["limit"]["maximum"]) == (1, 500)
    hours = next(o for o in schema["extend_hours"]["anyOf"] if o.get("type") == "integer")
    assert (hours["minimum"], hours["maximum"]) == (1, 720)
    decision = doc["paths"]["/campaigns/{campaign_id}/no-shows/decision"]["post"]
    assert {"400", "404", "409", "422"} <= set(decision["responses"])
    assert "Idempotency-Key" in {p["name"] for p in decision["parameters"]}
    approve = doc["paths"]["/extension-requests/{request_id}/approve"]["post"]
    assert approve["requestBody"]["required"] is False
    assert "/candidates/{candidate_id}/timeline" in doc["paths"]
    assert "/extension-requests" in doc["paths"]
