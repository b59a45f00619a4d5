"""The no-show call list: names and contacts of a campaign's no-shows, JSON and CSV, every
pull audited, erased candidates never listed, roles and interviewer scope respected."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.invitations.models import CandidateItem
from chalicelib.shared.domain import ids
from tests.functional.conftest import T0, Glue, TenantApi
from tests.functional.conftest import TenantApi as Api

DEADLINE = T0 + timedelta(hours=72)


def no_show_campaign(api: TenantApi, glue: Glue, clock: FixedClock) -> tuple[dict[str, Any],
                                                                             list[str]]:
    """Five invitations: one completes, four turn no_show at the deadline."""
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email", "sms"])
    rows = [{"name": f"Cand {i}", "email": f"c{i}.{tid}@example.com",
             "phone": f"1380013800{i}", "timezone": "Asia/Shanghai"} for i in range(5)]
    inv = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    clock.set(T0 + timedelta(hours=1))
    api.webhook("interview.completed", inv[0])
    glue.drain()
    clock.set(DEADLINE + timedelta(minutes=1))
    glue.tick(clock.now())
    return campaign, [ids.candidate_id(tid, f"email:{r['email']}") for r in rows]


def test_the_call_list_names_no_shows_with_contacts_and_every_pull_is_audited(
        api: TenantApi, glue: Glue, clock: FixedClock, container: Container) -> None:
    # GIVEN four no-shows, one of them erased and one opted out
    tid = api.tenant["tenant_id"]
    campaign, cands = no_show_campaign(api, glue, clock)
    erased = api.client.http.post(f"/talent-pool/candidates/{cands[1]}/erasure",
                                  headers=api.headers(), body=b"")
    assert erased.status_code == 200, erased.body
    CandidateItem.get(*CandidateItem.key(tid, cands[2])).update(
        actions=[CandidateItem.opted_out_at.set(clock.now())])
    glue.drain()
    # WHEN HR pulls the call list as JSON
    response = api.get(f"/reports/campaigns/{campaign['id']}/no-show-call-list")
    # THEN it lists the two reachable no-shows with names, emails and phones
    assert response.status_code == 200, response.body
    body = response.json_body
    assert body["audited"] is True and body["excluded"] == {"opted_out": 1}
    assert [(r["name"], r["email"], r["phone"]) for r in body["items"]] == [
        ("Cand 3", f"c3.{tid}@example.com", "+8613800138003"),
        ("Cand 4", f"c4.{tid}@example.com", "+8613800138004")]
    row = body["items"][0]
    assert row["status"] == "no_show" and row["inferred_reason"] == "never_opened"
    assert row["timezone"] == "Asia/Shanghai"
    # AND the erased candidate appears nowhere, not even as a count
    assert "Cand 1" not in response.body.decode() and cands[1] not in response.body.decode()

    # WHEN it is pulled as CSV
    clock.set(clock.now() + timedelta(minutes=5))
    download = api.get(f"/reports/campaigns/{campaign['id']}/no-show-call-list?format=csv")
    # THEN the same rows come as a UTF-8 CSV with a BOM, as a download
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.body.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(download.body.decode("utf-8-sig"))))
    assert [r["name"] for r in table] == ["Cand 3", "Cand 4"]
    assert table[0]["phone"] == "+8613800138003"

    # AND both pulls are in the audit, newest first: who, which list, when, format, rows
    audit = api.get("/reports/call-list-audit").json_body["items"]
    assert [(a["campaign_id"], a["format"], a["rows"]) for a in audit] == [
        (campaign["id"], "csv", 2), (campaign["id"], "json", 2)]
    assert audit[0]["pull_id"] == download.headers["X-Call-List-Pull"]
    assert audit[1]["pull_id"] == body["pull_id"]
    assert {a["role"] for a in audit} == {"admin"}
    assert audit[0]["at"] > audit[1]["at"]


def test_the_call_list_is_role_checked_and_scoped(api: TenantApi, glue: Glue,
                                                  clock: FixedClock, container: Container,
                                                  client: Any) -> None:
    tid = api.tenant["tenant_id"]
    mine, _ = no_show_campaign(api, glue, clock)
    theirs = api.campaign()

    def as_role(role: str, **scope: Any) -> TenantApi:
        key = container.tenants.create_key(tid, role, **scope)
        return Api(client, {**api.tenant, "api_key": key["api_key"]}, api.clock)

    interviewer = as_role("interviewer", campaign_ids=[mine["id"]])
    path = "/reports/campaigns/{}/no-show-call-list"
    # an interviewer sees their campaign's list (and is audited), not another's
    assert interviewer.get(path.format(mine["id"])).status_code == 200
    assert interviewer.get(path.format(theirs["id"])).status_code == 404
    # finance never sees names and contacts; only admins read the audit
    finance = as_role("finance")
    assert finance.get(path.format(mine["id"])).status_code == 403
    assert as_role("recruiter").get("/reports/call-list-audit").status_code == 403
    audit = api.get("/reports/call-list-audit").json_body["items"]
    assert [a["role"] for a in audit] == ["interviewer"]
    # another tenant's campaign is 404; an unknown format is 400 with its code
    stranger = Api(client, container.tenants.create_tenant("Other"), api.clock)
    assert stranger.get(path.format(mine["id"])).status_code == 404
    bad = api.get(path.format(mine["id"]) + "?format=xlsx")
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "unknown_format"
