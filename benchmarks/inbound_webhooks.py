"""Inbound vendor webhooks through the HTTP API on the local cloud, duplicates and reordering
mixed in: events/s, and a check that nothing had a second effect.

Each of N candidates' vendor sends opened, started, completed (Standard Webhooks, really
signed, as the vendor simulator sends them); DUPLICATES of the messages are sent a second
time with the same id, and the whole stream is shuffled, so a candidate's completion often
arrives before its start. Eight senders in parallel. Afterwards: every invitation is
completed, the campaign counts 'completed' exactly N times, every invitation's timeline holds
exactly its 3 messages, and every repeat was answered "duplicate" - 0 double effects, or the
script fails. The stream glue is paused during the measurement (the API's figure alone) and
drained before the counts are read. Results: benchmarks/results/inbound_webhooks.json.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from infra.local.__main__ import tenant_service  # noqa: E402
from infra.local.cloud import CloudConfig, free_port  # noqa: E402
from infra.local.runner import LocalRunner, RunnerConfig  # noqa: E402
from infra.local.vendor_sim import render, sign  # noqa: E402

CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "400"))
DUPLICATES = float(os.environ.get("BENCH_DUPLICATES", "0.2"))
SENDERS = 8


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-bench-"))
    cloud = CloudConfig(data_dir=data, dynamodb_port=free_port(), moto_port=free_port(),
                        in_memory=True)
    config = RunnerConfig(cloud=cloud, stage="local", api_port=free_port(),
                          control_port=free_port(), schedule=False, pump=False)
    rng = random.Random(11)
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
        run = uuid.uuid4().hex[:6]
        rows = [{"name": f"C{i}", "email": f"c{i}.{run}@example.com"} for i in range(CANDIDATES)]
        created = http.post(f"{base}/campaigns/{campaign['id']}/invitations",
                            json={"candidates": rows}, timeout=300).json()
        ids = [item["invitation_id"] for item in created["items"]]
        runner.drain()
        now = datetime.now(UTC)
        messages = [{"id": f"msg_{uuid.uuid4().hex}", "invitation_id": inv, "lifecycle": step,
                     "at": now, "score": 80.0}
                    for inv in ids for step in ("opened", "started", "completed")]
        sends = messages + [m for m in messages if rng.random() < DUPLICATES]
        rng.shuffle(sends)
        answers: Counter[str] = Counter()
        lock = threading.Lock()
        local = threading.local()

        def send(message: dict[str, Any]) -> None:
            if not hasattr(local, "http"):
                local.http = requests.Session()
            path, body = render("standard", message)
            for _ in range(5):  # a 409 (the invitation kept changing) is retried, as a vendor would
                headers = sign("standard", tenant["webhook_secret"], message["id"],
                               datetime.now(UTC), body)
                response = local.http.post(base + path, data=body, headers=headers, timeout=60)
                if response.status_code != 409:
                    break
            result = response.json().get("result") if response.status_code == 200 \
                else f"http_{response.status_code}"
            with lock:
                answers[str(result)] += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=SENDERS) as pool:
            list(pool.map(send, sends))
        seconds = time.perf_counter() - started
        runner.drain()
        counts = http.get(f"{base}/campaigns/{campaign['id']}").json()["counts"]
        timelines: Counter[int] = Counter()
        statuses: Counter[str] = Counter()
        for inv in ids:
            view = http.get(f"{base}/invitations/{inv}").json()
            statuses[view["status"]] += 1
            timelines[sum(1 for e in view["timeline"] if e["source"] == "vendor")] += 1
    repeats = len(sends) - len(messages)
    double_effects = ((counts["completed"] - CANDIDATES)
                      + sum(n for size, n in timelines.items() if size != 3)
                      + abs(answers["duplicate"] - repeats)
                      + (CANDIDATES - statuses["completed"]))
    result = {
        "candidates": CANDIDATES, "messages": len(messages), "deliveries": len(sends),
        "duplicates_sent": repeats, "reordered": True, "senders": SENDERS,
        "seconds": round(seconds, 2), "events_per_s": round(len(sends) / seconds, 1),
        "answers": dict(answers), "campaign_completed": counts["completed"],
        "timeline_sizes": {str(k): v for k, v in timelines.items()},
        "double_effects": double_effects, "machine": f"{os.cpu_count()} cores",
    }
    print(json.dumps(result, indent=2))
    assert double_effects == 0, "a repeated or reordered event had a second effect"
    assert answers["processed"] == len(messages), answers
    out = ROOT / "benchmarks" / "results" / "inbound_webhooks.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
