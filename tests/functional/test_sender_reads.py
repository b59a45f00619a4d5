"""The sender reads a queue batch's outbox items and their invitations together (one
strongly consistent BatchGetItem), not with a Query per message: requests per invitation
are the lifecycle's cost (benchmarks/lifecycle.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest

from infra.local.glue import drain
from tests.functional.conftest import Glue, TenantApi


@pytest.fixture
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            calls[operation] += 1
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    yield calls


def test_a_queue_batch_is_read_in_one_request_not_one_per_message(
        api: TenantApi, glue: Glue, local_cloud: Any, dynamodb_calls: Counter[str]) -> None:
    # GIVEN four invitation emails queued (the stream created their outbox items)
    campaign = api.campaign()
    tid = api.tenant["tenant_id"]
    people = [{"name": f"R{i}", "email": f"r{i}.{tid}@example.com"} for i in range(4)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], people).json_body["items"]]
    drain([glue.stream])
    dynamodb_calls.clear()
    # WHEN the sender takes the queue
    drain([glue.queue])
    # THEN each went out once, and no message was read with a Query of its own
    sent = [m for m in local_cloud.cloud.sent_messages()
            if m["channel"] == "email" and any(tid in t for t in m["to"])]
    assert len(sent) == 4
    assert dynamodb_calls["Query"] == 0, dynamodb_calls
    assert 1 <= dynamodb_calls["BatchGetItem"] <= 3 * 4, dynamodb_calls  # <= 3 a batch
    glue.drain()
    for invitation_id in ids:
        assert api.get(f"/invitations/{invitation_id}").json_body["status"] == "sent"
