"""Rotating a tenant's vendor-webhook secret (admin): the new secret is shown once, the old
one keeps verifying for the overlap window (or until retired), a header with several
signatures is accepted during the switch, and a disabled tenant's events are refused."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook

from chalicelib import bootstrap
from tests.functional.conftest import TenantApi

CACHE = timedelta(seconds=61)  # a warm function keeps a tenant's secrets for a minute


def invitation(api: TenantApi) -> str:
    campaign = api.campaign()
    body = api.invite(campaign["id"], [{"name": "Ann", "email": "ann@example.com"}]).json_body
    inv: str = body["items"][0]["invitation_id"]
    return inv


def post(api: TenantApi, path: str, body: Any = None) -> Any:
    raw = json.dumps(body).encode() if body is not None else b""
    return api.client.http.post(path, headers=api.headers(), body=raw)


def signed_by(api: TenantApi, inv: str, *secrets: str) -> int:
    """POST an `interview.opened` event signed with each of `secrets` (one header)."""
    body = json.dumps({"type": "interview.opened", "timestamp": api.clock.now().isoformat(),
                       "data": {"invitation_id": inv}})
    msg_id, now = f"msg_{uuid.uuid4().hex}", api.clock.now()
    signature = " ".join(Webhook(s).sign(msg_id=msg_id, timestamp=now, data=body)
                         for s in secrets)
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": signature, "Content-Type": "application/json"}
    response = api.client.http.post("/webhooks/vendor", headers=headers, body=body.encode())
    code: int = response.status_code
    return code


def later(api: TenantApi, by: timedelta) -> None:
    api.clock.set(api.clock.now() + by)


def test_both_secrets_verify_during_the_overlap_then_only_the_new_one(api: TenantApi) -> None:
    # GIVEN a vendor signing with the tenant's secret (the tenant is now cached)
    inv, old = invitation(api), api.tenant["webhook_secret"]
    assert signed_by(api, inv, old) == 200
    # WHEN an admin rotates with a 2-hour overlap
    rotated = post(api, "/tenant/webhook-secret/rotate", {"overlap_hours": 2})
    assert rotated.status_code == 200, rotated.body
    new = rotated.json_body["webhook_secret"]
    assert new.startswith("whsec_") and new != old
    retiring = rotated.json_body["retiring"]
    assert len(retiring) == 1
    assert retiring[0]["retire_at"] == (api.clock.now() + timedelta(hours=2)).isoformat()
    # THEN the new secret verifies at once (not a minute later), and so does the old one
    assert signed_by(api, inv, new) == 200
    assert signed_by(api, inv, old) == 200
    assert signed_by(api, inv, old, new) == 200  # Standard Webhooks: several signatures
    # and the view names the secrets by fingerprint only
    view = api.get("/tenant/webhook-secret").json_body
    assert view["current"]["fingerprint"].startswith("whfp_")
    assert view["retiring"] == retiring
    assert "whsec_" not in json.dumps(view)
    # WHEN the overlap has passed, THEN only the new secret verifies
    later(api, timedelta(hours=2))
    assert signed_by(api, inv, old) == 401
    assert signed_by(api, inv, new) == 200
    assert signed_by(api, inv, old, new) == 200
    assert api.get("/tenant/webhook-secret").json_body["retiring"] == []


def test_retiring_early_and_a_zero_overlap(api: TenantApi) -> None:
    inv, old = invitation(api), api.tenant["webhook_secret"]
    first = post(api, "/tenant/webhook-secret/rotate").json_body  # no body: 24 h
    assert first["retiring"][0]["retire_at"] == (api.clock.now()
                                                 + timedelta(hours=24)).isoformat()
    # WHEN the old secret is retired explicitly (by its fingerprint)
    fingerprint = first["retiring"][0]["fingerprint"]
    retired = post(api, "/tenant/webhook-secret/retire", {"fingerprint": fingerprint})
    assert retired.status_code == 200, retired.body
    assert retired.json_body["retiring"] == []
    # THEN it is refused (once the function's one-minute cache has turned over)
    later(api, CACHE)
    assert signed_by(api, inv, old) == 401
    assert signed_by(api, inv, first["webhook_secret"]) == 200
    # a rotation with no overlap (a leaked secret) stops the old one at once
    second = post(api, "/tenant/webhook-secret/rotate", {"overlap_hours": 0}).json_body
    assert second["retiring"] == []
    later(api, CACHE)
    assert signed_by(api, inv, first["webhook_secret"]) == 401
    assert signed_by(api, inv, second["webhook_secret"]) == 200


def test_rotation_limits_and_bad_requests(api: TenantApi) -> None:
    # two older secrets may verify beside the current one; a third rotation waits
    one = post(api, "/tenant/webhook-secret/rotate", {"overlap_hours": 1}).json_body
    two = post(api, "/tenant/webhook-secret/rotate", {"overlap_hours": 1}).json_body
    assert len(two["retiring"]) == 2
    third = post(api, "/tenant/webhook-secret/rotate", {"overlap_hours": 1})
    assert third.status_code == 409
    assert third.json_body["error"]["code"] == "rotation_in_progress"
    # the refused rotation changed nothing
    view = api.get("/tenant/webhook-secret").json_body
    assert view["current"] == {"fingerprint": view["current"]["fingerprint"],
                               "since": view["current"]["since"]}
    assert [r["fingerprint"] for r in view["retiring"]] == \
        [r["fingerprint"] for r in two["retiring"]]
    assert one["retiring"][0] == two["retiring"][0]
    unknown = post(api, "/tenant/webhook-secret/retire", {"fingerprint": "whfp_nope"})
    assert unknown.status_code == 404
    assert unknown.json_body["error"]["code"] == "secret_not_found"
    assert post(api, "/tenant/webhook-secret/retire").json_body["retiring"] == []  # all
    assert post(api, "/tenant/webhook-secret/rotate", {"overlap_hours": 1}).status_code == 200
    for body in ({"overlap_hours": 169}, {"overlap_hours": -1}, {"secret": "whsec_mine"}):
        response = post(api, "/tenant/webhook-secret/rotate", body)
        assert response.status_code == 400, body
        assert response.json_body["error"]["code"] == "validation_failed"
    bad = api.client.http.post("/tenant/webhook-secret/rotate", headers=api.headers(),
                               body=b"{not json")
    assert bad.status_code == 400


def test_a_disabled_tenants_webhooks_are_refused(api: TenantApi,
                                                 container: bootstrap.Container) -> None:
    inv, secret = invitation(api), api.tenant["webhook_secret"]
    container.tenant_registry.disable(api.tenant["tenant_id"])
    later(api, CACHE)
    response = api.webhook("interview.opened", inv)
    assert response.status_code == 403, response.body
    assert response.json_body["error"]["code"] == "tenant_disabled"
    # the signature is checked first: a forged event learns nothing about the tenant
    assert signed_by(api, inv, "whsec_" + "A" * 43 + "=") == 401
    container.tenant_registry.enable(api.tenant["tenant_id"])
    later(api, CACHE)
    assert signed_by(api, inv, secret) == 200
