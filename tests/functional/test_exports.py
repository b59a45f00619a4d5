"""Exports to S3 through the API, the stream, the exports queue and the exporter."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.reports.domain.exports import BOM, COLUMNS, Report
from chalicelib.triggers.exports import export_schedule
from infra.local.glue import LambdaContext
from infra.local.runner import scheduled_event
from tests.functional.conftest import Glue, TenantApi


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        data: bytes = response.read()
    return data


def _invite(api: TenantApi, n: int, **campaign: Any) -> tuple[str, list[str]]:
    created = api.campaign(**campaign)
    rows = [{"name": f"候选人 {i}", "email": f"c{i}.{api.tenant['tenant_id']}@example.com"}
            for i in range(n)]
    body = api.invite(created["id"], rows).json_body
    return created["id"], [item["invitation_id"] for item in body["items"]]


def _export(api: TenantApi, glue: Glue, body: dict[str, Any],
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = api.post("/reports/exports", body, headers)
    assert response.status_code == 202, response.body
    assert response.json_body["status"] == "queued"
    glue.drain()
    done = api.get(f"/reports/exports/{response.json_body['export_id']}")
    assert done.status_code == 200, done.body
    result: dict[str, Any] = done.json_body
    return result


def _s3() -> Any:
    return boto3.client("s3")


def test_invitations_of_a_campaign_export_to_a_csv_excel_reads(api: TenantApi,
                                                               glue: Glue) -> None:
    # GIVEN a campaign with 3 invitations (sent by the glue)
    campaign_id, ids = _invite(api, 3)
    glue.drain()

    # WHEN they are exported as CSV
    export = _export(api, glue, {"report": "invitations", "format": "csv",
                                 "campaign_id": campaign_id})

    # THEN the export is done, counted, and downloadable through an expiring link
    assert export["status"] == "done" and export["rows"] == 3 and export["attempts"] == 1
    url = export["download_url"]
    assert parse_qs(urlparse(url).query)["X-Amz-Expires"] == ["900"]
    data = _download(url)
    assert export["bytes"] == len(data)
    assert data.startswith(BOM)  # Excel: UTF-8
    rows = list(csv.DictReader(io.StringIO(data[len(BOM):].decode())))
    assert list(rows[0]) == list(COLUMNS[Report.INVITATIONS])
    assert sorted(r["invitation_id"] for r in rows) == sorted(ids)
    assert {r["status"] for r in rows} == {"sent"}
    tenant = api.tenant["tenant_id"]
    key = unquote(urlparse(url).path.split("/", 2)[2])
    assert key == (f"exports/tenant={tenant}/report=invitations/date=2026-11-25/"
                   f"{export['export_id']}.csv")


def test_campaign_summary_as_json_lines_keeps_chinese_text(api: TenantApi, glue: Glue) -> None:
    campaign_id, _ = _invite(api, 2, name="校园招聘 2026")
    glue.drain()
    export = _export(api, glue, {"report": "campaign-summary", "format": "jsonl"})
    lines = _download(export["download_url"]).decode().splitlines()
    assert export["rows"] == len(lines) == 1
    row = json.loads(lines[0])
    assert list(row) == list(COLUMNS[Report.CAMPAIGN_SUMMARY])
    assert row["campaign_id"] == campaign_id and row["name"] == "校园招聘 2026"
    assert row["total"] == 2


def test_tenant_wide_export_reads_every_campaign_and_the_date_range(api: TenantApi,
                                                                    glue: Glue) -> None:
    _invite(api, 2)
    _invite(api, 1)
    everything = _export(api, glue, {"report": "invitations"})
    assert everything["rows"] == 3 and everything["format"] == "csv"
    later = _export(api, glue, {"report": "invitations", "from": "2026-11-26T00:00:00Z"})
    assert later["status"] == "done" and later["rows"] == 0
    assert _download(later["download_url"]).count(b"\r\n") == 1  # the header only


@pytest.mark.parametrize("body,status,code", [
    ({"report": "payroll"}, 400, "unknown_report"),
    ({"report": "invitations", "format": "xlsx"}, 400, "unknown_format"),
    ({"report": "invitations", "from": "2026-11-26T00:00:00Z", "to": "2026-11-25T00:00:00Z"},
     422, "invalid_range"),
    ({"report": "invitations", "from": "2026-11-26T00:00:00"}, 400, "validation_failed"),
    ({"report": "invitations", "campaign_id": "cmp-nope"}, 404, "campaign_not_found"),
    ({"report": "invitations", "colour": "red"}, 400, "validation_failed"),
])
def test_bad_requests_have_clear_codes(api: TenantApi, body: dict[str, Any], status: int,
                                       code: str) -> None:
    response = api.post("/reports/exports", body)
    assert response.status_code == status, response.body
    assert response.json_body["error"]["code"] == code


def test_finance_may_export_and_interviewers_may_not(api: TenantApi,
                                                     container: bootstrap.Container) -> None:
    tenant = api.tenant["tenant_id"]
    for role, status in (("finance", 202), ("interviewer", 403)):
        scope = ["cmp-any"] if role == "interviewer" else None
        key = container.tenants.create_key(tenant, role, campaign_ids=scope)["api_key"]
        response = api.client.http.post(
            "/reports/exports", body=json.dumps({"report": "campaign-summary"}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        assert response.status_code == status, (role, response.body)


def test_idempotency_key_returns_the_same_export(api: TenantApi, glue: Glue) -> None:
    body = {"report": "campaign-summary"}
    first = api.post("/reports/exports", body, {"Idempotency-Key": "nightly-1"})
    again = api.post("/reports/exports", body, {"Idempotency-Key": "nightly-1"})
    assert first.status_code == again.status_code == 202
    assert first.json_body["export_id"] == again.json_body["export_id"]
    other = api.post("/reports/exports", {"report": "invitations"},
                     {"Idempotency-Key": "nightly-1"})
    assert other.status_code == 422
    assert other.json_body["error"]["code"] == "idempotency_key_reused"
    glue.drain()
    listed = api.get("/reports/exports").json_body["items"]
    assert [e["export_id"] for e in listed] == [first.json_body["export_id"]]


def test_another_tenant_can_never_see_an_export(api: TenantApi, glue: Glue,
                                                container: bootstrap.Container) -> None:
    export = _export(api, glue, {"report": "campaign-summary"})
    other = container.tenants.create_tenant("Other Co")
    headers = {"Authorization": f"Bearer {other['api_key']}"}
    response = api.client.http.get(f"/reports/exports/{export['export_id']}", headers=headers)
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "export_not_found"
    listed = api.client.http.get("/reports/exports", headers=headers).json_body
    assert listed["items"] == []
    # the same id under another tenant's key is another item: the exporter finds nothing
    assert container.exports.run(other["tenant_id"], export["export_id"],
                                 container.clock.now()) == "missing"


class FlakyObjects:
    """The real S3 objects, but an upload fails at its first part `failures` times."""

    def __init__(self, real: Any, failures: int) -> None:
        self.real = real
        self.failures = failures
        self.aborted = 0

    def start(self, key: str, content_type: str) -> Any:
        upload = self.real.start(key, content_type)
        outer = self

        class Upload:
            def upload_part(self, number: int, data: bytes) -> None:
                if outer.failures > 0:
                    outer.failures -= 1
                    raise ConnectionError("injected")
                upload.upload_part(number, data)

            def complete(self) -> None:
                upload.complete()

            def abort(self) -> None:
                outer.aborted += 1
                upload.abort()

        return Upload()

    def link(self, key: str, filename: str, expires_s: int) -> str:
        return str(self.real.link(key, filename, expires_s))


def _no_open_uploads(bucket: str) -> bool:
    return not _s3().list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_a_failed_attempt_is_aborted_and_retried(api: TenantApi, glue: Glue,
                                                 container: bootstrap.Container) -> None:
    # GIVEN S3 failing the first attempt's upload
    flaky = FlakyObjects(container.export_objects, failures=1)
    container.overrides["export_objects"] = flaky
    del container.__dict__["export_objects"]
    campaign_id, _ = _invite(api, 2)

    # WHEN the export runs (the queue redelivers the failed message)
    export = _export(api, glue, {"report": "invitations", "campaign_id": campaign_id})

    # THEN the first upload was aborted, the second one published, done once
    assert flaky.aborted == 1
    assert export["status"] == "done" and export["attempts"] == 2 and export["rows"] == 2
    assert _no_open_uploads(container.settings.reports_bucket)


def test_an_export_failing_every_time_is_failed_and_publishes_nothing(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    flaky = FlakyObjects(container.export_objects, failures=99)
    container.overrides["export_objects"] = flaky
    del container.__dict__["export_objects"]
    campaign_id, _ = _invite(api, 1)
    export = _export(api, glue, {"report": "invitations", "campaign_id": campaign_id})
    assert export["status"] == "failed" and export["attempts"] == 3
    assert export["error"] == "ConnectionError" and "download_url" not in export
    assert flaky.aborted == 3
    bucket = container.settings.reports_bucket
    prefix = f"exports/tenant={api.tenant['tenant_id']}/"
    assert not _s3().list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents")
    assert _no_open_uploads(bucket)


def test_duplicate_deliveries_export_once(api: TenantApi, glue: Glue,
                                          container: bootstrap.Container) -> None:
    export = _export(api, glue, {"report": "campaign-summary"})
    tenant = api.tenant["tenant_id"]
    # a second delivery of the message (SQS is at least once) changes nothing
    assert container.exports.run(tenant, export["export_id"], container.clock.now()) == \
        "already_done"
    again = api.get(f"/reports/exports/{export['export_id']}").json_body
    assert again["attempts"] == 1 and again["finished_at"] == export["finished_at"]


def test_a_running_export_is_claimed_once(api: TenantApi,
                                          container: bootstrap.Container) -> None:
    from chalicelib.reports.services.exports import ExportRetry
    from chalicelib.reports.stores.export_store import ExportStore

    created = api.post("/reports/exports", {"report": "campaign-summary"}).json_body
    store = ExportStore()
    tenant, now = api.tenant["tenant_id"], container.clock.now()
    item = store.get(tenant, created["export_id"])
    assert item is not None
    from datetime import timedelta
    assert store.claim(item, now, now + timedelta(minutes=10))
    # another worker, inside the lease: refused, and told to retry later
    with pytest.raises(ExportRetry):
        container.exports.run(tenant, created["export_id"], now)
    # after the lease ran out (the first worker died), it is taken over
    assert container.exports.run(tenant, created["export_id"],
                                 now + timedelta(minutes=11)) == "done"


def test_scheduled_exports_are_created_once_per_period(api: TenantApi, glue: Glue,
                                                       container: bootstrap.Container) -> None:
    # GIVEN a tenant opted in to daily invitations and weekly summaries (admin only)
    recruiter = container.tenants.create_key(api.tenant["tenant_id"], "recruiter")["api_key"]
    refused = api.client.http.put(
        "/reports/export-schedule", body=b'{"daily":["invitations"]}',
        headers={"Authorization": f"Bearer {recruiter}", "Content-Type": "application/json"})
    assert refused.status_code == 403
    response = api.client.http.put(
        "/reports/export-schedule", headers=api.headers(),
        body=json.dumps({"daily": ["invitations"], "weekly": ["campaign-summary"],
                         "format": "jsonl"}).encode())
    assert response.status_code == 200, response.body
    bad = api.client.http.put("/reports/export-schedule", headers=api.headers(),
                              body=b'{"daily":["payroll"]}')
    assert bad.json_body["error"]["code"] == "unknown_report"
    assert api.get("/reports/export-schedule").json_body["weekly"] == ["campaign-summary"]

    # WHEN the schedule fires on a Monday, and fires again (EventBridge retries)
    from datetime import UTC, datetime
    monday = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)
    event = scheduled_event("export_schedule", monday, "test")
    first = export_schedule(event, LambdaContext("export_schedule"))
    second = export_schedule(event, LambdaContext("export_schedule"))
    glue.drain()

    # THEN yesterday's and last week's exports exist, once each, and are done
    assert first["exports_created"] >= 2 and second["exports_created"] == 0
    items = {e["export_id"]: e for e in api.get("/reports/exports").json_body["items"]}
    assert set(items) == {"sch-daily-invitations-20261129",
                          "sch-weekly-campaign-summary-2026w48"}
    daily = items["sch-daily-invitations-20261129"]
    assert daily["from"] == "2026-11-29T00:00:00+00:00" and daily["format"] == "jsonl"
    assert all(e["status"] == "done" and e["origin"] == "schedule" for e in items.values())

    # opting out stops them
    api.client.http.put("/reports/export-schedule", headers=api.headers(), body=b"{}")
    tuesday = scheduled_event("export_schedule", datetime(2026, 12, 1, 0, 30, tzinfo=UTC),
                              "test")
    export_schedule(tuesday, LambdaContext("export_schedule"))
    glue.drain()
    assert len(api.get("/reports/exports").json_body["items"]) == 2


def test_a_worker_that_outlived_its_lease_cannot_undo_or_finish_the_next_ones_work(
        api: TenantApi) -> None:
    from datetime import timedelta

    from pynamodb.exceptions import UpdateError

    from chalicelib.reports.stores.export_store import ExportStore

    created = api.post("/reports/exports", {"report": "campaign-summary"}).json_body
    store, tenant, now = ExportStore(), api.tenant["tenant_id"], api.clock.now()
    first = store.get(tenant, created["export_id"])
    assert first is not None and store.claim(first, now, now + timedelta(minutes=10))
    later = now + timedelta(minutes=11)
    second = store.get(tenant, created["export_id"])
    assert second is not None and store.claim(second, later, later + timedelta(minutes=10))
    # the first worker wakes up: its failure report changes nothing, its finish is refused
    store.release(first, "TimeoutError", final=False, now=later)
    with pytest.raises(UpdateError):
        store.finish(first, "exports/x.csv", 1, 1, later)
    current = store.get(tenant, created["export_id"])
    assert current is not None and current.status == "running" and current.attempts == 2
    assert current.last_error is None


def test_a_produced_export_is_billed_once_even_when_the_stream_replays(
        api: TenantApi, glue: Glue, container: Any, local_cloud: Any) -> None:
    from tests.functional.test_metering import replay_stream

    # GIVEN a finished export
    _invite(api, 2)
    glue.drain()
    export = _export(api, glue, {"report": "invitations"})
    assert export["status"] == "done"
    tenant = api.tenant["tenant_id"]
    # THEN finance sees one export usage record (written from the stream)
    assert container.usage_store.count_records(tenant, "2026-11").get("export") == 1
    # AND replaying the whole stream bills nothing more
    replay_stream(tenant, local_cloud, glue)
    assert container.usage_store.count_records(tenant, "2026-11").get("export") == 1
