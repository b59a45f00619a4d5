"""Budget alerts as production sends them: the stream function publishes to the (encrypted)
alerts topic through the real adapter, and a publish that fails cannot leave SMS uncapped.

The first test is also what the permission check (tests/infra/test_permissions.py) needs to
see the stream's `sns:Publish` and the KMS use the encrypted topic implies."""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib import bootstrap
from tests.functional.conftest import Glue, TenantApi


def put(api: TenantApi, path: str, body: Any) -> Any:
    return api.client.http.put(path, headers=api.headers(), body=json.dumps(body).encode())


def over_budget(api: TenantApi, glue: Glue) -> None:
    """Three invitation emails (3 x 0.02 + 3 x 0.002) against a 0.05 budget."""
    tid = api.tenant["tenant_id"]
    response = put(api, "/billing/budget",
                   {"monthly_amount": "0.05", "thresholds": [50], "hard_cap_sms": True})
    assert response.status_code == 200, response.body
    campaign = api.campaign()
    api.invite(campaign["id"], [{"name": f"E{i}", "email": f"alert{i}.{tid}@example.com"}
                                for i in range(3)])
    glue.drain()


def test_the_stream_publishes_a_crossed_threshold_to_the_alerts_topic(
        api: TenantApi, glue: Glue, container: bootstrap.Container, local_cloud: Any) -> None:
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    probe = sqs.create_queue(QueueName=f"alerts-probe-{api.tenant['tenant_id'][-8:]}")["QueueUrl"]
    probe_arn = sqs.get_queue_attributes(QueueUrl=probe, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=local_cloud.resources.alerts_topic_arn, Protocol="sqs",
                  Endpoint=probe_arn, Attributes={"RawMessageDelivery": "true"})
    for built in ("alerts", "billing", "metering"):  # the real adapter, not a test's fake
        container.__dict__.pop(built, None)
    container.overrides.pop("alerts", None)
    over_budget(api, glue)
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(
        QueueUrl=probe, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
    mine = [b for b in bodies if b.get("tenant_id") == api.tenant["tenant_id"]]
    assert [(b["kind"], b["threshold_percent"]) for b in mine] == [("budget_threshold", 50)]
    assert api.get("/billing/budget").json_body["sms_capped"] is True


class FailingAlerts:
    def __init__(self) -> None:
        self.attempts = 0

    def publish(self, subject: str, message: dict[str, Any]) -> str:
        self.attempts += 1
        raise ConnectionError("the alerts topic refused the message (e.g. KMS AccessDenied)")


def test_a_failed_alert_publish_still_caps_sms(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    failing = FailingAlerts()
    container.overrides.update(alerts=failing)
    for built in ("alerts", "billing", "metering", "sender"):
        container.__dict__.pop(built, None)
    over_budget(api, glue)
    assert failing.attempts >= 1
    # the cap is set before the publish is tried, so the failure leaves SMS capped
    assert api.get("/billing/budget").json_body["sms_capped"] is True
