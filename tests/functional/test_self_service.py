"""Candidate self-service through the signed link in the messages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.functional.conftest import T0, Glue, TenantApi


def invited_with_link(api: TenantApi, glue: Glue, local_cloud: Any,
                      name: str = "s") -> tuple[dict[str, Any], str, str]:
    tid = api.tenant["tenant_id"]
    address = f"{name}.{tid}@example.com"
    campaign = api.campaign(channels=["email", "sms"])
    body = api.invite(campaign["id"], [{"name": name, "email": address,
                                        "phone": "13800138000"}]).json_body
    glue.drain()
    text = next(m["text"] for m in local_cloud.cloud.sent_messages() if address in m["to"])
    match = re.search(r"/self-service/(\S+)", text)
    assert match, text
    return campaign, body["items"][0]["invitation_id"], match[1]


def test_every_email_carries_a_working_self_service_link(api: TenantApi, glue: Glue,
                                                         local_cloud: Any) -> None:
    _, inv, token = invited_with_link(api, glue, local_cloud)
    view = api.client.http.get(f"/self-service/{token}")
    assert view.status_code == 200, view.body
    assert view.json_body["invitation_id"] == inv
    assert view.json_body["status"] == "sent" and view.json_body["can_extend"] is True
    assert view.json_body["deadline_at"] == "2026-11-28T09:00:00Z"


def test_a_tampered_or_foreign_token_is_refused(api: TenantApi, glue: Glue,
                                                local_cloud: Any) -> None:
    _, _, token = invited_with_link(api, glue, local_cloud)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "v1.e30.x", "nonsense"):
        response = api.client.http.get(f"/self-service/{bad}")
        assert response.status_code == 401
        assert response.json_body["error"]["code"] == "invalid_token"


def test_reason_and_one_automatic_extension_then_queued_for_hr(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    campaign, _inv, token = invited_with_link(api, glue, local_cloud)
    glue.tick(T0 + timedelta(hours=72, minutes=1))  # a no-show now
    api.clock.set(T0 + timedelta(hours=75))
    post = api.client.http.post
    reason = post(f"/self-service/{token}/reason",
                  body=b'{"reason": "schedule_conflict", "text": "exam week"}')
    assert reason.status_code == 200 and reason.json_body["reason"] == "schedule_conflict"
    bad = post(f"/self-service/{token}/reason", body=b'{"reason": "aliens"}')
    assert bad.status_code == 400
    first = post(f"/self-service/{token}/extension").json_body
    assert first["result"] == "approved" and first["status"] == "sent"
    assert first["deadline_at"] == "2026-11-30T12:00:00Z"  # now + 48 h
    second = post(f"/self-service/{token}/extension").json_body
    assert second["result"] == "queued_for_hr"
    glue.drain()
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["no_show"] == 0 and counts["sent"] == 1
    view = api.client.http.get(f"/self-service/{token}").json_body
    assert view["reason"] == "schedule_conflict" and view["extension_requested"] is True


def test_opt_out_stops_every_channel(api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    tid = api.tenant["tenant_id"]
    _, _inv, token = invited_with_link(api, glue, local_cloud, name="o")
    before = len([m for m in local_cloud.cloud.sent_messages()
                  if f"o.{tid}" in str(m["to"]) or m["to"] == "+8613800138000"])
    assert api.client.http.post(f"/self-service/{token}/opt-out").json_body["result"] == \
        "opted_out"
    glue.tick(T0 + timedelta(hours=72 + 12))  # the no-show rounds (email + SMS) come due
    after = len([m for m in local_cloud.cloud.sent_messages()
                 if f"o.{tid}" in str(m["to"]) or m["to"] == "+8613800138000"])
    assert after == before


def test_a_candidate_who_opted_out_is_not_invited_again(api: TenantApi, glue: Glue,
                                                        local_cloud: Any) -> None:
    # GIVEN a candidate who opted out through the link of their first invitation
    tid = api.tenant["tenant_id"]
    _, _inv, token = invited_with_link(api, glue, local_cloud, name="again")
    api.client.http.post(f"/self-service/{token}/opt-out")
    # WHEN HR invites them (and someone new) to another campaign
    other = api.campaign(channels=["email"])
    body = api.invite(other["id"], [{"name": "again", "email": f"again.{tid}@example.com"},
                                    {"name": "new", "email": f"new.{tid}@example.com"}])
    # THEN the opted-out row is rejected with a code, the other is invited,
    # and the profile still says they opted out
    assert body.status_code == 201, body.json_body
    assert body.json_body["created"] == 1
    (rejection,) = body.json_body["rejected"]
    assert rejection["index"] == 0 and rejection["code"] == "candidate_opted_out"
    glue.drain()
    counts = api.get(f"/campaigns/{other['id']}").json_body["counts"]
    assert sum(counts.values()) == 1, counts
