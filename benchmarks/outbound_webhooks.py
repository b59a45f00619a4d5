"""Outbound webhook delivery throughput with a slow receiver, and duplicates (must be 0).

DynamoDB Local + moto SQS on loopback; a threaded receiver on 127.0.0.1 that takes
BENCH_RECEIVER_MS (default 200 ms) per request and verifies every signature. N deliveries
are created as the stream consumer creates them (one per endpoint and event) and queued on
the real hooks queue; pollers standing in for the event source mapping hand batches of 10
to the real `hook_sender` handler (10 threads an invocation), three ways:
  1. one hook sender instance;
  2. BENCH_INSTANCES (default 3) instances at once;
  3. like 2, with every queue message sent twice (duplicates counted at the receiver);
  4. like 1 with a receiver that answers at once (what the table and queue cost here).

    BENCH_DELIVERIES=300 python benchmarks/outbound_webhooks.py      (~1 min)

Results: benchmarks/results/outbound_webhooks.json
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "300"))
RECEIVER_MS = int(os.environ.get("BENCH_RECEIVER_MS", "200"))
INSTANCES = int(os.environ.get("BENCH_INSTANCES", "3"))


def run(label: str, instances: int, twice: bool, resources: Any,
        receiver_ms: int = RECEIVER_MS) -> dict[str, Any]:
    import boto3

    from chalicelib import bootstrap
    from chalicelib.clock import SystemClock
    from chalicelib.config import Settings
    from chalicelib.hooks.domain.events import HookEvent, event_id
    from chalicelib.hooks.services.fanout import delivery_of
    from chalicelib.hooks.services.sender import message_of
    from chalicelib.triggers.hooks import hook_sender_handler
    from infra.local.glue import QueuePoller
    from tests.functional.hook_receiver import Reply, receiving

    container = bootstrap.Container(Settings.from_env(), clock=SystemClock())
    now = container.clock.now()
    bootstrap.use(container)
    with receiving() as receiver:
        receiver.answer(then=Reply(200, delay_s=receiver_ms / 1000))
        tenant = f"tnbench{label}"
        created = container.webhook_endpoints.create(
            tenant, receiver.url + "/hr", ["invitation.no_show"], None, None, now)
        receiver.secret = created["secret"]
        endpoint = container.hook_store.endpoint(tenant, created["id"])
        assert endpoint is not None
        items = [delivery_of(endpoint, HookEvent(tenant, "invitation.no_show",
                                                 event_id(label, str(i)), now,
                                                 {"invitation_id": f"inv-{i}"}), now)
                 for i in range(DELIVERIES)]
        fanout = container.hook_fanout()
        for start in range(0, len(items), 100):
            assert fanout.create(items[start:start + 100]) == []
            if twice:  # every message a second time
                container.hook_queue.send([message_of(d) for d in items[start:start + 100]])
        pollers = [QueuePoller(boto3.client("sqs"), resources.hooks_queue_url,
                               hook_sender_handler, queue_arn=resources.hooks_queue_arn)
                   for _ in range(instances)]
        started = time.perf_counter()
        stop = threading.Event()

        def poll(poller: QueuePoller) -> None:
            idle = 0
            while not stop.is_set() and idle < 20:
                idle = 0 if poller.poll_once() else idle + 1
                if len(receiver.received) >= DELIVERIES and idle:
                    break

        threads = [threading.Thread(target=poll, args=(p,)) for p in pollers]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 300
        while len(receiver.received) < DELIVERIES and time.monotonic() < deadline:
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        for thread in threads:  # the duplicates still queued are handled (and refused)
            thread.join(timeout=60)
        stop.set()
        per_id = Counter(r.headers["webhook-id"] for r in receiver.received)
        result = {"deliveries": DELIVERIES, "instances": instances, "receiver_ms": receiver_ms,
                  "queue_messages": DELIVERIES * (2 if twice else 1),
                  "seconds": round(seconds, 2),
                  "deliveries_per_s": round(min(len(per_id), DELIVERIES) / seconds, 1),
                  "received": len(receiver.received),
                  "duplicates": sum(n - 1 for n in per_id.values() if n > 1),
                  "unverified": sum(1 for r in receiver.received if not r.verified)}
    bootstrap.use(None)
    return result


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-hooks-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        resources = provision("test")
        one = run("one", 1, False, resources)
        many = run("many", INSTANCES, False, resources)
        twice = run("twice", INSTANCES, True, resources)
        fast = run("fast", 1, False, resources, receiver_ms=0)
    result = {"receiver_ms_per_request": RECEIVER_MS,
              "threads_per_invocation": 10, "batch_size": 10,
              "one_instance": one, f"{INSTANCES}_instances": many,
              f"{INSTANCES}_instances_every_message_queued_twice": twice,
              "one_instance_receiver_0ms": fast,
              "ceiling_per_instance_per_s": round(10 / (RECEIVER_MS / 1000), 1),
              "note": "DynamoDB Local + moto SQS on loopback; 2-core machine shared with "
                      "other work; a delivery = claim (GetItem + UpdateItem), signed POST, "
                      "log (UpdateItem)"}
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "outbound_webhooks.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
