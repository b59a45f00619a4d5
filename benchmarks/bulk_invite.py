"""Bulk-create 10,000 invitations through the HTTP API on the local cloud.

Prints invitations/s and DynamoDB write requests (and items) per invitation on the API path,
counted from the AWS calls the API function really made. The stream/queue glue is paused
during the measurement so the figure is the API's alone (on this 2-core machine the glue and
DynamoDB Local would otherwise compete for the same CPUs). Results: benchmarks/results/.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from infra.local.__main__ import tenant_service  # noqa: E402
from infra.local.cloud import CloudConfig, free_port  # noqa: E402
from infra.local.runner import LocalRunner, RunnerConfig  # noqa: E402

TOTAL = int(os.environ.get("BENCH_INVITATIONS", "10000"))
PER_REQUEST = 1000


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-bench-"))
    cloud = CloudConfig(data_dir=data, dynamodb_port=free_port(), moto_port=free_port(),
                        in_memory=True)
    config = RunnerConfig(cloud=cloud, stage="local", api_port=free_port(),
                          control_port=free_port(), schedule=False, pump=False)
    with LocalRunner(config) as runner:
        os.environ["TALENTLOOP_DYNAMODB_PORT"] = str(cloud.dynamodb_port)
        tenant = tenant_service().create_tenant("Bench Co")
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {tenant['api_key']}"
        base = config.api_url
        position = http.post(f"{base}/positions", json={"title": "Engineer"}).json()
        campaign = http.post(f"{base}/campaigns", json={
            "position_id": position["id"], "name": "Bench", "window_hours": 72,
            "channels": ["email"]}).json()
        before = runner.counter.snapshot()
        run = uuid.uuid4().hex[:6]
        created = 0
        started = time.perf_counter()
        for offset in range(0, TOTAL, PER_REQUEST):
            rows = [{"name": f"Candidate {i}", "email": f"c{i}.{run}@example.com"}
                    for i in range(offset, min(offset + PER_REQUEST, TOTAL))]
            response = http.post(f"{base}/campaigns/{campaign['id']}/invitations",
                                 json={"candidates": rows}, timeout=300)
            response.raise_for_status()
            created += response.json()["created"]
        seconds = time.perf_counter() - started
        after = runner.counter.snapshot()

    def delta(kind: str, op: str) -> int:
        key = f"api:dynamodb:{op}"
        return int(after[kind].get(key, 0)) - int(before[kind].get(key, 0))

    writes = {op: delta("calls", op) for op in ("BatchWriteItem", "PutItem", "UpdateItem",
                                                "TransactWriteItems")}
    reads = {op: delta("calls", op) for op in ("BatchGetItem", "GetItem", "Query")}
    write_requests = sum(writes.values())
    result = {
        "invitations": created, "requests": TOTAL // PER_REQUEST, "seconds": round(seconds, 2),
        "invitations_per_s": round(created / seconds, 1),
        "dynamodb_write_requests": writes,
        "dynamodb_write_requests_per_invitation": round(write_requests / created, 4),
        "dynamodb_items_written_per_invitation":
            round((delta("items", "BatchWriteItem") + delta("items", "TransactWriteItems"))
                  / created, 3),
        "dynamodb_read_requests": reads,
        "machine": f"{os.cpu_count()} cores",
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "results" / "bulk_invite.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
