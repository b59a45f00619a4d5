"""Aggregation throughput: DynamoDB-stream records per second into the funnel aggregates.

Builds invitation lifecycles as stream records (the real DynamoDB stream shape, NEW_AND_OLD
images serialised by the PynamoDB models) - created, sent, opened, started, completed, or
no_show then completed_late / closed - for 4 campaigns, in time order, and hands them to the
real stream handler (`chalicelib.triggers.stream.stream_handler`) in batches of 100 (the
mapping's batch size) against DynamoDB Local and moto's S3 on this machine:

1. `aggregates`: the stream function's analytics part alone (aggregate transactions with
   markers, the S3 change feed, the throttled summaries) - what the figure is about;
2. `stream_function`: the whole stream handler (plus counts, outbox items, SQS, tags), on
   BENCH_FUNCTION_RECORDS records of another tenant;
3. `replay`: the first BENCH_REPLAY records delivered again (every marker exists: a replayed
   chunk is refused and its deltas are retried one by one - the slow path).

    BENCH_RECORDS=20000 BENCH_REPLAY=2000 BENCH_FUNCTION_RECORDS=5000 \
        python benchmarks/aggregation.py   (the defaults; ~10 min on this machine)

Results: benchmarks/results/aggregation.json
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RECORDS", "20000"))
REPLAY = int(os.environ.get("BENCH_REPLAY", "2000"))
FUNCTION_RECORDS = int(os.environ.get("BENCH_FUNCTION_RECORDS", "5000"))
BATCH = 100
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

#: (status, hours after creation); one path per invitation, chosen round-robin
PATHS = (
    (("sent", 0.01), ("opened", 2), ("started", 3), ("completed", 3.5)),
    (("sent", 0.01), ("completed", 20)),
    (("sent", 0.01), ("opened", 30), ("no_show", 72), ("completed_late", 80)),
    (("sent", 0.01), ("no_show", 72), ("closed", 120)),
    (("invited", 0), ("no_show", 72), ("closed", 120)),
)


def lifecycles(tenant_id: str, campaigns: list[dict[str, Any]], count: int) -> list[Any]:
    """Stream records of invitation lifecycles, `count` of them, in time order."""
    from chalicelib.invitations.models import InvitationItem

    events: list[tuple[datetime, str, dict[str, Any] | None, dict[str, Any]]] = []
    n = 0
    while len(events) < count:
        campaign = campaigns[n % len(campaigns)]
        inv_id = f"inv-{tenant_id}-{n:07d}"
        created = T0 + timedelta(seconds=n * 7)
        pk, sk = InvitationItem.key(tenant_id, inv_id)
        item = InvitationItem(
            pk, sk, tenant_id=tenant_id, invitation_id=inv_id, campaign_id=campaign["id"],
            position_id=campaign["position_id"], candidate_id=f"cd{n}", status="invited",
            channels=campaign["channels"], locale="en", deadline_at=created + timedelta(hours=72),
            grace_hours=48, interview_url="https://interview.example.com/x",
            created_at=created, status_changed_at=created, version=1)
        old: dict[str, Any] | None = None
        new = item.serialize()
        events.append((created, "INSERT", None, new))
        for status, hours in PATHS[n % len(PATHS)]:
            if status == "invited":
                continue
            old = new
            item.status = status
            item.status_changed_at = created + timedelta(hours=hours)
            item.version = int(item.version or 0) + 1
            new = item.serialize()
            events.append((item.status_changed_at, "MODIFY", old, new))
        n += 1
    events.sort(key=lambda e: e[0])
    records = []
    for seq, (at, name, old_image, new_image) in enumerate(events[:count], start=1):
        dynamodb: dict[str, Any] = {
            "ApproximateCreationDateTime": at.timestamp(),
            "Keys": {"pk": new_image["pk"], "sk": new_image["sk"]}, "NewImage": new_image,
            "SequenceNumber": f"{seq:021d}", "SizeBytes": 600,
            "StreamViewType": "NEW_AND_OLD_IMAGES"}
        if old_image is not None:
            dynamodb["OldImage"] = old_image
        records.append({"eventID": str(seq), "eventName": name, "eventVersion": "1.1",
                        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
                        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/x",
                        "dynamodb": dynamodb})
    return records


def setup(container: Any, name: str) -> tuple[str, list[dict[str, Any]]]:
    tenant = container.tenants.create_tenant(name)
    tenant_id = tenant["tenant_id"]
    campaigns = []
    for i, channels in enumerate((["email"], ["email", "sms"], ["email"], ["sms"])):
        position = container.catalog.create_position(tenant_id, f"Role {i % 2}", None, T0)
        campaigns.append(container.catalog.create_campaign(
            tenant_id, position_id=position["id"], name=f"c{i}", channels=channels,
            window_hours=72, deadline_at=None, locale=None, now=T0))
    return tenant_id, campaigns


def run(records: list[Any], handle: Any) -> tuple[float, int]:
    started = time.perf_counter()
    failures = 0
    for start in range(0, len(records), BATCH):
        failures += len(handle(records[start:start + BATCH]))
    return time.perf_counter() - started, failures


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-agg-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        provision("test")
        from chalicelib import bootstrap
        from chalicelib.bootstrap import Container
        from chalicelib.config import Settings
        from chalicelib.reports.services.analytics import AnalyticsService
        from chalicelib.triggers.stream import stream_handler
        from infra.local.glue import LambdaContext

        container = Container(Settings.from_env())
        bootstrap.use(container)
        analytics: AnalyticsService = container.analytics

        def aggregates_only(batch: list[Any]) -> list[str]:
            collected = analytics.batch()
            for r in batch:
                raw = r["dynamodb"]
                collected.add(raw["SequenceNumber"], r["eventName"], raw.get("NewImage"),
                              raw.get("OldImage"))
            now = datetime.fromtimestamp(batch[-1]["dynamodb"]["ApproximateCreationDateTime"],
                                         UTC)
            return collected.flush(now)

        def whole_function(batch: list[Any]) -> list[str]:
            result = stream_handler({"Records": batch}, LambdaContext("stream"))
            return [f["itemIdentifier"] for f in result["batchItemFailures"]]

        tenant_a, campaigns_a = setup(container, "Bench aggregates")
        records_a = lifecycles(tenant_a, campaigns_a, RECORDS)
        seconds_a, failed_a = run(records_a, aggregates_only)
        funnel = analytics.funnel(tenant_a, campaigns_a[0]["id"])
        replay_seconds, failed_r = run(records_a[:REPLAY], aggregates_only)
        replayed = analytics.funnel(tenant_a, campaigns_a[0]["id"])

        tenant_b, campaigns_b = setup(container, "Bench stream function")
        records_b = lifecycles(tenant_b, campaigns_b, FUNCTION_RECORDS)
        seconds_b, failed_b = run(records_b, whole_function)
        again = analytics.funnel(tenant_b, campaigns_b[0]["id"])
        bootstrap.use(None)

    result = {
        "records": RECORDS, "batch_size": BATCH, "campaigns": len(campaigns_a),
        "invitations": len({r["dynamodb"]["Keys"]["pk"]["S"] for r in records_a}),
        "aggregates": {"seconds": round(seconds_a, 1),
                       "records_per_s": round(RECORDS / seconds_a, 1),
                       "failed_records": failed_a},
        "stream_function": {"records": FUNCTION_RECORDS, "seconds": round(seconds_b, 1),
                            "records_per_s": round(FUNCTION_RECORDS / seconds_b, 1),
                            "failed_records": failed_b},
        "replay": {"records": REPLAY, "seconds": round(replay_seconds, 1),
                   "records_per_s": round(REPLAY / replay_seconds, 1),
                   "failed_records": failed_r,
                   "funnel_unchanged": funnel == replayed},
        "function_first_campaign_counts": again["counts"],
        "first_campaign_counts": funnel["counts"],
        "machine": "2 cores, DynamoDB Local + moto on loopback (shared with other work)",
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "results" / "aggregation.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
