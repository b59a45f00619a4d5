"""The due index projects keys only: an update that keeps an item's due keys writes no index
entry (it rewrote the whole item there with an ALL projection), and its readers fetch whole,
current items, leaving out one that moved between the index read and the fetch."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.invitations.models import InvitationItem
from chalicelib.shared.models import DUE_INDEX, Item
from chalicelib.shared.stores import due_reads
from tests.functional.conftest import TenantApi


def _invitations(api: TenantApi, n: int) -> list[str]:
    campaign = api.campaign()
    body = api.invite(campaign["id"], [{"name": f"C{i}", "email": f"c{i}@example.com"}
                                       for i in range(n)]).json_body
    return [row["invitation_id"] for row in body["items"]]


def _ids(items: Iterable[Item]) -> list[str]:
    return [i.invitation_id for i in items if isinstance(i, InvitationItem)]


def _set_due(table: str, tenant_id: str, invitation_id: str, due_pk: str, due_sk: str) -> None:
    pk, sk = InvitationItem.key(tenant_id, invitation_id)
    boto3.client("dynamodb").update_item(
        TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
        UpdateExpression="SET due_pk = :p, due_sk = :s",
        ExpressionAttributeValues={":p": {"S": due_pk}, ":s": {"S": due_sk}})


def test_an_update_that_keeps_the_due_keys_writes_no_index_entry(api: TenantApi) -> None:
    # GIVEN an invitation waiting for its deadline (it carries due keys)
    table = bootstrap.container().settings.table_name
    ddb = boto3.client("dynamodb")
    (invitation_id,) = _invitations(api, 1)
    pk, sk = InvitationItem.key(api.tenant["tenant_id"], invitation_id)
    item = ddb.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}})["Item"]
    assert "due_pk" in item
    indexes = {i["IndexName"]: i["Projection"]["ProjectionType"]
               for i in ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]}
    assert indexes[DUE_INDEX] == "KEYS_ONLY"
    # WHEN an attribute other than its keys changes (as a vendor's signal does)
    done = ddb.update_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                           UpdateExpression="SET vendor_signal = :v",
                           ExpressionAttributeValues={":v": {"S": "joined"}},
                           ReturnConsumedCapacity="INDEXES")
    # THEN the due index is not written (gsi1, which projects everything, still is)
    written = done["ConsumedCapacity"].get("GlobalSecondaryIndexes", {})
    assert DUE_INDEX not in written
    assert "gsi1" in written


def test_readers_get_whole_current_items_in_index_order(
        api: TenantApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN three invitations filed in one due partition of their own, in the order b, c, a
    table = bootstrap.container().settings.table_name
    tenant_id = api.tenant["tenant_id"]
    a, b, c = _invitations(api, 3)
    partition = f"DUE#TEST{uuid.uuid4().hex[:8]}#0"
    for n, invitation_id in ((3, a), (1, b), (2, c)):
        _set_due(table, tenant_id, invitation_id, partition,
                 f"2026-01-0{n}T00:00:00Z#{tenant_id}#{invitation_id}")
    # WHEN the readers list the partition
    items = list(due_reads.due_items(partition))
    # THEN they get whole invitations (not the index's keys), in due order
    assert [i.invitation_id for i in items if isinstance(i, InvitationItem)] == [b, c, a]
    assert all(isinstance(i, InvitationItem) and i.campaign_id for i in items)
    assert _ids(due_reads.due_items(partition, "2026-01-02T00:00:00Z")) == [b, c]
    assert len(list(due_reads.due_items(partition, limit=1))) == 1

    # WHEN c moves to another partition after the index was read, before the fetch
    real = due_reads._index_keys

    def index_then_move(*args: Any) -> Iterator[tuple[str, str]]:
        keys = list(real(*args))
        _set_due(table, tenant_id, c, "DUE#ELSEWHERE#0", f"2026-01-02T00:00:00Z#{tenant_id}#{c}")
        yield from keys

    monkeypatch.setattr(due_reads, "_index_keys", index_then_move)
    # THEN it is left out: it is due elsewhere now
    assert _ids(due_reads.due_items(partition)) == [b, a]
