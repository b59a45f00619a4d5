"""A candidate's timeline across campaigns (GET /candidates/{id}/timeline): invitations,
messages, vendor events and HR actions merged newest first, paged, tenant- and scope-checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalice.test import Client

from chalicelib import bootstrap
from tests.functional.conftest import T0, Glue, TenantApi
from tests.functional.test_api_contract import error_code


def every_page(api: TenantApi, path: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = api.get(f"{path}?limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200, page.body
        items += page.json_body["items"]
        cursor = page.json_body["next_cursor"] or ""
        if not cursor:
            return items


def two_campaigns(api: TenantApi, glue: Glue) -> tuple[str, dict[str, Any], dict[str, Any],
                                                       list[str]]:
    """One candidate invited to A (opened it, missed it, HR extended) and later to B."""
    tid = api.tenant["tenant_id"]
    a = api.campaign(name="Spring")
    email = f"lin.{tid}@example.com"
    first = api.invite(a["id"], [{"name": "Lin Tao", "email": email}]).json_body
    inv_a = first["items"][0]["invitation_id"]
    glue.drain()
    assert api.webhook("interview.opened", inv_a).status_code == 200
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    api.clock.set(T0 + timedelta(hours=80))
    extended = api.post(f"/campaigns/{a['id']}/no-shows/decision",
                        {"action": "extend", "extend_hours": 24})
    assert extended.json_body["totals"]["extended"] == 1, extended.body
    api.clock.set(T0 + timedelta(hours=90))
    b = api.campaign(name="Autumn")
    inv_b = api.invite(b["id"], [{"name": "Lin Tao", "email": email}]
                       ).json_body["items"][0]["invitation_id"]
    glue.drain()
    candidate = api.get(f"/invitations/{inv_a}").json_body["candidate_id"]
    return candidate, a, b, [inv_a, inv_b]


def test_timeline_merges_every_campaign_newest_first(api: TenantApi, glue: Glue) -> None:
    candidate, a, b, (inv_a, inv_b) = two_campaigns(api, glue)
    path = f"/candidates/{candidate}/timeline"
    body = api.get(path).json_body
    assert body["name"] == "Lin Tao"
    assert [i["id"] for i in body["invitations"]] == [inv_b, inv_a]
    items = body["items"]
    times = [e["at"] for e in items]
    assert times == sorted(times, reverse=True)
    kinds = {(e["campaign_name"], e["type"]) for e in items}
    assert {("Spring", "invitation.created"), ("Spring", "interview.opened"),
            ("Spring", "hr.extend"), ("Spring", "message.sent"),
            ("Autumn", "invitation.created"), ("Autumn", "message.sent")} <= kinds
    assert next(e for e in items if e["type"] == "hr.extend")["source"] == "hr"
    assert {e["campaign_id"] for e in items} == {a["id"], b["id"]}
    # paging two at a time gives the same entries in the same order
    assert every_page(api, path, 2) == items


def test_timeline_scope_tenant_and_bad_input(api: TenantApi, glue: Glue,
                                             container: bootstrap.Container,
                                             client: Client) -> None:
    candidate, a, _b, _ids = two_campaigns(api, glue)
    path = f"/candidates/{candidate}/timeline"
    tid = api.tenant["tenant_id"]
    spring = container.tenants.create_key(tid, "interviewer", campaign_ids=[a["id"]])
    scoped = client.http.get(path, headers={"Authorization": f"Bearer {spring['api_key']}"})
    assert scoped.status_code == 200, scoped.body
    assert {e["campaign_id"] for e in scoped.json_body["items"]} == {a["id"]}
    assert [i["campaign_id"] for i in scoped.json_body["invitations"]] == [a["id"]]
    elsewhere = container.tenants.create_key(tid, "interviewer", campaign_ids=["cmp01other"])
    hidden = client.http.get(path, headers={"Authorization": f"Bearer {elsewhere['api_key']}"})
    assert hidden.status_code == 404 and error_code(hidden) == "candidate_not_found"
    other = container.tenants.create_tenant("Other Co")
    foreign = client.http.get(path, headers={"Authorization": f"Bearer {other['api_key']}"})
    assert foreign.status_code == 404 and error_code(foreign) == "candidate_not_found"
    finance = container.tenants.create_key(tid, "finance")
    refused = client.http.get(path, headers={"Authorization": f"Bearer {finance['api_key']}"})
    assert refused.status_code == 403
    assert error_code(api.get(f"{path}?cursor=e30")) == "invalid_cursor"
    assert error_code(api.get(f"{path}?cursor=%25%25")) == "invalid_cursor"
    assert error_code(api.get(f"{path}?limit=0")) == "invalid_limit"
    for unknown in ("candnothere", "c" * 300):
        missing = api.get(f"/candidates/{unknown}/timeline")
        assert missing.status_code == 404 and error_code(missing) == "candidate_not_found"
