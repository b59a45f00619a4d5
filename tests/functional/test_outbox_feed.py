"""Delivery's stream consumer creates an invitation's message items in batches (a consistent
BatchGetItem, then BatchWriteItem for the absent ones): a replayed INSERT must never reset a
message that was sent."""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib.invitations.models import OutboxItem
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import LambdaContext, StreamPoller, drain
from tests.functional.conftest import Glue, TenantApi
from tests.functional.test_metering import outbox_items


def invitation_inserts(local_cloud: Any, tenant_id: str) -> list[dict[str, Any]]:
    """The INSERT records of this tenant's invitations, from the start of the stream."""
    seen: list[dict[str, Any]] = []

    def collect(event: dict[str, Any], context: Any) -> Any:
        seen.extend(r for r in event["Records"] if r["eventName"] == "INSERT"
                    and tenant_id in json.dumps(r["dynamodb"]["Keys"])
                    and r["dynamodb"]["Keys"]["sk"]["S"] == "INV")
        return None

    drain([StreamPoller(boto3.client("dynamodbstreams"), local_cloud.resources.stream_arn,
                        collect, checkpoint_path=None)])
    return seen


def test_a_replayed_invitation_insert_leaves_its_sent_messages_alone(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN 30 invitations (email + SMS) whose messages went out
    tid = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email", "sms"])
    rows = [{"name": f"C{i}", "email": f"feed{i}.{tid}@example.com",
             "phone": f"1390014{i:04d}"} for i in range(30)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    before = {(i.pk, i.sk): (i.status, i.provider_message_id) for i in outbox_items(tid, ids)}
    assert len(before) == 60 and {s for s, _ in before.values()} == {"sent"}
    sent = len(local_cloud.cloud.sent_messages())
    # WHEN the invitations' INSERT records are delivered again, in one batch and twice over
    records = invitation_inserts(local_cloud, tid)
    assert len(records) == 30
    answer = stream_handler({"Records": records + records}, LambdaContext("stream"))
    glue.drain()
    # THEN no message item was rewritten and nothing was sent again
    assert answer["batchItemFailures"] == []
    after = {(i.pk, i.sk): (i.status, i.provider_message_id) for i in outbox_items(tid, ids)}
    assert after == before
    assert len(local_cloud.cloud.sent_messages()) == sent
    assert all(isinstance(i, OutboxItem) and i.sent_at for i in outbox_items(tid, ids))
