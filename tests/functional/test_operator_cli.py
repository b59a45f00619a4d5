"""The operator CLI (`python -m infra.ops`) against the local cloud: what it writes is what
the API's authorizer and webhook verification read (same service code, same table)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import botocore.client
import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.clock import FixedClock
from chalicelib.config import Settings
from infra.ops.cli import main
from tests.functional.conftest import T0, TenantApi

POLICY = Path(__file__).resolve().parents[2] / "infra" / "ops" / "operator-policy.json"
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
            "ConditionCheck": "ConditionCheckItem"}


class Ops:
    """Runs the CLI in this process and records the DynamoDB actions its calls need."""

    def __init__(self, settings: Settings, capsys: Any, clock: FixedClock) -> None:
        self.where = ["--table", settings.table_name,
                      "--endpoint-url", os.environ["AWS_ENDPOINT_URL_DYNAMODB"]]
        self.capsys = capsys
        self.clock = clock
        self.actions: set[tuple[str, str]] = set()  # (dynamodb action, table[/index/name])
        self.recording = False

    def run(self, *argv: str, status: int = 0, **kwargs: Any) -> Any:
        self.capsys.readouterr()
        self.recording = True
        try:
            code = main([*argv, *self.where], clock=self.clock, **kwargs)
        finally:
            self.recording = False
        out = self.capsys.readouterr().out
        assert code == status, out
        return json.loads(out) if out.strip() else None

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        if not self.recording or service != "dynamodb":
            return
        if operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                for kind, body in entry.items():
                    self.actions.add((f"dynamodb:{TRANSACT[kind]}", body["TableName"]))
            return
        where = params["TableName"]
        if params.get("IndexName"):
            where += f"/index/{params['IndexName']}"
        self.actions.add((f"dynamodb:{operation}", where))

    def assert_the_sample_policy_allows_every_call(self, stage: str) -> None:
        """DEPLOY.md's sample operator policy covers what the CLI did (moto and DynamoDB
        Local enforce no IAM, so nothing else would notice a missing action)."""
        policy = json.loads(POLICY.read_text())
        allowed = {(action, resource.split(":table/", 1)[1].replace("${Stage}", stage))
                   for statement in policy["Statement"] if statement["Effect"] == "Allow"
                   for action in as_list(statement["Action"])
                   for resource in as_list(statement["Resource"]) if ":table/" in resource}
        assert self.actions, "nothing recorded"
        assert self.actions <= allowed, sorted(self.actions - allowed)


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


@pytest.fixture
def ops(settings: Settings, capsys: Any, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> Ops:
    """Observes every AWS call of this process (PynamoDB builds its own botocore clients,
    so the hook sits where every client's call passes; restored after the test)."""
    made = Ops(settings, capsys, clock)
    original = botocore.client.BaseClient._make_api_call

    def observed(client: Any, operation: str, params: dict[str, Any]) -> Any:
        made.record(client.meta.service_model.service_name, operation, params)
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", observed)
    return made


def as_api(client: Client, tenant: dict[str, Any], clock: FixedClock, key: str) -> TenantApi:
    return TenantApi(client, {**tenant, "api_key": key}, clock)


def test_onboard_a_customer_end_to_end(ops: Ops, client: Client,
                                       container: bootstrap.Container) -> None:
    # GIVEN an operator creating a tenant
    tenant = ops.run("tenants", "create", "Acme Onboarding", "--timezone", "Asia/Shanghai")
    tid = tenant["tenant_id"]
    assert tenant["api_key"].startswith("tlk_") and tenant["webhook_secret"].startswith("whsec_")
    api = as_api(client, tenant, ops.clock, tenant["api_key"])
    # THEN the API knows it, and the registry lists it
    assert api.get("/tenant").json_body["timezone"] == "Asia/Shanghai"
    assert ops.run("tenants", "show", tid)["status"] == "active"
    seen, cursor = [], None
    while True:
        page = ops.run("tenants", "list", "--limit", "500", *(["--cursor", cursor] if cursor
                                                              else []))
        seen += [t["tenant_id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert tid in seen and seen == sorted(seen)
    # WHEN it issues a recruiter key with an expiry and an interviewer key for a campaign
    recruiter = ops.run("keys", "create", tid, "recruiter", "--label", "HR",
                        "--expires-in-days", "30")
    assert recruiter["expires_at"] == "2026-12-25T09:00:00+00:00"
    campaign = api.campaign()
    interviewer = ops.run("keys", "create", tid, "interviewer", "--campaign", campaign["id"])
    assert as_api(client, tenant, ops.clock, recruiter["api_key"]).get("/tenant").status_code \
        == 200
    viewer = as_api(client, tenant, ops.clock, interviewer["api_key"])
    assert viewer.get(f"/campaigns/{campaign['id']}").status_code == 200
    listed = ops.run("keys", "list", tid)["items"]
    assert [k["role"] for k in listed] == ["admin", "recruiter", "interviewer"]
    assert "tlk_" not in json.dumps(listed)
    # WHEN it revokes the recruiter key, THEN the authorizer refuses it
    revoked = ops.run("keys", "revoke", tid, recruiter["key_id"])
    assert revoked["status"] == "revoked" and revoked["revoked_by"] == "operator"
    assert as_api(client, tenant, ops.clock, recruiter["api_key"]).get("/tenant").status_code \
        == 401
    assert [k["key_id"] for k in ops.run("keys", "list", tid, "--active")["items"]] == \
        [tenant["key_id"], interviewer["key_id"]]
    # the last admin key is kept unless the operator says otherwise
    kept = ops.run("keys", "revoke", tid, tenant["key_id"], status=1)
    assert kept["error"]["code"] == "last_admin_key"
    # WHEN it rotates the webhook secret, THEN both secrets verify for the overlap
    inv = api.invite(campaign["id"], [{"name": "Ann", "email": "ann@example.com"}])
    invitation = inv.json_body["items"][0]["invitation_id"]
    rotated = ops.run("webhook-secret", "rotate", tid, "--overlap-hours", "1")
    assert len(rotated["retiring"]) == 1
    assert api.webhook("interview.opened", invitation, secret=rotated["webhook_secret"]) \
        .status_code == 200
    assert api.webhook("interview.opened", invitation).status_code == 200  # the old one
    assert ops.run("webhook-secret", "show", tid)["retiring"] == rotated["retiring"]
    assert ops.run("webhook-secret", "retire", tid)["retiring"] == []
    # WHEN the tenant is disabled, THEN its keys are refused; enabling restores them
    assert ops.run("tenants", "disable", tid)["status"] == "disabled"
    assert api.get("/tenant").status_code == 401
    assert ops.run("tenants", "enable", tid)["status"] == "active"
    assert api.get("/tenant").status_code == 200
    # the operator may remove the last admin key explicitly
    ops.run("keys", "revoke", tid, tenant["key_id"], "--allow-last-admin")
    assert api.get("/tenant").status_code == 401
    ops.assert_the_sample_policy_allows_every_call("test")


def test_refusals_and_unknown_ids(ops: Ops) -> None:
    assert ops.run("keys", "list", "tn-nope")["items"] == []
    assert ops.run("tenants", "show", "tn-nope", status=1)["error"]["code"] == \
        "tenant_not_found"
    assert ops.run("keys", "create", "tn-nope", "admin", status=1)["error"]["code"] == \
        "tenant_not_found"
    assert ops.run("webhook-secret", "rotate", "tn-nope", status=1)["error"]["code"] == \
        "tenant_not_found"
    tid = ops.run("tenants", "create", "Refusals Co")["tenant_id"]
    assert ops.run("keys", "create", tid, "interviewer", status=1)["error"]["code"] == \
        "invalid_campaign_scope"
    assert ops.run("keys", "create", tid, "recruiter", "--expires-at", "2026-11-25T08:00:00Z",
                   status=1)["error"]["code"] == "invalid_expiry"
    assert ops.run("keys", "create", tid, "recruiter", "--expires-at", "2026-12-01T08:00",
                   status=1)["error"]["code"] == "invalid_argument"
    assert ops.run("webhook-secret", "rotate", tid, "--overlap-hours", "200",
                   status=1)["error"]["code"] == "invalid_overlap"
    assert ops.run("keys", "revoke", tid, "key-nope", status=1)["error"]["code"] == \
        "key_not_found"
    ops.assert_the_sample_policy_allows_every_call("test")


def test_the_table_comes_from_the_stacks_outputs(settings: Settings, capsys: Any,
                                                 local_cloud: Any) -> None:
    # GIVEN a stack like the deployed one (moto's CloudFormation), with a TableName output
    cfn = boto3.client("cloudformation", endpoint_url=local_cloud.cloud.moto_endpoint)
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"TableName": {"Value": settings.table_name}}}
    cfn.create_stack(StackName="talentloop-clitest", TemplateBody=json.dumps(template))
    bare = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    cfn.create_stack(StackName="talentloop-clibare", TemplateBody=json.dumps(bare))
    clock = FixedClock(T0)
    # WHEN the operator names only the stage, THEN the CLI works on that table
    assert main(["tenants", "create", "Stack Co", "--stage", "clitest"], clock=clock,
                cloudformation=cfn) == 0
    created = json.loads(capsys.readouterr().out)
    assert main(["tenants", "show", created["tenant_id"], "--stage", "clitest"], clock=clock,
                cloudformation=cfn) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Stack Co"
    # a stack without the output, no stack, or no stage at all: exit 2 with a reason
    for argv in (["--stage", "clibare"], ["--stage", "nothere"], []):
        assert main(["tenants", "list", *argv], clock=clock, cloudformation=cfn) == 2
        assert capsys.readouterr().err.strip()


def test_the_local_commands_still_create_tenants_and_keys(ops: Ops, capsys: Any) -> None:
    from infra.local.__main__ import main as local_main

    assert local_main(["create-tenant", "Local Co"]) == 0
    tenant = json.loads(capsys.readouterr().out)
    assert local_main(["create-key", tenant["tenant_id"], "recruiter"]) == 0
    key = json.loads(capsys.readouterr().out)
    listed = ops.run("keys", "list", tenant["tenant_id"])["items"]
    assert [k["key_id"] for k in listed] == [tenant["key_id"], key["key_id"]]
