"""The sweep against the sparse, sharded due index, on DynamoDB Local.

Creates DUE invitations that share one deadline, runs the sweep just after it and measures
the time to claim every due round and the DynamoDB read capacity the sweep's queries consumed
per due item (ReturnConsumedCapacity, injected with a botocore hook). Then it adds NOT_DUE
invitations with a later deadline - the table grows several times - and runs the same
measurement on a fresh campaign of DUE invitations: read units per due item must not change,
which is the point of the due index (the sweep never reads what is not due).

    BENCH_DUE=5000 BENCH_NOT_DUE=50000 python benchmarks/sweep_due_index.py   (the defaults; ~6 min)

Results: benchmarks/results/sweep_due_index.json
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

DUE = int(os.environ.get("BENCH_DUE", "5000"))
NOT_DUE = int(os.environ.get("BENCH_NOT_DUE", "50000"))
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class Capacity:
    """Read capacity and calls of the sweep's queries on the due index."""

    def __init__(self) -> None:
        self.units = 0.0
        self.calls: Counter[str] = Counter()

    def install(self, client: Any) -> None:
        events = client.meta.events
        events.register("provide-client-params.dynamodb.Query", self._ask)
        events.register("after-call.dynamodb.Query", self._read)

    def _ask(self, params: dict[str, Any], **_: Any) -> None:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _read(self, parsed: dict[str, Any], **_: Any) -> None:
        self.calls["Query"] += 1
        self.units += float(parsed.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0))


def invite(container: Any, tenant_id: str, campaign_id: str, count: int, tag: str) -> None:
    for offset in range(0, count, 1000):
        rows = [{"name": f"c{i}", "email": f"{tag}{i}@example.com"}
                for i in range(offset, min(offset + 1000, count))]
        result = container.invitations.invite(tenant_id, campaign_id, rows, T0)
        assert result["created"] == len(rows), result


def measure(container: Any, capacity: Capacity, tenant_id: str, position_id: str,
            deadline: datetime, tag: str) -> dict[str, Any]:
    campaign = container.catalog.create_campaign(
        tenant_id, position_id=position_id, name=tag, channels=["email"], window_hours=None,
        deadline_at=deadline, locale=None, now=T0,
        reminder_policy={"rounds": [{"offset_hours": 0, "channels": ["email"]}],
                         "quiet_hours": None})
    invite(container, tenant_id, campaign["id"], DUE, tag)
    from chalicelib.delivery.models import SweepStateItem
    from chalicelib.shared.domain.due import bucket

    SweepStateItem(*SweepStateItem.key(), watermark=bucket(deadline)).save()
    capacity.units, capacity.calls = 0.0, Counter()
    started = time.perf_counter()
    claimed = 0
    while claimed < DUE:  # the sweep is bounded per run; ticks continue where it stopped
        report = container.sweep.run(deadline + timedelta(minutes=1))
        claimed += report.rounds_sent
        if report.due == 0:
            break
    seconds = time.perf_counter() - started
    return {"due_invitations": DUE, "rounds_claimed": claimed, "seconds": round(seconds, 2),
            "claims_per_s": round(claimed / seconds, 1),
            "due_index_queries": capacity.calls["Query"],
            "read_units": round(capacity.units, 1),
            "read_units_per_due_item": round(capacity.units / max(claimed, 1), 4)}


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-sweep-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        provision("test")
        from chalicelib.bootstrap import Container
        from chalicelib.config import Settings
        from chalicelib.shared.models import Item

        container = Container(Settings.from_env())
        capacity = Capacity()
        capacity.install(Item._get_connection().connection.client)
        tenant = container.tenants.create_tenant("Bench Co")
        position = container.catalog.create_position(tenant["tenant_id"], "Engineer", None, T0)
        small = measure(container, capacity, tenant["tenant_id"], position["id"],
                        T0 + timedelta(days=3), "first")
        print(json.dumps({"without_other_items": small}), flush=True)
        filler = container.catalog.create_campaign(
            tenant["tenant_id"], position_id=position["id"], name="not due",
            channels=["email"], window_hours=None, deadline_at=T0 + timedelta(days=60),
            locale=None, now=T0)
        started = time.perf_counter()
        invite(container, tenant["tenant_id"], filler["id"], NOT_DUE, "later")
        load_seconds = time.perf_counter() - started
        large = measure(container, capacity, tenant["tenant_id"], position["id"],
                        T0 + timedelta(days=4), "second")
    result = {
        "shards": container.settings.due_shards,
        "without_other_items": small,
        "with_not_due_invitations": {"not_due_invitations": NOT_DUE,
                                     "load_seconds": round(load_seconds, 1), **large},
        "read_units_ratio_large_to_small": round(
            large["read_units_per_due_item"] / max(small["read_units_per_due_item"], 1e-9), 3),
        "note": "outbox items are created in the claim transaction; nothing is sent here",
    }
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "sweep_due_index.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
