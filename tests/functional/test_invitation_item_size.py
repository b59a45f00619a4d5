"""An invitation stays within one write unit (1 KB) through its life: every write of it, and
of each index entry it has (both indexes project all attributes), costs one unit, not two."""

from __future__ import annotations

import boto3

from chalicelib import bootstrap
from chalicelib.invitations.models import InvitationItem
from chalicelib.shared.domain.ids import tenant_of_invitation
from infra.local.item_size import item_bytes
from tests.functional.conftest import Glue, TenantApi


def raw_invitation(invitation_id: str) -> dict:  # type: ignore[type-arg]
    pk, sk = InvitationItem.key(tenant_of_invitation(invitation_id) or "", invitation_id)
    table = bootstrap.container().settings.table_name
    item: dict = boto3.client("dynamodb").get_item(  # type: ignore[type-arg]
        TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)["Item"]
    return item


def test_an_invitation_with_the_default_policy_on_both_channels_stays_under_1_kb(
        api: TenantApi, glue: Glue) -> None:
    # GIVEN a campaign on email and SMS with the default reminder policy (three rounds)
    campaign = api.campaign(channels=["email", "sms"])
    body = api.invite(campaign["id"], [{
        "name": "Zhang Wei-Ming Alexander", "email": "zhang.weiming.alexander@example.com",
        "phone": "+8613800138000", "timezone": "Asia/Shanghai", "locale": "zh-CN"}]).json_body
    inv = body["items"][0]["invitation_id"]
    glue.drain()
    sizes = [item_bytes(raw_invitation(inv))]
    # WHEN it is sent, opened, started and completed with a score
    for kind in ("interview.opened", "interview.started"):
        assert api.webhook(kind, inv).status_code == 200
        sizes.append(item_bytes(raw_invitation(inv)))
    assert api.webhook("interview.completed", inv, score=87.5).status_code == 200
    glue.drain()
    item = raw_invitation(inv)
    sizes.append(item_bytes(item))
    # THEN every version of the item is under 1 KB, and the policy is the short text
    assert max(sizes) < 1024, sizes
    assert "reminder_policy" not in item and item["policy"]["S"].startswith("g48;")
