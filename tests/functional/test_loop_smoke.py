"""The loop end to end through the app and the glue, on a small campaign."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.functional.conftest import T0, Glue, TenantApi


def test_invite_send_complete_deadline_pool(api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN a campaign with 5 invited candidates
    campaign = api.campaign()
    people = [{"name": f"P{i}", "email": f"p{i}.{api.tenant['tenant_id']}@example.com"}
              for i in range(5)]
    response = api.invite(campaign["id"], people)
    assert response.status_code == 201, response.body
    ids = [i["invitation_id"] for i in response.json_body["items"]]
    glue.drain()
    # THEN every invitation email went out and the invitations are `sent`
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["sent"] == 5, counts
    # WHEN three complete and the deadline passes
    for inv in ids[:3]:
        assert api.webhook("interview.completed", inv, score=80).status_code == 200
    glue.drain()
    report = glue.tick(T0 + timedelta(hours=72, minutes=1))
    assert report["transitioned"] >= 2, report  # the sweep is global: other tests too
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["no_show"] == 2 and counts["completed"] == 3, counts
    pool = api.get(f"/talent-pool/candidates?tag=no_show&campaign_id={campaign['id']}").json_body
    assert len(pool["items"]) == 2
    reminders = [m for m in local_cloud.cloud.sent_messages()
                 if m["channel"] == "email" and "missed" in (m.get("subject") or "")
                 and any(api.tenant["tenant_id"] in t for t in m["to"])]
    assert len(reminders) == 2
