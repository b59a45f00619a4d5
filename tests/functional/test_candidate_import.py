"""Importing candidates into the talent pool: CSV body and S3 object."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.bootstrap import Container
from chalicelib.invitations.models import CandidateItem
from chalicelib.pool.models import TagItem
from chalicelib.shared.domain import ids
from chalicelib.shared.stores.dynamo import get_or_none
from tests.functional.conftest import Glue, TenantApi


def post_csv(api: TenantApi, data: bytes, query: str = "",
             content_type: str = "text/csv") -> Any:
    return api.client.http.post(f"/talent-pool/imports{query}", body=data,
                                headers=api.headers({"Content-Type": content_type}))


def emails(api: TenantApi, *names: str) -> list[str]:
    return [f"{n}.{api.tenant['tenant_id']}@example.com" for n in names]


def test_csv_body_creates_rejects_and_reimports_idempotently(api: TenantApi,
                                                            container: Container) -> None:
    tid = api.tenant["tenant_id"]
    a, b = emails(api, "a", "b")
    text = (f"姓名,邮箱,手机,标签\n李雷,{a},13800138000,后端;campus\n"
            f"韩梅梅,{b},,\n坏行,not-an-email,,\n"
            f"李雷,{a},,java\n")  # a second row of the same person: merged (a new tag)
    first = post_csv(api, text.encode("gb18030"), content_type="application/octet-stream")
    assert first.status_code == 200, first.body
    body = first.json_body
    assert [(i["line"], i["result"]) for i in body["items"]] == [
        (2, "created"), (3, "created"), (4, "rejected"), (5, "merged")]
    assert body["items"][2]["code"] == "invalid_email"
    assert (body["created"], body["merged"], body["rejected"], body["tags_added"]) == (2, 1, 1, 3)
    cand = ids.candidate_id(tid, f"email:{a}")
    assert body["items"][0]["candidate_id"] == cand
    profile = CandidateItem.get(*CandidateItem.key(tid, cand))
    assert (profile.name, profile.phone, profile.last_activity_at) == (
        "李雷", "+8613800138000", api.clock.now())
    assert profile.due_pk is not None and profile.due_pk.startswith("RETAIN#2027-11-25#")
    tags = {t.tag: t for t in TagItem.query(profile.pk, TagItem.sk.startswith("TAG#"))}
    assert set(tags) == {"后端", "campus", "java"}
    assert tags["java"].source == f"import:{body['import_id']}"
    pool = api.get("/talent-pool/candidates?tag=campus").json_body["items"]
    assert [p["candidate_id"] for p in pool] == [cand]

    again = post_csv(api, text.encode("gb18030"), content_type="application/octet-stream")
    assert again.json_body["import_id"] == body["import_id"]
    assert [i["result"] for i in again.json_body["items"]] == [
        "unchanged", "unchanged", "rejected", "unchanged"]
    assert again.json_body["tags_added"] == 0


def test_merge_fills_missing_fields_and_never_blanks(api: TenantApi, glue: Any) -> None:
    tid = api.tenant["tenant_id"]
    (a,) = emails(api, "m")
    campaign = api.campaign()
    api.invite(campaign["id"], [{"name": "Ann", "email": a}])
    cand = ids.candidate_id(tid, f"email:{a}")
    text = f"name,email,phone,external id\nAnnie,{a},13800138000,HR-7\nAnnie,{a},,\n"
    body = post_csv(api, text.encode("utf-8-sig")).json_body
    assert [i["result"] for i in body["items"]] == ["merged", "unchanged"]
    profile = CandidateItem.get(*CandidateItem.key(tid, cand))
    assert (profile.name, profile.email, profile.phone, profile.external_id) == (
        "Ann", a, "+8613800138000", "HR-7")  # the stored name wins; blanks change nothing


def test_a_phone_only_row_merges_into_a_candidate_keyed_by_that_phone(api: TenantApi) -> None:
    tid = api.tenant["tenant_id"]
    (a,) = emails(api, "p")
    post_csv(api, b"name,phone\nPat,13900139000\n")
    body = post_csv(api, f"name,email,phone\nPat,{a},+86 139 0013 9000\n".encode()).json_body
    assert body["items"][0]["result"] == "merged"
    assert body["items"][0]["candidate_id"] == ids.candidate_id(tid, "phone:+8613900139000")


def test_a_phone_only_row_finds_the_candidate_first_seen_with_an_email(
        api: TenantApi, glue: Glue) -> None:
    # GIVEN a candidate imported with email and phone
    tid = api.tenant["tenant_id"]
    (a,) = emails(api, "known")
    first = post_csv(api, f"name,email,phone\nKim,{a},13700137000\n".encode()).json_body
    kim = first["items"][0]["candidate_id"]
    assert kim == ids.candidate_id(tid, f"email:{a}")
    # WHEN an older system's file knows them by phone only, THEN it is the same candidate
    again = post_csv(api, b"name,phone,external_id\nKim Li,+86 137 0013 7000,OLD-9\n")
    assert again.json_body["items"][0] == {"line": 2, "result": "merged", "candidate_id": kim,
                                           "code": None, "message": None}
    # AND a phone-only invitation goes to that candidate, not to a new one
    campaign = api.campaign(channels=["sms"])
    (item,) = api.invite(campaign["id"], [{"name": "Kim", "phone": "13700137000"}]) \
        .json_body["items"]
    assert item["invitation_id"] == ids.invitation_id(tid, campaign["id"], kim)
    # AND after erasure the phone finds nobody
    api.client.http.post(f"/talent-pool/candidates/{kim}/erasure", headers=api.headers())
    glue.drain()
    fresh = post_csv(api, b"name,phone\nSomeone,13700137000\n").json_body["items"][0]
    assert fresh["result"] == "created"
    assert fresh["candidate_id"] == ids.candidate_id(tid, "phone:+8613700137000")


def test_mapping_and_bad_headers(api: TenantApi) -> None:
    (a,) = emails(api, "x")
    bad = post_csv(api, f"Who,Addr\nXi,{a}\n".encode())
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "missing_columns"
    mapped = post_csv(api, f"Who,Addr\nXi,{a}\n".encode(), "?mapping=name=Who,email=Addr")
    assert mapped.status_code == 200 and mapped.json_body["created"] == 1
    empty = post_csv(api, b"")
    assert empty.status_code == 400 and empty.json_body["error"]["code"] == "empty_file"


def test_interviewers_may_not_import(api: TenantApi, container: Container) -> None:
    key = container.tenants.create_key(api.tenant["tenant_id"], "finance")
    response = api.client.http.post(
        "/talent-pool/imports", body=b"name,email\nA,a@example.com\n",
        headers={"Authorization": f"Bearer {key['api_key']}", "Content-Type": "text/csv"})
    assert response.status_code == 403


def test_s3_object_import_runs_as_a_job_and_writes_the_report_next_to_it(
        api: TenantApi, container: Container, glue: Glue) -> None:
    # GIVEN a 1,201-row file (one bad row) uploaded under the tenant's prefix
    tid = api.tenant["tenant_id"]
    s3 = boto3.client("s3")
    bucket = container.settings.reports_bucket
    rows = "".join(f"C{n},c{n}.{tid}@example.com\n" for n in range(1200))
    key = f"uploads/{tid}/migration.csv"
    s3.put_object(Bucket=bucket, Key=key, Body=f"name,email\n{rows}bad,nope\n".encode())
    # WHEN it is posted, THEN a job is queued (202, where to look), nothing imported yet
    response = api.post("/talent-pool/imports", {"s3_key": key})
    assert response.status_code == 202, response.body
    job = response.json_body
    assert (job["status"], job["rows"], job["report_key"]) == ("queued", None, None)
    assert response.headers["Location"] == f"/talent-pool/imports/{job['import_id']}"
    assert api.get(f"/talent-pool/imports/{job['import_id']}").json_body["status"] == "queued"
    # WHEN the importer has run (stream -> imports queue -> importer)
    glue.drain()
    body = api.get(f"/talent-pool/imports/{job['import_id']}").json_body
    assert (body["status"], body["attempts"]) == ("done", 1)
    assert (body["rows"], body["created"], body["rejected"]) == (1201, 1200, 1)
    assert body["first_rejections"] == [{"line": 1202, "code": "invalid_email",
                                         "message": body["first_rejections"][0]["message"]}]
    report = s3.get_object(Bucket=bucket, Key=body["report_key"])["Body"].read().decode()
    assert body["report_key"] == f"{key}.report.csv"
    assert report.count("\n") == 1202 and "created" in report
    # posting the same file again is the same job: nothing runs twice
    again = api.post("/talent-pool/imports", {"s3_key": key})
    assert again.status_code == 202
    assert again.json_body == body
    assert glue.drain() == 0
    # a new version of the file is a new job; its rows are unchanged
    s3.put_object(Bucket=bucket, Key=key, Body=f"name,email\n{rows}".encode())
    second = api.post("/talent-pool/imports", {"s3_key": key}).json_body
    assert second["import_id"] != job["import_id"]
    glue.drain()
    second = api.get(f"/talent-pool/imports/{second['import_id']}").json_body
    assert (second["status"], second["created"], second["unchanged"]) == ("done", 0, 1200)


def test_a_file_replaced_after_it_was_posted_is_not_imported(api: TenantApi,
                                                             container: Container,
                                                             glue: Glue) -> None:
    tid = api.tenant["tenant_id"]
    s3 = boto3.client("s3")
    bucket = container.settings.reports_bucket
    key = f"uploads/{tid}/replaced.csv"
    s3.put_object(Bucket=bucket, Key=key, Body=f"name,email\nA,a.{tid}@example.com\n".encode())
    job = api.post("/talent-pool/imports", {"s3_key": key}).json_body
    s3.put_object(Bucket=bucket, Key=key, Body=f"name,email\nB,b.{tid}@example.com\n".encode())
    glue.drain()
    body = api.get(f"/talent-pool/imports/{job['import_id']}").json_body
    assert (body["status"], body["error"], body["rows"]) == ("failed", "object_changed", None)
    cand = ids.candidate_id(tid, f"email:b.{tid}@example.com")
    assert get_or_none(CandidateItem, CandidateItem.key(tid, cand), True) is None


def test_a_failed_import_attempt_is_retried_by_the_queue(api: TenantApi,
                                                         container: Container,
                                                         glue: Glue) -> None:
    tid = api.tenant["tenant_id"]
    s3 = boto3.client("s3")
    key = f"uploads/{tid}/flaky.csv"
    s3.put_object(Bucket=container.settings.reports_bucket, Key=key,
                  Body=f"name,email\nA,a.{tid}@example.com\n".encode())
    job = api.post("/talent-pool/imports", {"s3_key": key}).json_body
    real = container.candidate_import.run_object
    calls = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("S3 went away")
        return real(*args, **kwargs)

    container.candidate_import.run_object = flaky
    glue.drain()  # the first attempt fails and is reported; the queue delivers it again
    body = api.get(f"/talent-pool/imports/{job['import_id']}").json_body
    assert (body["status"], body["attempts"], body["created"]) == ("done", 2, 1)
    assert len(calls) == 2


def test_a_file_without_the_needed_columns_fails_at_once_with_its_code(
        api: TenantApi, container: Container, glue: Glue) -> None:
    tid = api.tenant["tenant_id"]
    key = f"uploads/{tid}/no-contact.csv"
    boto3.client("s3").put_object(Bucket=container.settings.reports_bucket, Key=key,
                                  Body=b"name,city\nA,Shanghai\n")
    job = api.post("/talent-pool/imports", {"s3_key": key}).json_body
    glue.drain()
    body = api.get(f"/talent-pool/imports/{job['import_id']}").json_body
    assert (body["status"], body["error"], body["attempts"]) == \
        ("failed", "missing_columns", 1)


def test_an_unknown_import_is_not_found(api: TenantApi) -> None:
    response = api.get("/talent-pool/imports/imp0000000000000000")
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "import_not_found"


def test_s3_keys_outside_the_tenants_prefix_are_not_found(api: TenantApi,
                                                         container: Container) -> None:
    s3 = boto3.client("s3")
    bucket = container.settings.reports_bucket
    s3.put_object(Bucket=bucket, Key="uploads/other-tenant/x.csv", Body=b"name,email\n")
    tid = api.tenant["tenant_id"]
    for key in ("uploads/other-tenant/x.csv", f"uploads/{tid}/../other-tenant/x.csv",
                f"uploads/{tid}/missing.csv"):
        response = api.post("/talent-pool/imports", {"s3_key": key})
        assert response.status_code == 404, key
        assert response.json_body["error"]["code"] == "object_not_found"
