"""The HTTP contract through `chalice.test.Client` (authorizer included) on the local cloud:
uniform errors, role and tenant scoping, validation, duplicates, idempotency, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from tests.functional.conftest import TenantApi


def error_code(response: Any) -> str:
    body = response.json_body
    assert set(body) == {"error"}, body
    assert body["error"]["message"]
    code: str = body["error"]["code"]
    return code


def test_no_header_is_rejected_by_the_gateway(client: Client) -> None:
    # API Gateway (and Chalice's local gateway) answer 401 before any authorizer runs when
    # the identity source is missing; infra/ maps that gateway response to our error body.
    response = client.http.post("/positions", body=b'{"title":"x"}')
    assert response.status_code == 401


def test_unknown_or_malformed_key_is_401_with_uniform_body(client: Client) -> None:
    for headers in ({"Authorization": "Bearer tlk_nope"}, {"Authorization": "Basic x"}):
        response = client.http.post("/positions", headers=headers, body=b'{"title":"x"}')
        assert response.status_code == 401
        assert error_code(response) == "unauthenticated"


def test_finance_role_cannot_create_positions(api: TenantApi,
                                              container: bootstrap.Container) -> None:
    finance = container.tenants.create_key(api.tenant["tenant_id"], "finance")
    response = api.client.http.post(
        "/positions", body=b'{"title":"x"}',
        headers={"Authorization": f"Bearer {finance['api_key']}"})
    assert response.status_code == 403
    assert error_code(response) == "forbidden"


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "invalid_json"),
    (b"[1,2]", "invalid_body"),
    (b"", "missing_body"),
    (b'{"title": ""}', "validation_failed"),
    (b'{"title": "x", "salary": 1}', "validation_failed"),
])
def test_bad_position_bodies(api: TenantApi, body: bytes, code: str) -> None:
    response = api.post("/positions", body)
    assert response.status_code == 400
    assert error_code(response) == code


@pytest.mark.parametrize(("overrides", "status", "code"), [
    ({"channels": ["fax"]}, 400, "validation_failed"),
    ({"channels": []}, 400, "validation_failed"),
    ({"window_hours": None}, 422, "invalid_deadline"),
    ({"deadline_at": "2026-12-01T09:00:00+08:00"}, 422, "invalid_deadline"),
    ({"window_hours": None, "deadline_at": "2020-01-01T00:00:00Z"}, 422, "invalid_deadline"),
    ({"window_hours": None, "deadline_at": "2026-12-01T09:00:00"}, 400, "validation_failed"),
    ({"window_hours": 0}, 400, "invalid_window"),
    ({"locale": "fr"}, 400, "validation_failed"),
    ({"position_id": "pos_missing"}, 404, "position_not_found"),
])
def test_bad_campaigns(api: TenantApi, overrides: dict[str, Any], status: int,
                       code: str) -> None:
    position = api.post("/positions", {"title": "Engineer"}).json_body
    body = {"position_id": position["id"], "name": "C", "window_hours": 72,
            "channels": ["email"], **overrides}
    response = api.post("/campaigns", body)
    assert response.status_code == status, response.body
    assert error_code(response) == code


def test_invitations_valid_rows_written_bad_rows_rejected_duplicates_counted(
        api: TenantApi) -> None:
    campaign = api.campaign()
    rows: list[Any] = [{"name": "Ann", "email": "Ann@Example.com"},
            {"name": "", "email": "b@example.com"},
            {"name": "Cid", "email": "not-an-email"},
            {"name": "Ann again", "email": "ann@example.com"},
            {"name": "Dee", "phone": "13800138000"},
            "not an object"]
    response = api.invite(campaign["id"], rows)
    assert response.status_code == 201, response.body
    body = response.json_body
    assert body["created"] == 1 and body["duplicates"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [
        (1, "missing_name"), (2, "invalid_email"), (4, "no_contact_for_channels"),
        (5, "invalid_candidate")]
    # a second request with the same person is a duplicate, not a second invitation
    again = api.invite(campaign["id"], [{"name": "Ann", "email": "ann@example.com"}]).json_body
    assert again["created"] == 0 and again["duplicates"] == 1
    assert again["items"][0]["invitation_id"] == body["items"][0]["invitation_id"]


def test_too_many_candidates_is_413(api: TenantApi) -> None:
    campaign = api.campaign()
    rows = [{"name": f"n{i}", "email": f"n{i}@example.com"} for i in range(1001)]
    response = api.invite(campaign["id"], rows)
    assert response.status_code == 413
    assert error_code(response) == "too_many_candidates"


def test_idempotency_key_replays_and_refuses_another_body(api: TenantApi) -> None:
    campaign = api.campaign()
    rows = [{"name": "Eve", "email": "eve@example.com"}]
    first = api.invite(campaign["id"], rows, {"Idempotency-Key": "k1"})
    replay = api.invite(campaign["id"], rows, {"Idempotency-Key": "k1"})
    assert first.status_code == replay.status_code == 201
    assert replay.json_body == first.json_body  # the first answer, not "duplicates: 1"
    other = api.invite(campaign["id"], [{"name": "Fay", "email": "fay@example.com"}],
                       {"Idempotency-Key": "k1"})
    assert other.status_code == 422
    assert error_code(other) == "idempotency_key_reused"


def test_other_tenants_ids_answer_404(api: TenantApi, container: bootstrap.Container,
                                      client: Client) -> None:
    campaign = api.campaign()
    other = container.tenants.create_tenant("Other Co")
    headers = {"Authorization": f"Bearer {other['api_key']}"}
    response = client.http.get(f"/campaigns/{campaign['id']}", headers=headers)
    assert response.status_code == 404
    assert error_code(response) == "campaign_not_found"
    listing = client.http.get(f"/campaigns/{campaign['id']}/invitations?status=invited",
                              headers=headers)
    assert listing.status_code == 404


def test_listing_validates_status_limit_and_cursor(api: TenantApi) -> None:
    campaign = api.campaign()
    base = f"/campaigns/{campaign['id']}/invitations"
    assert error_code(api.get(f"{base}?status=lost")) == "invalid_status"
    assert api.get(f"{base}").status_code == 200  # no status: every status (console reads)
    assert error_code(api.get(f"{base}?status=invited&limit=0")) == "invalid_limit"
    assert error_code(api.get(f"{base}?status=invited&cursor=%%%")) == "invalid_cursor"
    assert error_code(api.get("/talent-pool/candidates")) == "missing_tag"


def test_pagination_is_stable_and_complete(api: TenantApi) -> None:
    campaign = api.campaign()
    rows = [{"name": f"n{i}", "email": f"page{i}@example.com"} for i in range(7)]
    api.invite(campaign["id"], rows)
    seen: list[str] = []
    cursor = ""
    while True:
        page = api.get(f"/campaigns/{campaign['id']}/invitations?status=invited&limit=3"
                       + (f"&cursor={cursor}" if cursor else "")).json_body
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"] or ""
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7


def test_openapi_describes_every_route(client: Client, app: Any) -> None:
    doc = client.http.get("/openapi.json").json_body
    assert doc["openapi"].startswith("3.1")
    for path, methods in app.routes.items():
        for method in methods:
            if path == "/openapi.json":
                continue
            assert method.lower() in doc["paths"][path], (method, path)
    post = doc["paths"]["/campaigns/{campaign_id}/invitations"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "CreateInvitationsDoc")
    assert "CandidateIn" in doc["components"]["schemas"]
    json.dumps(doc)  # serialisable


def test_optional_bodies_are_optional_in_the_document(client: Client) -> None:
    """Rotating or retiring a webhook secret works without a body (every default): the
    document said the body was required, so a generated client always sent one."""
    paths = client.http.get("/openapi.json").json_body["paths"]
    for path in ("/tenant/webhook-secret/rotate", "/tenant/webhook-secret/retire"):
        assert paths[path]["post"]["requestBody"]["required"] is False, path
    assert paths["/positions"]["post"]["requestBody"]["required"] is True


def test_our_own_failure_is_a_uniform_500(settings: Any, client: Client, api: TenantApi) -> None:
    # GIVEN the table is unreachable (a wrong name: DynamoDB answers ResourceNotFound)
    from dataclasses import replace

    from chalicelib.clock import FixedClock
    from tests.functional.conftest import T0

    bootstrap.use(bootstrap.Container(replace(settings, table_name="no-such-table"),
                                      clock=FixedClock(T0)))
    try:
        response = api.webhook("interview.opened", f"inv-{api.tenant['tenant_id']}-x")
    finally:
        bootstrap.use(bootstrap.Container(settings, clock=FixedClock(T0)))
    # THEN the client sees a 500 with the uniform body, not a stack trace
    assert response.status_code == 500
    assert error_code(response) == "internal_error"


def test_request_logging_at_info_level_works_and_has_no_pii(api: TenantApi, caplog: Any) -> None:
    # Regression: the invitation log used the field name `created`, a LogRecord attribute,
    # so every bulk request failed with a 500 whenever INFO logging was on.
    import logging

    from chalicelib.observability import logger

    previous = logger.log_level
    logger.setLevel(logging.INFO)
    try:
        campaign = api.campaign()
        with caplog.at_level(logging.INFO, logger="talentloop"):
            response = api.invite(campaign["id"], [{"name": "Ann", "email": "pii@example.com"}])
    finally:
        logger.setLevel(previous)
    assert response.status_code == 201, response.body
    assert "pii@example.com" not in caplog.text


def test_completion_windows_per_audience(api: TenantApi) -> None:
    # GIVEN new graduates get 3 days and employed people 5 days (the seed's example)
    campaign = api.campaign(audience_windows={"new_graduate": 72, "employed": 120})
    assert campaign["audience_windows"] == {"new_graduate": 72, "employed": 120}
    body = api.invite(campaign["id"], [
        {"name": "G", "email": "grad@example.com", "audience": "new_graduate"},
        {"name": "E", "email": "emp@example.com", "audience": "employed"},
        {"name": "D", "email": "default@example.com"},
        {"name": "X", "email": "x@example.com", "audience": "retired"}]).json_body
    assert body["created"] == 3
    assert body["rejected"] == [{"index": 3, "code": "unknown_audience", "message": (
        "audience 'retired' has no window in this campaign (known: employed, new_graduate)")}]
    items = api.get(f"/campaigns/{campaign['id']}/invitations?status=invited").json_body["items"]
    deadlines = sorted(i["deadline_at"] for i in items)
    # THEN each gets its own deadline (the default is the campaign's 72 h window)
    assert deadlines == ["2026-11-28T09:00:00Z", "2026-11-28T09:00:00Z", "2026-11-30T09:00:00Z"]
    bad = api.post("/campaigns", {"position_id": campaign["position_id"], "name": "B",
                                  "window_hours": 72, "channels": ["email"],
                                  "audience_windows": {"Bad Name": 10}})
    assert bad.status_code == 400
    assert error_code(bad) == "invalid_audience_windows"


def test_interviewer_reads_only_its_campaigns(api: TenantApi, container: bootstrap.Container,
                                              client: Client) -> None:
    mine, other = api.campaign(), api.campaign()
    key = container.tenants.create_key(api.tenant["tenant_id"], "interviewer",
                                       campaign_ids=[mine["id"]])
    headers = {"Authorization": f"Bearer {key['api_key']}"}
    assert client.http.get(f"/campaigns/{mine['id']}", headers=headers).status_code == 200
    assert client.http.get(f"/campaigns/{mine['id']}/invitations?status=invited",
                           headers=headers).status_code == 200
    hidden = client.http.get(f"/campaigns/{other['id']}", headers=headers)
    assert hidden.status_code == 404 and error_code(hidden) == "campaign_not_found"
    pool = client.http.get("/talent-pool/candidates?tag=no_show", headers=headers)
    assert pool.status_code == 404  # an interviewer must name one of its campaigns
    write = client.http.post("/positions", headers=headers, body=b'{"title": "x"}')
    assert write.status_code == 403 and error_code(write) == "forbidden"
    with pytest.raises(Exception, match="interviewer"):
        container.tenants.create_key(api.tenant["tenant_id"], "interviewer")
