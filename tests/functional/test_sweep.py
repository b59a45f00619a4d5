"""The deadline sweep: claim-then-act under overlap, catch-up, grace end."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
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
    # after auto-close the vendor's word is still recorded, never dropped (issue 13)
    assert (late.json_body["changed"], late.json_body["status"]) == (True, "completed_late")
    view = api.get(f"/invitations/{body['items'][1]['invitation_id']}").json_body
    assert view["late_result"] == "after_close"


def test_reminder_rounds_follow_the_campaign_policy(api: TenantApi, glue: Glue,
                                                    local_cloud: Any) -> None:
    # GIVEN a campaign reminding by email 24 h before, at the deadline and 24 h after
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email"], reminder_policy={
        "rounds": [{"offset_hours": -24, "channels": ["email"]},
                   {"offset_hours": 0, "channels": ["email"]},
                   {"offset_hours": 24, "channels": ["email"], "template": "final_call"}],
        "grace_hours": 48, "quiet_hours": None})
    body = api.invite(campaign["id"], [
        {"name": "A", "email": f"a.{tenant_id}@example.com"},
        {"name": "B", "email": f"b.{tenant_id}@example.com"}]).json_body
    glue.drain()
    # WHEN one candidate completes, and the clock passes each round in turn
    api.webhook("interview.completed", body["items"][0]["invitation_id"])
    glue.drain()
    first = glue.tick(T0 + timedelta(hours=48, minutes=1))
    second = glue.tick(T0 + timedelta(hours=72, minutes=1))
    third = glue.tick(T0 + timedelta(hours=96, minutes=1))
    glue.tick(T0 + timedelta(hours=96, minutes=2))  # a retried tick: nothing more
    # THEN only the one who did not complete got each round, once
    subjects = [m["subject"] for m in local_cloud.cloud.sent_messages()
                if m["channel"] == "email" and any(f"b.{tenant_id}" in t for t in m["to"])]
    assert [s.split(":")[0].split(" ")[0] for s in subjects] == [
        "Your", "Reminder", "You", "Last"], subjects
    assert not [m for m in local_cloud.cloud.sent_messages()
                if any(f"a.{tenant_id}" in t for t in m["to"])
                and "Your AI interview" not in (m.get("subject") or "")]
    assert (first["rounds_sent"], second["rounds_sent"], third["rounds_sent"]) >= (1, 1, 1)


def test_a_round_in_quiet_hours_waits_for_the_morning(api: TenantApi, glue: Glue,
                                                      local_cloud: Any) -> None:
    # GIVEN a deadline at 09:00 UTC = 17:00 in Shanghai, and a round 6 h later (23:00 local)
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email"], reminder_policy={
        "rounds": [{"offset_hours": 6, "channels": ["email"], "template": "final_call"}]})
    api.invite(campaign["id"], [{"name": "Q", "email": f"q.{tenant_id}@example.com",
                                 "timezone": "Asia/Shanghai"}])
    glue.drain()

    def finals() -> int:
        return sum(1 for m in local_cloud.cloud.sent_messages()
                   if any(f"q.{tenant_id}" in t for t in m["to"])
                   and (m.get("subject") or "").startswith("Last chance"))

    # WHEN the sweep runs at 23:01 Shanghai time THEN nothing is sent yet
    glue.tick(T0 + timedelta(hours=72 + 6, minutes=1))
    assert finals() == 0
    # WHEN it runs at 08:01 the next morning (local) THEN the round goes out, once
    glue.tick(T0 + timedelta(hours=72 + 15, minutes=1))
    glue.tick(T0 + timedelta(hours=72 + 15, minutes=2))
    assert finals() == 1


def test_bad_policies_get_clear_errors(api: TenantApi) -> None:
    position = api.post("/positions", {"title": "E"}).json_body
    cases = [  # 422: a rule across fields; 400: the document says no
        ({"rounds": [{"offset_hours": 0, "channels": ["email"]},
                     {"offset_hours": 0, "channels": ["email"]}]}, 422, "overlapping_rounds"),
        ({"rounds": [{"offset_hours": 72, "channels": ["email"]}], "grace_hours": 48},
         422, "round_after_grace"),
        ({"rounds": [{"offset_hours": 0, "channels": ["fax"]}]}, 400, "unknown_channel"),
        ({"rounds": [{"offset_hours": 0, "channels": ["sms"]}]}, 422, "unknown_channel"),
        ({"quiet_hours": {"start": "25:00", "end": "08:00"}}, 400, "validation_failed"),
        ({"quiet_hours": {"start": "08:00", "end": "08:00"}}, 422, "invalid_quiet_hours"),
    ]
    for policy, status, code in cases:
        response = api.post("/campaigns", {"position_id": position["id"], "name": "C",
                                           "window_hours": 72, "channels": ["email"],
                                           "reminder_policy": policy})
        assert response.status_code == status, (policy, response.body)
        assert response.json_body["error"]["code"] == code, (policy, response.json_body)


def test_campaign_owner_gets_one_daily_digest_of_new_no_shows(api: TenantApi, glue: Glue,
                                                              local_cloud: Any) -> None:
    tid = api.tenant["tenant_id"]
    owner = f"hr.{tid}@example.com"
    campaign = api.campaign(channels=["email"], owner_email=owner.upper())
    assert campaign["owner_email"] == owner
    api.invite(campaign["id"], [{"name": "A", "email": f"a.{tid}@example.com"},
                                {"name": "B", "email": f"b.{tid}@example.com"}])
    glue.drain()
    glue.tick(T0 + timedelta(hours=72, minutes=1))  # both turn no_show on 2026-11-28

    def digests() -> list[dict[str, Any]]:
        return [m for m in local_cloud.cloud.sent_messages() if owner in m["to"]]

    assert digests() == []  # not before the next morning
    report = glue.tick(T0 + timedelta(hours=96, minutes=1))  # 2026-11-29 09:01 UTC
    glue.tick(T0 + timedelta(hours=96, minutes=2))  # a retried tick sends nothing more
    assert report["digests"] == 1
    (mail,) = digests()
    assert mail["subject"] == "Campus: 2 no-shows so far (2026-11-28)"
    assert "no-show        2" in mail["text"]
    # the day's no-shows by name, so HR can follow up
    assert "Turned no-show on 2026-11-28 (2):" in mail["text"]
    for name in ("A", "B"):
        assert f"  - {name}  {name.lower()}.{tid}@example.com" in mail["text"]


def test_sweeps_in_separate_processes_claim_each_round_once(api: TenantApi, glue: Glue,
                                                            local_cloud: Any) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    # GIVEN 120 invitations past their deadline
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email"])
    api.invite(campaign["id"], [{"name": f"P{i}", "email": f"p{i}.{tid}@example.com"}
                                for i in range(120)])
    glue.drain()
    at = (T0 + timedelta(hours=72, minutes=3)).isoformat()
    root = Path(__file__).resolve().parents[2]
    # WHEN three sweeps run at once, each in its own interpreter
    import time

    start = str(time.time() + 4)  # after every interpreter has started
    workers = [subprocess.Popen([sys.executable, "-m", "tests.functional.sweep_worker", at,
                                 start],
                                cwd=root, env=dict(os.environ), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    glue.drain()
    # THEN each invitation turned no_show once and got its reminder once
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["no_show"] == 120 and counts["sent"] == 0, counts
    reminders = [m for m in local_cloud.cloud.sent_messages()
                 if tid in str(m["to"]) and "missed" in (m.get("subject") or "")]
    assert len(reminders) == 120
    assert len({m["to"][0] for m in reminders}) == 120
    # (each worker prints what it claimed: with the shared start line they interleave,
    # e.g. 33 + 48 + 39, each having seen ~85 of the 120 as due)


def test_tenant_default_quiet_hours_apply_to_its_campaigns(container: Any, client: Any,
                                                           glue: Glue) -> None:
    from tests.functional.conftest import TenantApi as Api

    tenant = container.tenants.create_tenant("Night Owls", quiet_hours="23:00-06:00")
    api = Api(client, tenant, container.clock)
    default = api.campaign(channels=["email"])
    assert default["reminder_policy"]["quiet_hours"] == {"start": "23:00", "end": "06:00"}
    explicit = api.campaign(channels=["email"], reminder_policy={
        "rounds": [{"offset_hours": 0, "channels": ["email"]}], "quiet_hours": None})
    assert explicit["reminder_policy"]["quiet_hours"] is None
    off = container.tenants.create_tenant("Always On", quiet_hours="off")
    assert Api(client, off, container.clock).campaign()["reminder_policy"]["quiet_hours"] is None
    import pytest

    from chalicelib.shared.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as bad:
        container.tenants.create_tenant("Bad", quiet_hours="25:00-06:00")
    assert bad.value.code == "invalid_quiet_hours"


def test_a_sweep_out_of_time_stops_and_the_next_one_finishes(api: TenantApi, glue: Glue,
                                                             container: bootstrap.Container,
                                                             local_cloud: Any) -> None:
    # GIVEN 5 invitations past their deadline
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"B{i}", "email": f"b{i}.{tenant_id}@example.com"} for i in range(5)]
    api.invite(campaign["id"], rows)
    glue.drain()
    after = T0 + timedelta(hours=72, minutes=5)
    # WHEN a sweep runs with its invocation's time almost gone
    first = container.sweep.run(after, time_left=lambda: 3.0)
    # THEN it takes nothing and leaves the watermark where the work is
    assert first.due == 0 and first.lag_seconds > 0
    # AND the next sweep, with time, claims every round once
    second = container.sweep.run(after, time_left=lambda: 60.0)
    assert second.rounds_sent >= 5
    glue.drain()
    assert reminders_to(local_cloud, tenant_id) == 5
    assert api.get(f"/campaigns/{campaign['id']}").json_body["counts"]["no_show"] == 5


def test_the_digest_goes_out_in_the_tenants_morning(api: TenantApi, glue: Glue,
                                                    local_cloud: Any) -> None:
    # GIVEN a tenant in Shanghai whose invitations turn no_show at 17:00 local on 2026-11-28
    tid = api.tenant["tenant_id"]
    patched = api.client.http.patch("/tenant", headers=api.headers(),
                                    body=b'{"timezone": "Asia/Shanghai"}')
    assert patched.status_code == 200
    owner = f"hr.sh.{tid}@example.com"
    campaign = api.campaign(channels=["email"], owner_email=owner)
    api.invite(campaign["id"], [{"name": "A", "email": f"sh.{tid}@example.com"}])
    glue.drain()
    glue.tick(T0 + timedelta(hours=72, minutes=1))

    def digests() -> list[dict[str, Any]]:
        return [m for m in local_cloud.cloud.sent_messages() if owner in m["to"]]

    # WHEN it is 09:01 the next morning in Shanghai (01:01 UTC), THEN the digest goes
    assert digests() == []
    glue.tick(datetime(2026, 11, 29, 1, 1, tzinfo=UTC))
    (mail,) = digests()
    assert "(2026-11-28)" in mail["subject"]
