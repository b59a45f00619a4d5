"""The deadline sweep: claim-then-act under overlap, catch-up, grace end."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from chalicelib import bootstrap
from tests.functional.conftest import T0, Glue, TenantApi


def reminders_to(local_cloud: Any, marker: str) -> int:
    return sum(1 for m in local_cloud.cloud.sent_messages()
               if m["channel"] == "email" and "missed" in (m.get("subject") or "")
               and any(marker in t for t in m["to"]))


def test_overlapping_sweeps_send_each_reminder_once(api: TenantApi, glue: Glue,
                                                    container: bootstrap.Container,
                                                    local_cloud: Any) -> None:
    # GIVEN 6 invitations past their deadline
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"S{i}", "email": f"s{i}.{tenant_id}@example.com"} for i in range(6)]
    api.invite(campaign["id"], rows)
    glue.drain()
    after = T0 + timedelta(hours=72, minutes=5)
    # WHEN four sweeps run at the same time
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: container.sweep.run(after), range(4)))
    glue.drain()
    # THEN every invitation turned no_show once and got exactly one reminder
    assert sum(r.transitioned for r in reports) >= 6
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["no_show"] == 6 and counts["sent"] == 0, counts
    assert reminders_to(local_cloud, tenant_id) == 6
    # AND a later (retried) sweep sends nothing more
    glue.tick(after + timedelta(minutes=1))
    assert reminders_to(local_cloud, tenant_id) == 6


def test_grace_end_closes_and_completed_are_left_alone(api: TenantApi, glue: Glue) -> None:
    campaign = api.campaign()
    body = api.invite(campaign["id"], [{"name": "A", "email": "a@example.com"},
                                       {"name": "B", "email": "b@example.com"}]).json_body
    glue.drain()
    api.webhook("interview.completed", body["items"][0]["invitation_id"])
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    # the scheduler was down for two days: one tick catches up the end of grace
    glue.tick(T0 + timedelta(hours=72 + 48, minutes=2))
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["completed"] == 1 and counts["closed"] == 1 and counts["no_show"] == 0
    late = api.webhook("interview.completed", body["items"][1]["invitation_id"],
                       at=T0 + timedelta(hours=121))
    assert late.json_body["changed"] is False  # after auto-close the link no longer works
