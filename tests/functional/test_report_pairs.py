"""Rates by two dimensions together (position x channel) with the names of positions and
campaigns, and the uniform errors of combinations the report refuses."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.clock import FixedClock
from tests.functional.conftest import Glue, TenantApi
from tests.functional.test_analytics import lifecycle

RANGE = "from=2026-11-01&to=2026-11-30"


def rates(api: TenantApi, group_by: str) -> dict[str, Any]:
    response = api.get(f"/reports/rates?{RANGE}&group_by={group_by}")
    assert response.status_code == 200, response.body
    body: dict[str, Any] = response.json_body
    return body


def test_position_by_channel_rows_carry_ids_and_names(api: TenantApi, glue: Glue,
                                                      clock: FixedClock) -> None:
    # GIVEN one campaign by email (a whole lifecycle) and one by email + SMS
    campaign, _ = lifecycle(api, glue, clock)
    other = api.campaign(channels=["email", "sms"], name="Campus SMS")
    api.invite(other["id"], [{"name": "G", "email": "g@example.com", "phone": "13800138000"}])
    glue.drain()
    # WHEN rates are grouped by position and channel together
    body = rates(api, "position,channel")
    # THEN one row per position x channel mix, with the position's title
    assert body["group_by"] == "position,channel"
    assert body["dimensions"] == ["position", "channel"]
    rows = {(g["position_id"], g["channel"]): g for g in body["groups"]}
    assert set(rows) == {(campaign["position_id"], "email"), (other["position_id"], "email+sms")}
    mine = rows[(campaign["position_id"], "email")]
    assert mine["position_name"] == "Backend Engineer"
    assert mine["key"] == f"{campaign['position_id']}|email"
    assert mine["campaign_id"] is None and mine["campaign_name"] is None
    assert mine["counts"]["invited"] == 4
    assert mine["rates"]["reminder_recovery"] == round(2 / 3, 4)
    assert body["overall"]["counts"]["invited"] == 5

    # AND grouped by campaign x channel, rows name the campaign and its position
    by_campaign = rates(api, "campaign,channel")["groups"]
    row = next(g for g in by_campaign if g["campaign_id"] == other["id"])
    assert row["campaign_name"] == "Campus SMS" and row["channel"] == "email+sms"
    assert row["position_id"] == other["position_id"]
    assert row["position_name"] == "Backend Engineer"
    # AND one dimension alone keeps its old keys, with names added
    single = rates(api, "campaign")["groups"]
    assert {g["key"] for g in single} == {campaign["id"], other["id"]}
    assert {g["campaign_name"] for g in single} == {"Campus", "Campus SMS"}


@pytest.mark.parametrize("group_by, status, code", [
    ("position,position", 422, "duplicate_group_by"),
    ("campaign,position", 422, "redundant_group_by"),
    ("position,campaign", 422, "redundant_group_by"),
    ("position,channel,campaign", 400, "invalid_group_by"),
    ("position;channel", 400, "invalid_group_by"),
    ("candidate", 400, "invalid_group_by"),
])
def test_combinations_the_report_refuses_have_their_own_codes(
        api: TenantApi, group_by: str, status: int, code: str) -> None:
    response = api.get(f"/reports/rates?{RANGE}&group_by={group_by}")
    assert response.status_code == status
    assert response.json_body["error"]["code"] == code


def test_the_document_states_the_group_by_pattern(api: TenantApi) -> None:
    doc = api.client.http.get("/openapi.json").json_body
    params = doc["paths"]["/reports/rates"]["get"]["parameters"]
    group_by = next(p for p in params if p["name"] == "group_by")
    assert group_by["schema"]["anyOf"][0]["pattern"].startswith("^(position|channel|campaign)")
    group = doc["components"]["schemas"]["RatesGroup"]["properties"]
    assert {"position_name", "campaign_name", "channel"} <= set(group)
