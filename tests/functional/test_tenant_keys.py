"""A tenant's own API keys through the API (admin): issue (shown once), list (never the
secret), revoke (refused at once by the authorizer), expiry by the request clock, the last
admin key kept, role checks and other tenants' ids."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from tests.functional.conftest import TenantApi


def call(api: TenantApi, method: str, path: str, body: Any = None,
         key: str | None = None) -> Any:
    headers = api.headers()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    raw = json.dumps(body).encode() if body is not None else None
    return api.client.http.request(method, path, headers=headers, body=raw or b"")


def test_issue_list_revoke(api: TenantApi) -> None:
    # GIVEN a tenant with its initial admin key
    # WHEN an admin issues a recruiter key
    created = call(api, "POST", "/tenant/keys", {"role": "recruiter", "label": "ATS sync"})
    assert created.status_code == 201, created.body
    key = created.json_body
    assert key["api_key"].startswith("tlk_") and key["status"] == "active"
    assert key["role"] == "recruiter" and key["label"] == "ATS sync"
    # THEN it works, and the listing shows both keys but never a secret
    assert call(api, "GET", "/tenant", key=key["api_key"]).status_code == 200
    listed = call(api, "GET", "/tenant/keys").json_body["items"]
    assert [k["key_id"] for k in listed] == [api.tenant["key_id"], key["key_id"]]
    assert {k["role"] for k in listed} == {"admin", "recruiter"}
    text = json.dumps(listed)
    assert "tlk_" not in text and "api_key" not in text and "hash" not in text
    # WHEN it is revoked
    revoked = call(api, "DELETE", f"/tenant/keys/{key['key_id']}")
    assert revoked.status_code == 200, revoked.body
    assert revoked.json_body["status"] == "revoked"
    assert revoked.json_body["revoked_by"] == api.tenant["key_id"]
    # THEN the authorizer refuses it, the list says so, and revoking again changes nothing
    refused = call(api, "GET", "/tenant", key=key["api_key"])
    assert refused.status_code == 401 and refused.json_body["error"]["code"] == "unauthenticated"
    statuses = {k["key_id"]: k["status"]
                for k in call(api, "GET", "/tenant/keys").json_body["items"]}
    assert statuses == {api.tenant["key_id"]: "active", key["key_id"]: "revoked"}
    again = call(api, "DELETE", f"/tenant/keys/{key['key_id']}")
    assert again.status_code == 200 and again.json_body == revoked.json_body
    active = call(api, "GET", "/tenant/keys?include_revoked=false").json_body["items"]
    assert [k["key_id"] for k in active] == [api.tenant["key_id"]]


def test_interviewer_keys_carry_their_campaigns(api: TenantApi) -> None:
    campaign = api.campaign()
    created = call(api, "POST", "/tenant/keys",
                   {"role": "interviewer", "campaign_ids": [campaign["id"]]}).json_body
    assert created["campaign_ids"] == [campaign["id"]]
    own = call(api, "GET", f"/campaigns/{campaign['id']}", key=created["api_key"])
    assert own.status_code == 200
    missing = call(api, "POST", "/tenant/keys", {"role": "interviewer"})
    assert missing.status_code == 422
    assert missing.json_body["error"]["code"] == "invalid_campaign_scope"
    extra = call(api, "POST", "/tenant/keys", {"role": "recruiter", "campaign_ids": ["cmp1"]})
    assert extra.json_body["error"]["code"] == "invalid_campaign_scope"


def test_expired_keys_are_refused_by_the_request_clock(api: TenantApi) -> None:
    expires = api.clock.now() + timedelta(hours=2)
    created = call(api, "POST", "/tenant/keys",
                   {"role": "recruiter", "expires_at": expires.isoformat()}).json_body
    assert created["expires_at"] == expires.isoformat()
    assert call(api, "GET", "/tenant", key=created["api_key"]).status_code == 200
    api.clock.set(api.clock.now() + timedelta(hours=2))
    assert call(api, "GET", "/tenant", key=created["api_key"]).status_code == 401
    listed = {k["key_id"]: k["status"]
              for k in call(api, "GET", "/tenant/keys").json_body["items"]}
    assert listed[created["key_id"]] == "expired"


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"role": "owner"}, 400, "validation_failed"),
    ({"role": "recruiter", "expires_at": "2020-01-01T00:00:00+00:00"}, 422, "invalid_expiry"),
    ({"role": "recruiter", "expires_at": "2040-01-01T00:00:00+00:00"}, 422, "invalid_expiry"),
    ({"role": "recruiter", "expires_at": "2026-12-01T00:00:00"}, 400, "validation_failed"),
    ({"role": "recruiter", "tenant_id": "tn-other"}, 400, "validation_failed"),
])
def test_bad_key_requests_are_4xx(api: TenantApi, body: dict[str, Any], status: int,
                                  code: str) -> None:
    response = call(api, "POST", "/tenant/keys", body)
    assert response.status_code == status, response.body
    assert response.json_body["error"]["code"] == code


def test_the_last_admin_key_is_kept(api: TenantApi) -> None:
    # GIVEN only the initial admin key: it may not revoke itself
    own = api.tenant["key_id"]
    refused = call(api, "DELETE", f"/tenant/keys/{own}")
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "last_admin_key"
    # an expired admin key does not count as another admin
    soon = (api.clock.now() + timedelta(minutes=5)).isoformat()
    expiring = call(api, "POST", "/tenant/keys", {"role": "admin", "expires_at": soon}).json_body
    api.clock.set(api.clock.now() + timedelta(minutes=10))
    assert call(api, "DELETE", f"/tenant/keys/{own}").status_code == 409
    # WHEN a second admin key exists, THEN the first may be revoked (by itself, even)
    second = call(api, "POST", "/tenant/keys", {"role": "admin"}).json_body
    assert call(api, "DELETE", f"/tenant/keys/{own}").status_code == 200
    assert call(api, "GET", "/tenant/keys").status_code == 401  # it revoked itself
    # and the second is now the last one
    last = call(api, "DELETE", f"/tenant/keys/{second['key_id']}", key=second["api_key"])
    assert last.status_code == 409
    # an expired key may always be revoked
    gone = call(api, "DELETE", f"/tenant/keys/{expiring['key_id']}", key=second["api_key"])
    assert gone.status_code == 200


def test_only_admins_manage_keys(api: TenantApi, container: bootstrap.Container) -> None:
    tid = api.tenant["tenant_id"]
    for role in ("recruiter", "finance"):
        key = container.tenants.create_key(tid, role)["api_key"]
        for method, path, body in (("GET", "/tenant/keys", None),
                                   ("POST", "/tenant/keys", {"role": "admin"}),
                                   ("DELETE", f"/tenant/keys/{api.tenant['key_id']}", None),
                                   ("GET", "/tenant/webhook-secret", None),
                                   ("POST", "/tenant/webhook-secret/rotate", {}),
                                   ("POST", "/tenant/webhook-secret/retire", {})):
            response = call(api, method, path, body, key=key)
            assert response.status_code == 403, (role, method, path, response.body)
            assert response.json_body["error"]["code"] == "forbidden"


def test_another_tenants_key_is_not_found(api: TenantApi,
                                          container: bootstrap.Container) -> None:
    other = container.tenants.create_tenant("Other Co")
    extra = container.tenants.create_key(other["tenant_id"], "admin")
    response = call(api, "DELETE", f"/tenant/keys/{other['key_id']}")
    assert response.status_code == 404 and response.json_body["error"]["code"] == "key_not_found"
    assert call(api, "DELETE", "/tenant/keys/key-nope").status_code == 404
    # the other tenant's keys still work and are not listed here
    assert call(api, "GET", "/tenant", key=other["api_key"]).status_code == 200
    mine = {k["key_id"] for k in call(api, "GET", "/tenant/keys").json_body["items"]}
    assert mine == {api.tenant["key_id"]} and extra["key_id"] not in mine


def test_keys_of_a_disabled_tenant_are_refused(api: TenantApi,
                                               container: bootstrap.Container) -> None:
    tid = api.tenant["tenant_id"]
    assert call(api, "GET", "/tenant").status_code == 200
    container.tenant_registry.disable(tid)
    assert call(api, "GET", "/tenant").status_code == 401
    container.tenant_registry.enable(tid)
    assert call(api, "GET", "/tenant").status_code == 200


def test_the_listing_pages(api: TenantApi) -> None:
    made = [call(api, "POST", "/tenant/keys", {"role": "recruiter"}).json_body["key_id"]
            for _ in range(3)]
    first = call(api, "GET", "/tenant/keys?limit=2").json_body
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call(api, "GET", f"/tenant/keys?limit=2&cursor={first['next_cursor']}").json_body
    seen = [k["key_id"] for k in first["items"] + rest["items"]]
    assert seen == [api.tenant["key_id"], *made]
    whole = call(api, "GET", "/tenant/keys").json_body
    assert whole["next_cursor"] is None and len(whole["items"]) == 4
    for query, status, code in (("limit=0", 400, "invalid_limit"),
                                ("limit=101", 400, "invalid_limit"),
                                ("cursor=bm9wZQ", 422, "invalid_cursor")):
        response = call(api, "GET", f"/tenant/keys?{query}")
        assert response.status_code == status and response.json_body["error"]["code"] == code


def test_two_racing_revocations_cannot_remove_both_admin_keys(
        api: TenantApi, container: bootstrap.Container) -> None:
    # GIVEN two admin keys, and two requests that each saw the other key still active
    tid = api.tenant["tenant_id"]
    second = container.api_keys.create_key(tid, "admin")
    store = container.key_store
    first_item, second_item = store.get(tid, api.tenant["key_id"]), store.get(tid,
                                                                             second["key_id"])
    assert first_item is not None and second_item is not None
    # WHEN both revoke, each keeping the other
    now = api.clock.now()
    assert store.revoke(first_item, now, "a", keep=second_item) is True
    assert store.revoke(second_item, now, "b", keep=first_item) is False
    # THEN one admin key is left, and it still works
    active = [k["key_id"] for k in call(api, "GET", "/tenant/keys?include_revoked=false",
                                        key=second["api_key"]).json_body["items"]]
    assert active == [second["key_id"]]
