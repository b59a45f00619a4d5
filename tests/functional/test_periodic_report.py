"""The seed's periodic completion- and response-rate report: a scheduled export per
position x channel (no-show reasons given and inferred, completions recovered per reminder
round), whose link is mailed to the campaign owners when it is done."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from datetime import UTC, datetime
from typing import Any

from chalicelib.clock import FixedClock
from chalicelib.reports.domain.exports import BOM, COLUMNS, Report
from chalicelib.triggers.exports import export_schedule
from infra.local.glue import LambdaContext
from infra.local.runner import scheduled_event
from tests.functional.conftest import Glue, TenantApi
from tests.functional.test_analytics import lifecycle

MONDAY = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        data: bytes = response.read()
    return data


def test_the_weekly_rate_report_is_exported_and_mailed_to_the_campaign_owner(
        api: TenantApi, glue: Glue, clock: FixedClock, local_cloud: Any) -> None:
    # GIVEN a campaign owned by HR with a whole lifecycle (two recoveries: after round 1
    # and after round 2), and a tenant opted in to the weekly rate report
    tid = api.tenant["tenant_id"]
    campaign, _ = lifecycle(api, glue, clock)
    owner = f"owner.{tid}@acme.example"
    patched = api.client.http.patch(f"/campaigns/{campaign['id']}", headers=api.headers(),
                                    body=json.dumps({"owner_email": owner}).encode())
    assert patched.status_code == 200, patched.body
    put = api.client.http.put("/reports/export-schedule", headers=api.headers(),
                              body=b'{"weekly":["completion-rates"]}')
    assert put.status_code == 200, put.body
    # WHEN the schedule fires on Monday and the exporter runs
    clock.set(MONDAY)
    export_schedule(scheduled_event("export_schedule", MONDAY, "test"),
                    LambdaContext("export_schedule"))
    glue.drain()

    # THEN last week's report is done: one row per position x channel with the position's
    # name, the rates, the reasons and the recoveries per reminder round
    export = api.get("/reports/exports/sch-weekly-completion-rates-2026w48").json_body
    assert export["status"] == "done" and export["origin"] == "schedule", export
    data = _download(export["download_url"])
    assert data.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(data[len(BOM):].decode())))
    assert list(rows[0]) == list(COLUMNS[Report.COMPLETION_RATES])
    mine = [r for r in rows if r["position_id"] == campaign["position_id"]]
    assert len(mine) == 1
    row = mine[0]
    assert (row["position_name"], row["channel"]) == ("Backend Engineer", "email")
    assert (row["from"], row["to"]) == ("2026-11-23", "2026-11-29")
    assert row["invited"] == "4" and row["no_show"] == "2" and row["recovered"] == "2"
    assert row["completion_rate"] == "0.75" and row["response_rate"] == "0.75"
    assert row["inferred_never_opened"] == "1" and row["inferred_started_not_completed"] == "1"
    assert (row["recovered_round_1"], row["recovered_round_2"]) == ("1", "1")

    # AND the owner got one email with a link to the report in the console (not a
    # presigned URL, which would expire before it is read)
    # (sent_messages lists emails before SMS: filter by address, never slice by position)
    mails = [m for m in local_cloud.cloud.sent_messages() if owner in str(m["to"])]
    assert len(mails) == 1, mails
    assert "completion" in mails[0]["subject"]
    assert f"/console#/reports?export={export['export_id']}" in mails[0]["text"]
    assert "X-Amz" not in mails[0]["text"]

    # AND a retried schedule and a redelivered export mail nobody twice
    export_schedule(scheduled_event("export_schedule", MONDAY, "test"),
                    LambdaContext("export_schedule"))
    glue.drain()
    again = [m for m in local_cloud.cloud.sent_messages() if owner in str(m["to"])]
    assert len(again) == 1


def test_the_rate_report_on_demand_covers_the_days_asked_and_mails_nobody(
        api: TenantApi, glue: Glue, clock: FixedClock, local_cloud: Any) -> None:
    campaign, _ = lifecycle(api, glue, clock)
    before = [m for m in local_cloud.cloud.sent_messages() if m["channel"] == "email"]
    response = api.post("/reports/exports", {"report": "completion-rates",
                                             "from": "2026-11-25T00:00:00+00:00",
                                             "to": "2026-11-26T00:00:00+00:00"})
    assert response.status_code == 202, response.body
    glue.drain()
    export = api.get(f"/reports/exports/{response.json_body['export_id']}").json_body
    assert export["status"] == "done"
    rows = list(csv.DictReader(io.StringIO(_download(export["download_url"])[len(BOM):]
                                           .decode())))
    row = next(r for r in rows if r["position_id"] == campaign["position_id"])
    assert (row["from"], row["to"]) == ("2026-11-25", "2026-11-25")
    assert row["invited"] == "4" and row["no_show"] == "0"  # the no-shows came on the 28th
    after = [m for m in local_cloud.cloud.sent_messages() if m["channel"] == "email"]
    assert after == before
