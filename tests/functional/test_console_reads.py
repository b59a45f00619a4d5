"""The reads an HR console needs, through the Chalice test client on the local cloud: pages
of positions and campaigns, campaign changes, invitations of any status with search, one
invitation with its timeline, and Chalice's own errors in the uniform body."""

from __future__ import annotations

from typing import Any

from chalice.test import Client

from chalicelib import bootstrap
from tests.functional.conftest import Glue, TenantApi
from tests.functional.test_api_contract import error_code


def patch(api: TenantApi, path: str, body: bytes) -> Any:
    return api.client.http.request("PATCH", path, headers=api.headers(), body=body)


def all_pages(api: TenantApi, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    sep = "&" if "?" in path else "?"
    while True:
        page = api.get(path + (f"{sep}cursor={cursor}" if cursor else "")).json_body
        items += page["items"]
        cursor = page["next_cursor"] or ""
        if not cursor:
            return items


def test_positions_and_campaigns_page_newest_first_and_filter(api: TenantApi) -> None:
    # GIVEN three campaigns over two positions, one of them closed
    first, second = api.campaign(name="A"), api.campaign(name="B")
    third = api.post("/campaigns", {"position_id": second["position_id"], "name": "C",
                                    "window_hours": 24, "channels": ["email"]}).json_body
    assert patch(api, f"/campaigns/{first['id']}", b'{"closed": true}').status_code == 200
    # WHEN the console lists them two at a time
    names = [c["name"] for c in all_pages(api, "/campaigns?limit=2")]
    # THEN newest first, every one once
    assert names == ["C", "B", "A"]
    positions = all_pages(api, "/positions?limit=1")
    assert [p["id"] for p in positions] == [second["position_id"], first["position_id"]]
    assert [c["name"] for c in api.get("/campaigns?status=closed").json_body["items"]] == ["A"]
    assert [c["name"] for c in api.get("/campaigns?status=open").json_body["items"]] == ["C", "B"]
    by_position = api.get(f"/campaigns?position_id={second['position_id']}&limit=1")
    assert [c["id"] for c in all_pages(api, f"/campaigns?position_id={second['position_id']}"
                                            "&limit=1")] == [third["id"], second["id"]]
    assert by_position.json_body["items"][0]["status"] == "open"
    assert error_code(api.get("/campaigns?status=lost")) == "invalid_status"
    assert error_code(api.get("/campaigns?limit=500")) == "invalid_limit"


def test_campaign_detail_has_its_policy_and_patch_changes_it(api: TenantApi) -> None:
    campaign = api.campaign(reminder_policy={"rounds": [
        {"offset_hours": 0, "channels": ["email"], "template": "no_show"}], "grace_hours": 24,
        "quiet_hours": {"start": "22:00", "end": "07:00"}})
    detail = api.get(f"/campaigns/{campaign['id']}").json_body
    assert detail["reminder_policy"]["rounds"][0]["template"] == "no_show"
    assert detail["grace_hours"] == 24 and detail["status"] == "open"
    path = f"/campaigns/{campaign['id']}"
    changed = patch(api, path, b'{"name": "Renamed", "owner_email": "HR@Acme.example"}')
    assert changed.status_code == 200, changed.body
    assert changed.json_body["name"] == "Renamed"
    assert changed.json_body["owner_email"] == "hr@acme.example"
    assert api.get(path).json_body["owner_email"] == "hr@acme.example"
    assert error_code(patch(api, path, b"{}")) == "empty_update"
    assert error_code(patch(api, path, b'{"owner_email": "nope"}')) == "invalid_owner_email"
    assert error_code(patch(api, path, b'{"colour": "red"}')) == "validation_failed"
    closed = patch(api, path, b'{"closed": true}').json_body
    assert closed["status"] == "closed" and closed["closed_at"]
    assert error_code(patch(api, path, b'{"closed": false}')) == "cannot_reopen"
    refused = api.invite(campaign["id"], [{"name": "Late", "email": "late@example.com"}])
    assert refused.status_code == 409 and error_code(refused) == "campaign_closed"
    missing = patch(api, "/campaigns/cmp01nothere", b'{"name": "x"}')
    assert missing.status_code == 404 and error_code(missing) == "campaign_not_found"


def test_invitations_of_every_status_with_search(api: TenantApi, glue: Glue) -> None:
    # GIVEN 7 invitations, 2 of them moved on by the vendor
    campaign = api.campaign()
    rows = [{"name": f"Person {i}", "email": f"p{i}@example.com",
             "phone": f"+8613800138{i:03d}"} for i in range(6)] + [
        {"name": "李雷", "email": "li.lei@example.com"}]
    made = api.invite(campaign["id"], rows).json_body["items"]
    glue.drain()
    for item in made[:2]:
        assert api.webhook("interview.opened", item["invitation_id"]).status_code == 200
    glue.drain()
    base = f"/campaigns/{campaign['id']}/invitations"
    # WHEN listed without a status, three at a time: every invitation once, with its name
    seen = all_pages(api, f"{base}?limit=3")
    assert sorted(i["id"] for i in seen) == sorted(i["invitation_id"] for i in made)
    assert {i["status"] for i in seen} == {"opened", "sent"}
    assert {i["candidate"]["name"] for i in seen} >= {"李雷", "Person 0"}
    # THEN name, email and phone searches find the right one
    assert [i["candidate"]["name"] for i in api.get(f"{base}?q=李").json_body["items"]] == ["李雷"]
    assert len(all_pages(api, f"{base}?q=person&limit=2")) == 6
    by_email = api.get(f"{base}?q=P3@Example.com").json_body["items"]
    assert [i["candidate"]["email"] for i in by_email] == ["p3@example.com"]
    by_phone = api.get(f"{base}?q=%2B8613800138004").json_body["items"]
    assert [i["candidate"]["name"] for i in by_phone] == ["Person 4"]
    opened = api.get(f"{base}?status=opened&q=Person").json_body["items"]
    assert len(opened) == 2
    assert api.get(f"{base}?q=nobody@example.com").json_body["items"] == []
    assert error_code(api.get(f"{base}?cursor=eyJzIjo5OX0")) == "invalid_cursor"


def test_invitation_detail_has_its_timeline(api: TenantApi, glue: Glue,
                                            container: bootstrap.Container,
                                            client: Client) -> None:
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "Han Meimei", "email": "han@example.com"}]
                     ).json_body["items"][0]["invitation_id"]
    glue.drain()
    assert api.webhook("interview.opened", inv).status_code == 200
    assert api.webhook("interview.started", inv).status_code == 200
    detail = api.get(f"/invitations/{inv}")
    assert detail.status_code == 200, detail.body
    body = detail.json_body
    assert body["candidate"]["name"] == "Han Meimei" and body["campaign_name"] == "Campus"
    kinds = [e["type"] for e in body["timeline"]]
    assert kinds[0] == "invitation.created"
    assert {"message.sent", "interview.opened", "interview.started"} <= set(kinds)
    assert [m["kind"] for m in body["messages"]] == ["invite"]
    assert body["status"] == "started"
    other = container.tenants.create_tenant("Other Co")
    foreign = client.http.get(f"/invitations/{inv}",
                              headers={"Authorization": f"Bearer {other['api_key']}"})
    assert foreign.status_code == 404 and error_code(foreign) == "invitation_not_found"
    key = container.tenants.create_key(api.tenant["tenant_id"], "interviewer",
                                       campaign_ids=["cmp01someotherone"])
    hidden = client.http.get(f"/invitations/{inv}",
                             headers={"Authorization": f"Bearer {key['api_key']}"})
    assert hidden.status_code == 404 and error_code(hidden) == "invitation_not_found"


def test_interviewer_lists_only_its_campaigns(api: TenantApi, container: bootstrap.Container,
                                              client: Client) -> None:
    mine, _other = api.campaign(), api.campaign()
    key = container.tenants.create_key(api.tenant["tenant_id"], "interviewer",
                                       campaign_ids=[mine["id"]])
    headers = {"Authorization": f"Bearer {key['api_key']}"}
    listed = client.http.get("/campaigns", headers=headers).json_body["items"]
    assert [c["id"] for c in listed] == [mine["id"]]
    finance = container.tenants.create_key(api.tenant["tenant_id"], "finance")
    refused = client.http.get("/campaigns",
                              headers={"Authorization": f"Bearer {finance['api_key']}"})
    assert refused.status_code == 403 and error_code(refused) == "forbidden"


def test_unknown_method_answers_the_uniform_body(api: TenantApi) -> None:
    response = api.client.http.request("DELETE", "/positions", headers=api.headers())
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_console_page_is_served_or_says_how_to_build_it(api: TenantApi) -> None:
    response = api.client.http.get("/console")
    if response.status_code == 200:
        assert "text/html" in response.headers["Content-Type"]
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert '"console/assets/' in response.body.decode()
    else:
        assert error_code(response) == "console_not_built"
    assert api.client.http.get("/console/assets/..%2Fsecret.js").status_code == 404


def test_me_tells_the_console_who_the_key_is(api: TenantApi, container: bootstrap.Container,
                                             client: Client) -> None:
    me = api.get("/me").json_body
    assert me["role"] == "admin" and me["tenant_id"] == api.tenant["tenant_id"]
    key = container.tenants.create_key(api.tenant["tenant_id"], "interviewer",
                                       campaign_ids=["cmp01abc"])
    scoped = client.http.get("/me", headers={"Authorization": f"Bearer {key['api_key']}"})
    assert scoped.json_body["campaign_ids"] == ["cmp01abc"]
