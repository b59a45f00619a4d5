"""One due item whose action keeps failing never stops the sweep: it is retried with
backoff, then parked (visible to operators, alarmed through the sweep's report), while the
watermark and every other tenant move on."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from datetime import timedelta
from typing import Any

import boto3

from chalicelib import bootstrap
from chalicelib.reports.models import SummaryStateItem
from chalicelib.shared.domain.due import MAX_SWEEP_ATTEMPTS, PARKED, bucket
from infra.local.__main__ import cmd_parked
from tests.functional.conftest import T0, Glue, TenantApi


class RefusingS3:
    """The real S3 client, except that one campaign's summary object can never be written
    (a permanent failure: a bad key policy, a KMS key disabled ...)."""

    def __init__(self, real: Any, campaign_id: str) -> None:
        self.real = real
        self.campaign_id = campaign_id
        self.refused = 0

    def put_object(self, **kwargs: Any) -> Any:
        if f"campaign={self.campaign_id}/" in kwargs["Key"]:
            self.refused += 1
            raise ConnectionError("S3 refuses this object")
        return self.real.put_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def summary_state(tenant_id: str, campaign_id: str) -> SummaryStateItem:
    return SummaryStateItem.get(*SummaryStateItem.key(tenant_id, campaign_id),
                                consistent_read=True)


def test_an_item_that_keeps_failing_is_parked_and_the_sweep_moves_on(
        api: TenantApi, glue: Glue, container: bootstrap.Container, client: Any) -> None:
    # GIVEN tenant A's campaign whose summary can never be written (it is left due for the
    # sweep), and tenant B with an invitation whose deadline comes 3 hours later
    tid = api.tenant["tenant_id"]
    poisoned = api.campaign(name="Poisoned")
    s3 = RefusingS3(boto3.client("s3"), poisoned["id"])
    container.overrides["s3"] = s3
    for cached in ("objects", "analytics", "sweep"):
        container.__dict__.pop(cached, None)
    api.invite(poisoned["id"], [{"name": "P", "email": f"p.{tid}@example.com"}])
    other = TenantApi(client, container.tenants.create_tenant("Other tenant"), api.clock)
    short = other.campaign(name="Short", window_hours=3)
    inv = other.invite(short["id"], [{"name": "O", "email": "o@example.com"}]
                       ).json_body["items"][0]["invitation_id"]
    glue.drain()
    assert s3.refused >= 1
    assert summary_state(tid, poisoned["id"]).due_pk is not None  # left for the sweep

    # WHEN the sweep runs every hour for longer than the item's attempts
    reports = []
    for hour in range(1, MAX_SWEEP_ATTEMPTS + 2):
        at = T0 + timedelta(hours=hour, minutes=1)
        report = glue.tick(at)
        reports.append(report)
        # THEN the watermark never stays behind on the failing item
        assert report["watermark"] == bucket(at), (hour, report)
        assert report["lag_seconds"] < 3600

    # AND it was retried (re-filed later) before it was parked, once
    item = summary_state(tid, poisoned["id"])
    assert item.due_pk == PARKED and item.parked_at is not None
    assert int(item.sweep_attempts or 0) == MAX_SWEEP_ATTEMPTS
    assert item.sweep_error == "summary_not_written"
    assert sum(r["failed"] for r in reports) >= MAX_SWEEP_ATTEMPTS - 1
    assert sum(r["parked"] for r in reports) >= 1
    assert reports[-1]["parked"] == 0  # parked items are not tried again
    # AND operators see it
    parked = [p for p in container.sweep.parked(limit=1000)
              if p["item_id"] == f"summary/{poisoned['id']}"]
    assert parked and parked[0]["tenant_id"] == tid and parked[0]["attempts"] == MAX_SWEEP_ATTEMPTS
    assert parked[0]["entity"] == "summary_state" and parked[0]["error"] == "summary_not_written"
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        cmd_parked(argparse.Namespace(requeue=False))  # python -m infra.local parked
    assert f"summary/{poisoned['id']}" in {p["item_id"] for p in json.loads(shown.getvalue())}
    # AND the other tenant's deadline was handled on time
    counts = other.get(f"/campaigns/{short['id']}").json_body["counts"]
    assert counts["no_show"] == 1, counts
    stored = container.invitation_store.get(other.tenant["tenant_id"], inv)
    assert stored is not None and stored.status == "no_show"

    # WHEN the cause is fixed and an operator re-queues the parked items
    container.overrides.pop("s3")
    for cached in ("objects", "analytics", "sweep"):
        container.__dict__.pop(cached, None)
    at = T0 + timedelta(hours=MAX_SWEEP_ATTEMPTS + 3)
    assert container.sweep.requeue_parked(at, limit=1000) >= 1
    glue.tick(at + timedelta(minutes=1))
    # THEN the summary is written and the item leaves the index, its count reset
    item = summary_state(tid, poisoned["id"])
    assert item.due_pk is None and item.sweep_attempts is None
    assert container.objects.get(
        f"tenant={tid}/report=campaign-summary/campaign={poisoned['id']}/summary.json")
