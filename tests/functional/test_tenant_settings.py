"""The tenant's own settings: read, change (admin only), validated; the tenant's time zone
is the quiet-hours zone of candidates who have none."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from tests.functional.conftest import Glue, TenantApi


def patch(api: TenantApi, body: Any, key: str | None = None) -> Any:
    headers = api.headers()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return api.client.http.patch("/tenant", headers=headers, body=json.dumps(body).encode())


def test_defaults_then_changes_are_read_back(api: TenantApi) -> None:
    before = api.get("/tenant").json_body
    assert before["default_locale"] == "en" and before["timezone"] == "UTC"
    assert before["quiet_hours"] == "21:00-08:00" and before["retention_days"] == 365
    response = patch(api, {"timezone": "Asia/Shanghai", "quiet_hours": "22:00-07:30",
                           "default_locale": "zh-CN", "retention_days": 180})
    assert response.status_code == 200, response.body
    after = api.get("/tenant").json_body
    assert after == {**before, "timezone": "Asia/Shanghai", "quiet_hours": "22:00-07:30",
                     "default_locale": "zh-CN", "retention_days": 180}
    assert patch(api, {"quiet_hours": "off"}).json_body["quiet_hours"] == "off"


@pytest.mark.parametrize(("body", "code"), [
    ({"timezone": "Mars/Olympus"}, "invalid_timezone"),
    ({"default_locale": "fr"}, "invalid_locale"),
    ({"quiet_hours": "25:00-07:00"}, "invalid_quiet_hours"),
    ({"quiet_hours": "08:00-08:00"}, "invalid_quiet_hours"),  # 422: start = end
    ({"quiet_hours": ""}, "invalid_quiet_hours"),
    ({"name": "  "}, "missing_name"),
    ({"retention_days": 7}, "invalid_retention_days"),
    ({"retention_days": 5000}, "invalid_retention_days"),
    ({}, "empty_update"),
    ({"webhook_secret": "mine"}, "validation_failed"),
])
def test_bad_settings_are_400_with_a_code_and_change_nothing(api: TenantApi, body: Any,
                                                             code: str) -> None:
    before = api.get("/tenant").json_body
    response = patch(api, body)
    across = body == {"quiet_hours": "08:00-08:00"}  # well formed, but no window: 422
    assert response.status_code == (422 if across else 400), response.body
    assert response.json_body["error"]["code"] == code
    assert api.get("/tenant").json_body == before


def test_only_admins_change_settings(api: TenantApi, container: bootstrap.Container) -> None:
    recruiter = container.tenants.create_key(api.tenant["tenant_id"], "recruiter")["api_key"]
    response = patch(api, {"timezone": "Asia/Shanghai"}, key=recruiter)
    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "forbidden"


def test_candidates_without_a_zone_get_quiet_hours_in_the_tenants_zone(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN a tenant in Shanghai (quiet 21:00-08:00) and a round due at 22:00 Shanghai time
    assert patch(api, {"timezone": "Asia/Shanghai"}).status_code == 200
    deadline = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    campaign = api.campaign(deadline_at=deadline.isoformat(), window_hours=None,
                            reminder_policy={"rounds": [{"offset_hours": -24,
                                                         "channels": ["email"]}]})
    tid = api.tenant["tenant_id"]
    to = f"nozone.{tid}@example.com"
    assert api.invite(campaign["id"], [{"name": "N", "email": to}]).status_code == 201
    glue.drain()

    def reminders() -> int:
        return sum(1 for m in local_cloud.cloud.sent_messages() if to in m["to"]) - 1

    # WHEN the round's UTC time (14:00, not quiet in UTC) comes: nothing, it is 22:00 there
    glue.tick(deadline - timedelta(hours=24) + timedelta(minutes=1))
    assert reminders() == 0
    # THEN it goes at 08:00 Shanghai (00:00 UTC), once
    glue.tick(datetime(2026, 11, 27, 0, 1, tzinfo=UTC))
    glue.tick(datetime(2026, 11, 27, 0, 5, tzinfo=UTC))
    assert reminders() == 1
