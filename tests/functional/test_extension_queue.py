"""HR's queue of extension requests: candidates ask on their self-service page after the one
automatic approval; HR lists, approves (the deadline moves) or denies; both idempotent."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.invitations.models import InvitationItem
from tests.functional.conftest import T0, Glue, TenantApi
from tests.functional.test_api_contract import error_code

NOW = T0 + timedelta(hours=75)  # the deadline (72 h) has passed: a no-show asks for time
JSON = {"Accept": "application/json", "Content-Type": "application/json"}


def queued(api: TenantApi, glue: Glue, local_cloud: Any, name: str = "q",
           at: Any = NOW) -> tuple[dict[str, Any], str, str]:
    """A no-show who used the automatic extension and asked again: queued for HR."""
    tid = api.tenant["tenant_id"]
    address = f"{name}.{tid}@example.com"
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": f"Candidate {name}", "email": address}]
                     ).json_body["items"][0]["invitation_id"]
    glue.drain()
    text = next(m["text"] for m in local_cloud.cloud.sent_messages() if address in m["to"])
    match = re.search(r"/self-service/([^\s\"<>]+)", text)
    assert match, text
    token = match[1]
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    api.clock.set(at)
    assert ask(api, token)["result"] == "approved"
    assert ask(api, token)["result"] == "queued_for_hr"
    return campaign, inv, token


def ask(api: TenantApi, token: str) -> dict[str, Any]:
    answer = api.client.http.post(f"/self-service/{token}/extension", headers=JSON)
    assert answer.status_code == 200, answer.body
    body: dict[str, Any] = answer.json_body
    return body


def pending(api: TenantApi, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get(f"/extension-requests{query}").json_body["items"]
    return items


def test_approve_moves_the_deadline_once_and_is_recorded(
        api: TenantApi, glue: Glue, local_cloud: Any, container: bootstrap.Container) -> None:
    # GIVEN a request queued for HR (asking again while it waits adds nothing)
    campaign, inv, token = queued(api, glue, local_cloud)
    assert ask(api, token)["result"] == "queued_for_hr"
    items = pending(api)
    assert len(items) == 1
    request = items[0]
    assert request["invitation_id"] == inv and request["status"] == "pending"
    assert request["candidate"]["name"] == "Candidate q"
    assert request["campaign_name"] == campaign["name"]
    before = container.invitation_store.get(api.tenant["tenant_id"], inv)
    assert isinstance(before, InvitationItem)
    # WHEN HR approves 24 more hours, twice (a retry)
    path = f"/extension-requests/{request['id']}"
    first = api.post(f"{path}/approve", {"hours": 24})
    second = api.post(f"{path}/approve", {"hours": 24})
    # THEN the deadline moved once, by 24 h from the later of the deadline and now
    assert first.status_code == second.status_code == 200, second.body
    assert first.json_body["status"] == "approved"
    granted = before.deadline_at + timedelta(hours=24)
    assert first.json_body["new_deadline_at"] == granted.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert second.json_body == first.json_body
    after = container.invitation_store.get(api.tenant["tenant_id"], inv)
    assert isinstance(after, InvitationItem) and after.deadline_at == granted
    assert int(after.epoch) == int(before.epoch) + 1
    assert after.extension_requested_at is None
    # AND the queue is empty, the approved list has it, the timeline records HR's action
    assert pending(api) == []
    assert [r["id"] for r in pending(api, "?status=approved")] == [request["id"]]
    timeline = api.get(f"/invitations/{inv}").json_body["timeline"]
    hr = [e for e in timeline if e["source"] == "hr"]
    assert [e["type"] for e in hr] == ["hr.extension"] and hr[0]["applied"].startswith(
        "approved")
    # AND denying an approved request is a conflict
    late = api.post(f"{path}/deny", {"note": "too late"})
    assert late.status_code == 409 and error_code(late) == "extension_request_decided"


def test_deny_keeps_the_deadline_and_the_candidate_may_ask_again(
        api: TenantApi, glue: Glue, local_cloud: Any, container: bootstrap.Container) -> None:
    _campaign, inv, token = queued(api, glue, local_cloud, name="d")
    request = pending(api)[0]
    before = container.invitation_store.get(api.tenant["tenant_id"], inv)
    assert before is not None
    path = f"/extension-requests/{request['id']}"
    denied = api.post(f"{path}/deny", {"note": "the position is filled"})
    assert denied.status_code == 200, denied.body
    assert denied.json_body["status"] == "denied"
    assert denied.json_body["note"] == "the position is filled"
    again = api.client.http.post(f"{path}/deny", headers=api.headers())  # no body: fine
    assert again.status_code == 200 and again.json_body["status"] == "denied"
    after = container.invitation_store.get(api.tenant["tenant_id"], inv)
    assert after is not None and after.deadline_at == before.deadline_at
    refused = api.post(f"{path}/approve", {})
    assert refused.status_code == 409 and error_code(refused) == "extension_request_decided"
    # the candidate asks once more: a new request
    api.clock.set(NOW + timedelta(minutes=5))
    assert ask(api, token)["result"] == "queued_for_hr"
    fresh = pending(api)
    assert len(fresh) == 1 and fresh[0]["id"] != request["id"]
    assert [r["id"] for r in pending(api, "?status=denied")] == [request["id"]]


def test_a_completed_invitation_cannot_be_extended(api: TenantApi, glue: Glue,
                                                   local_cloud: Any) -> None:
    _campaign, inv, _token = queued(api, glue, local_cloud, name="c")
    assert api.webhook("interview.completed", inv).status_code == 200
    request = pending(api)[0]
    refused = api.post(f"/extension-requests/{request['id']}/approve", {})
    assert refused.status_code == 409 and error_code(refused) == "not_extendable"
    assert pending(api)[0]["status"] == "pending"  # HR can still deny it


def test_queue_pages_newest_first_and_filters_by_campaign(api: TenantApi, glue: Glue,
                                                          local_cloud: Any) -> None:
    first_campaign, _, _ = queued(api, glue, local_cloud, name="a")
    second_campaign, _, _ = queued(api, glue, local_cloud, name="b",
                                   at=NOW + timedelta(minutes=1))
    both = pending(api)
    assert [r["campaign_id"] for r in both] == [second_campaign["id"], first_campaign["id"]]
    page = api.get("/extension-requests?limit=1").json_body
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = api.get(f"/extension-requests?limit=1&cursor={page['next_cursor']}").json_body
    assert [r["id"] for r in page["items"] + rest["items"]] == [r["id"] for r in both]
    only = pending(api, f"?campaign_id={first_campaign['id']}")
    assert [r["campaign_id"] for r in only] == [first_campaign["id"]]


def test_roles_tenants_and_bad_input(api: TenantApi, glue: Glue, local_cloud: Any,
                                     container: bootstrap.Container, client: Client) -> None:
    campaign, _inv, _token = queued(api, glue, local_cloud, name="r")
    request = pending(api)[0]
    tid = api.tenant["tenant_id"]
    path = f"/extension-requests/{request['id']}"

    def as_key(key: dict[str, Any], method: str, url: str, body: bytes = b"{}") -> Any:
        headers = {"Authorization": f"Bearer {key['api_key']}",
                   "Content-Type": "application/json"}
        if method == "GET":
            return client.http.get(url, headers=headers)
        return client.http.post(url, headers=headers, body=body)

    mine = container.tenants.create_key(tid, "interviewer", campaign_ids=[campaign["id"]])
    theirs = container.tenants.create_key(tid, "interviewer", campaign_ids=["cmp01other"])
    assert [r["id"] for r in as_key(mine, "GET", "/extension-requests").json_body["items"]] \
        == [request["id"]]
    assert as_key(theirs, "GET", "/extension-requests").json_body["items"] == []
    hidden = as_key(theirs, "GET", f"/extension-requests?campaign_id={campaign['id']}")
    assert hidden.status_code == 404 and error_code(hidden) == "campaign_not_found"
    refused = as_key(mine, "POST", f"{path}/approve")
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    other = container.tenants.create_tenant("Other Co")
    assert as_key(other, "GET", "/extension-requests").json_body["items"] == []
    foreign = as_key(other, "POST", f"{path}/approve")
    assert foreign.status_code == 404 and error_code(foreign) == "extension_request_not_found"
    missing = api.post("/extension-requests/extnothere/deny", {})
    assert missing.status_code == 404 and error_code(missing) == "extension_request_not_found"
    for body, status, code in (
            ({"hours": 0}, 400, "validation_failed"), ({"hours": 721}, 400, "validation_failed"),
            ({"hours": 1, "new_deadline_at": "2026-12-30T00:00:00Z"}, 422, "ambiguous_extension"),
            ({"new_deadline_at": "2026-11-01T00:00:00Z"}, 422, "invalid_deadline"),
            ({"colour": "red"}, 400, "validation_failed")):
        answer = api.post(f"{path}/approve", body)
        assert answer.status_code == status and error_code(answer) == code, (body, answer.body)
    too_long = api.post(f"{path}/deny", {"note": "x" * 501})
    assert too_long.status_code == 400 and error_code(too_long) == "validation_failed"
    not_json = api.client.http.post(f"{path}/deny", headers=api.headers(), body=b"{nope")
    assert not_json.status_code == 400 and error_code(not_json) == "invalid_json"
    forged = base64.urlsafe_b64encode(b'{"pk":{"S":"x"}}').decode()
    bad_cursor = api.get(f"/extension-requests?cursor={forged}")
    assert bad_cursor.status_code == 422 and error_code(bad_cursor) == "invalid_cursor"
    long_id = api.post(f"/extension-requests/{'x' * 300}/approve", {})
    assert long_id.status_code == 404 and error_code(long_id) == "extension_request_not_found"
    bad_status = api.get("/extension-requests?status=maybe")
    assert bad_status.status_code == 400 and error_code(bad_status) == "invalid_status"
    assert pending(api)[0]["status"] == "pending"  # nothing above changed it
