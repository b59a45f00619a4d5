"""N invitations through the whole loop on the local cloud, stage by stage, every request counted.

    N=10000 .venv/bin/python benchmarks/lifecycle.py        (default 10,000; N=100000 on demand)

The real app, the real handlers and the local glue (infra/local/glue.py: the event source
mappings) on DynamoDB Local + moto, time as an input (a fixed clock moved by the script):

1. bulk invite: ``POST /campaigns/{id}/invitations`` in requests of 1,000 (glue paused);
2. invitation messages: the stream -> outbox items -> SQS -> the sender -> SES, drained;
3. vendor webhooks: 85.6 % of the candidates open, start and complete (the seed's share),
   a third of the others only open; Standard Webhooks, signed, 20 % of them sent twice with
   the same ``webhook-id``, shuffled; then the stream is drained (pool tags, aggregates,
   usage records, counts);
4. the tick past the deadline (09:01 in the candidates' zone, Asia/Shanghai, outside the quiet
   hours): the sweep claims every no-show round, the reminders go out, drained.

Counted per stage and function (the runner's ``CallCounter``, the counters behind
``/stats``, here with ``ReturnConsumedCapacity``): DynamoDB requests and read/write units
(DynamoDB Local's own figures from the real item sizes; transactions cost double), Lambda
invocations and GB-s (local durations), SQS/SES/S3 calls, API requests. In the same run the
raw DynamoDB Local BatchWriteItem rate (the same table, copies of the real invitation
items, 4 writers like the API) gives the bulk stage's ratio. Peak RSS of this process and of
the DynamoDB Local JVM. Cost per 1,000 invitations at list prices (messages excluded).
Exact counts are asserted at the end. Results: benchmarks/results/lifecycle.json
(``BENCH_OUT`` to write elsewhere).
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.item_size import attribute_bytes, item_bytes  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import (  # noqa: E402
    CAPACITY_READS,
    CAPACITY_WRITES,
    CallCounter,
    scheduled_event,
    stage_environment,
)

N = int(os.environ.get("N", os.environ.get("BENCH_INVITATIONS", "10000")))
COMPLETED_SHARE = 0.856
DUPLICATES = 0.2
PER_REQUEST = 1000
WINDOW_H = 72
ZONE = "Asia/Shanghai"
#: 09:00 in Shanghai: the deadline (T0 + 72 h) is daytime there too
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
LAMBDA_MEMORY_GB = 0.5
RAW_ROWS = int(os.environ.get("BENCH_RAW_ROWS", str(min(max(2 * N, 4000), 20000))))
#: SES's and SNS's account quotas are settings, not physics: unpaced here so the loop is
#: bound by the code and DynamoDB Local (production paces at 14 email/s, the quota).
os.environ.setdefault("TALENTLOOP_SEND_RATE_EMAIL", "100000")
os.environ.setdefault("TALENTLOOP_SEND_RATE_SMS", "100000")


#: What each function or stream consumer writes, and why (the result's `by_function` keys).
WHY = {
    "api": "bulk invite: invitation + new profile per row, conditional, in transactions of 100 "
           "items; vendor webhooks: a transaction per webhook (invitation move, dedupe marker "
           "of the webhook-id, timeline entry); reads: the invitation per webhook",
    "sender": "claim the outbox item (conditional update), then invitation `sent` + outbox sent "
              "in one transaction (reminders: a conditional update); reads: outbox item and "
              "invitation in one Query, a batch's profiles and suppressions in a BatchGetItem",
    "sweep": "a no-show round: the invitation's move + the reminder's outbox item in one "
             "transaction; reads: the due index buckets since the watermark (8 shards)",
    "stream.OutboxFeed": "the invitation's outbox item (put once) -> SQS",
    "stream.Metering": "usage records (invitation, email) with a marker each, per batch",
    "stream.FunnelAggregates": "funnel aggregates and the campaigns' status counts with a "
                               "marker per record, per batch; summaries and the S3 change feed",
    "stream.PoolTags": "rule tags (once each), behaviour sums and the cooperation score "
                       "with a marker per record; reads: the batch's pool snapshots",
    "stream.RetentionClock": "the profile's last activity (per batch: latest action per "
                             "candidate, a write only where it moves)",
    "stream.HookDeliveries": "reads the tenant's webhook endpoints (none subscribed here)",
}


class Lambdas:
    """Invocations and wall-clock seconds per function."""

    def __init__(self, counter: CallCounter) -> None:
        self.counter = counter
        self.invocations: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    def wrap(self, name: str, handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def timed(event: Any, context: Any) -> Any:
            self.counter.label(name)
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                with self._lock:
                    self.invocations[name] += 1
                    self.seconds[name] += time.perf_counter() - started
                self.counter.label(None)

        return timed

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"invocations": dict(self.invocations), "seconds": dict(self.seconds)}


def _delta(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, values in after.items():
        old = before.get(kind, {})
        out[kind] = {k: v - old.get(k, 0) for k, v in values.items() if v - old.get(k, 0)}
    return out


def summarize(calls: dict[str, Any], lam: dict[str, Any], api_requests: int,
              invitations: int) -> dict[str, Any]:
    """One stage's (or the whole run's) counted work, in totals and per invitation."""
    per = float(invitations)
    ddb_calls = {k: v for k, v in calls["calls"].items() if ":dynamodb:" in k}
    requests_ = sum(ddb_calls.values())
    rru = sum(v for k, v in calls["units"].items() if k.rsplit(":", 1)[1] in CAPACITY_READS)
    wru = sum(v for k, v in calls["units"].items() if k.rsplit(":", 1)[1] in CAPACITY_WRITES)
    by_function: defaultdict[str, dict[str, float]] = defaultdict(
        lambda: {"requests": 0, "wru": 0.0, "rru": 0.0})
    for key, n in ddb_calls.items():
        by_function[key.split(":", 1)[0]]["requests"] += n
    for key, units in calls["units"].items():
        who, _, op = key.split(":")
        by_function[who]["wru" if op in CAPACITY_WRITES else "rru"] += units
    by_operation: dict[str, dict[str, float]] = {}
    for key, n in sorted(ddb_calls.items()):
        by_operation[key.replace(":dynamodb:", ":")] = {
            "requests": n, "items": calls["items"].get(key, 0),
            "units": round(calls["units"].get(key, 0.0), 1)}
    gb_s = sum(lam["seconds"].values()) * LAMBDA_MEMORY_GB
    return {
        "dynamodb_requests": requests_,
        "dynamodb_requests_per_invitation": round(requests_ / per, 3),
        "write_units": round(wru, 1), "read_units": round(rru, 1),
        "write_units_per_invitation": round(wru / per, 2),
        "read_units_per_invitation": round(rru / per, 2),
        "by_function": {k: {"requests_per_invitation": round(v["requests"] / per, 3),
                            "wru_per_invitation": round(v["wru"] / per, 2),
                            "rru_per_invitation": round(v["rru"] / per, 2)}
                        for k, v in sorted(by_function.items())},
        "by_operation": by_operation,
        "other_calls": {k: v for k, v in sorted(calls["calls"].items())
                        if ":dynamodb:" not in k},
        "lambda_invocations": dict(lam["invocations"]),
        "lambda_gb_s": round(gb_s, 2),
        "api_requests": api_requests,
    }


def cost_per_1000(total: dict[str, Any], calls: dict[str, Any], invitations: int) -> dict[str, Any]:
    """Counted operations at list prices (messages excluded), per 1,000 invitations."""
    from chalicelib.billing.services.billing import load_config

    prices = {k: Decimal(str(v)) for k, v in load_config("aws_list_prices.json")["prices"].items()
              if not isinstance(v, dict)}
    million = Decimal(1_000_000)
    count = calls["calls"]
    sqs = sum(n for k, n in count.items() if ":sqs:" in k)
    s3_puts = sum(n for k, n in count.items()
                  if ":s3:" in k and k.rsplit(":", 1)[1] in ("PutObject", "UploadPart",
                                                              "CompleteMultipartUpload"))
    invocations = sum(total["lambda_invocations"].values())
    cost = {
        "dynamodb": (Decimal(str(total["write_units"])) * prices["dynamodb_write_per_million_wru"]
                     + Decimal(str(total["read_units"])) * prices["dynamodb_read_per_million_rru"]
                     ) / million,
        "lambda": (Decimal(invocations) * prices["lambda_per_million_requests"] / million
                   + Decimal(str(total["lambda_gb_s"])) * prices["lambda_per_gb_second"]),
        "api_gateway": Decimal(total["api_requests"]) * prices["api_gateway_per_million_requests"]
        / million,
        "sqs": Decimal(sqs) * prices["sqs_per_million_requests"] / million,
        "s3": Decimal(s3_puts) * prices["s3_put_per_thousand"] / 1000,
    }
    scale = Decimal(1000) / Decimal(invitations)
    scaled = {k: float((v * scale).quantize(Decimal("0.00001"))) for k, v in cost.items()}
    return {"usd_per_1000": scaled, "total_usd_per_1000": round(sum(scaled.values()), 5),
            "counted_per_1000": {"sqs_requests": round(sqs * float(scale), 1),
                                 "s3_puts": round(s3_puts * float(scale), 1)}}


def label_consumers(container: Any, counter: CallCounter) -> None:
    """Name each stream consumer's calls ``stream.<Consumer>``: what each one costs."""
    plain = container.stream_consumers

    class Labelled:
        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.name = f"stream.{type(inner).__name__}"
            if type(inner).__name__ == "FeedConsumer":
                self.name += f".{type(inner._feed).__name__}" if hasattr(inner, "_feed") else ""

        def _run(self, method: str, *args: Any) -> Any:
            before = counter.current()
            counter.label(self.name)
            try:
                return getattr(self.inner, method)(*args)
            finally:
                counter.label(before)

        def collect(self, record: Any) -> None:
            self._run("collect", record)

        def flush(self, now: Any) -> Any:
            return self._run("flush", now)

    def stream_consumers(records: Any) -> list[Any]:
        return [Labelled(c) for c in plain(records)]

    container.stream_consumers = stream_consumers


def peak_rss_mib(pid: int | None = None) -> float | None:
    if pid is None:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def item_sizes(client: Any, table: str) -> dict[str, dict[str, float]]:
    """Every item's size by entity (the `entity` discriminator): count, mean and max bytes, and
    the three largest attributes of the largest one (what the write units pay for)."""
    by: dict[str, list[int]] = {}
    largest: dict[str, dict[str, Any]] = {}
    for page in client.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            kind = item.get("entity", {}).get("S", "?")
            size = item_bytes(item)
            by.setdefault(kind, []).append(size)
            if size >= max(by[kind]):
                largest[kind] = item
    out: dict[str, dict[str, Any]] = {}
    for kind, sizes in sorted(by.items(), key=lambda kv: -sum(kv[1])):
        top = sorted(((attribute_bytes(k, v), k) for k, v in largest[kind].items()),
                     reverse=True)[:3]
        out[kind] = {"items": len(sizes), "mean_bytes": round(sum(sizes) / len(sizes)),
                     "max_bytes": max(sizes), "largest_attributes": dict((k, n) for n, k in top)}
    return out


def raw_batch_write_rate(table: str, sample: list[dict[str, Any]], rows: int) -> float:
    """Rows/s of plain BatchWriteItem (25 a request, 4 writers) of copies of real items."""
    import boto3

    client = boto3.client("dynamodb")
    run = uuid.uuid4().hex[:6]
    items = []
    for i in range(rows):
        item = dict(sample[i % len(sample)])
        item["pk"] = {"S": f"RAW#{run}#{i % 97}"}
        item["sk"] = {"S": f"RAW#{i:08d}"}
        items.append(item)
    chunks = [items[i:i + 25] for i in range(0, len(items), 25)]

    def write(chunk: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {table: [{"PutRequest": {"Item": it}} for it in chunk]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, chunks))
    return rows / (time.perf_counter() - started)


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-lifecycle-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    wall = time.perf_counter()
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        res = provision("test")
        import boto3
        from chalice.test import Client
        from standardwebhooks.webhooks import Webhook

        from chalicelib import bootstrap
        from chalicelib.clock import FixedClock
        from chalicelib.config import Settings
        from chalicelib.delivery.models import SweepStateItem
        from chalicelib.shared.domain.due import bucket
        from infra.local.glue import LambdaContext, QueuePoller, StreamPoller, drain

        counter = CallCounter(capacity=True)
        counter.install()
        lambdas = Lambdas(counter)
        clock = FixedClock(T0)
        container = bootstrap.Container(Settings.from_env(), clock=clock)
        label_consumers(container, counter)
        bootstrap.use(container)
        import app as app_module
        from chalicelib.triggers import hooks, schedule, sender, stream
        from infra.definition import RESOURCES

        # as the event source mappings say (infra/definition.py); GLUE=serial: one thread
        serial = os.environ.get("GLUE", "lambda") == "serial"
        factor = int(os.environ.get("PARALLELIZATION_FACTOR",
                                    RESOURCES.stream_mapping.parallelization_factor))
        pollers: list[Any] = [
            StreamPoller(boto3.client("dynamodbstreams"), res.stream_arn,
                         lambdas.wrap("stream", stream.stream_handler), checkpoint_path=None,
                         batch_size=RESOURCES.stream_mapping.batch_size,
                         parallelization_factor=1 if serial else factor),
            QueuePoller(boto3.client("sqs"), res.outbox_queue_url,
                        lambdas.wrap("sender", sender.sender_handler),
                        queue_arn=res.outbox_queue_arn,
                        batch_size=RESOURCES.outbox_mapping.batch_size,
                        concurrency=1 if serial else RESOURCES.outbox_mapping.max_concurrency),
            QueuePoller(boto3.client("sqs"), res.hooks_queue_url,
                        lambdas.wrap("hook_sender", hooks.hook_sender_handler),
                        queue_arn=res.hooks_queue_arn,
                        batch_size=RESOURCES.hooks_mapping.batch_size,
                        concurrency=1 if serial else RESOURCES.hooks_mapping.max_concurrency),
        ]
        glue = {"mode": "serial" if serial else "lambda", "stream_parallelization_factor":
                1 if serial else factor,
                "outbox_concurrency": 1 if serial else RESOURCES.outbox_mapping.max_concurrency}
        sweep = lambdas.wrap("sweep", schedule.sweep)

        def settle() -> None:
            drain(pollers, timeout_s=6 * 3600)

        SweepStateItem(*SweepStateItem.key(), watermark=bucket(T0)).save()
        tenant = container.tenants.create_tenant("Lifecycle Co")
        tid = tenant["tenant_id"]
        headers = {"Authorization": f"Bearer {tenant['api_key']}",
                   "Content-Type": "application/json"}
        stages: dict[str, Any] = {}
        api_requests = 0
        with Client(app_module.app, stage_name="test") as client:
            def post(path: str, body: Any) -> Any:
                nonlocal api_requests
                api_requests += 1
                return client.http.post(path, headers=headers, body=json.dumps(body).encode())

            position = post("/positions", {"title": "Backend Engineer (campus)"}).json_body
            campaign = post("/campaigns", {
                "position_id": position["id"], "name": "Campus", "window_hours": WINDOW_H,
                "channels": ["email"], "locale": "zh-CN",
                "reminder_policy": {"rounds": [{"offset_hours": 0, "channels": ["email"],
                                                "template": "no_show"}],
                                    "grace_hours": 48}}).json_body
            cid = campaign["id"]
            settle()

            marks: dict[str, Any] = {}

            def mark() -> None:
                marks.update(calls=counter.snapshot(), lam=lambdas.snapshot(),
                             api=api_requests, t=time.perf_counter())

            def close(name: str, **extra: Any) -> None:
                calls = _delta(counter.snapshot(), marks["calls"])
                lam = _delta(lambdas.snapshot(), marks["lam"])
                seconds = time.perf_counter() - marks["t"]
                stages[name] = {"seconds": round(seconds, 1), **extra,
                                **summarize(calls, lam, api_requests - marks["api"], N)}
                print(f"{name:<12} {seconds:8.1f} s  "
                      f"{stages[name]['dynamodb_requests_per_invitation']:6.2f} req/inv  "
                      f"{stages[name]['write_units_per_invitation']:6.2f} WU/inv  "
                      f"{stages[name]['read_units_per_invitation']:6.2f} RU/inv", flush=True)

            first: dict[str, Any] = {"calls": counter.snapshot(), "lam": lambdas.snapshot(),
                                     "api": api_requests}
            # 1. bulk invite
            mark()
            run = uuid.uuid4().hex[:6]
            ids: list[str] = []
            emails: dict[str, str] = {}
            for start in range(0, N, PER_REQUEST):
                rows = [{"name": f"候选人 {i}", "email": f"c{i}.{run}@example.com",
                         "timezone": ZONE} for i in range(start, min(start + PER_REQUEST, N))]
                response = post(f"/campaigns/{cid}/invitations", {"candidates": rows})
                assert response.status_code == 201, response.body
                for row, item in zip(rows, response.json_body["items"], strict=True):
                    ids.append(item["invitation_id"])
                    emails[item["invitation_id"]] = row["email"]
            bulk_seconds = time.perf_counter() - marks["t"]
            close("bulk_invite", invitations_per_s=round(N / bulk_seconds, 1))

            # 2. invitation messages
            mark()
            settle()
            close("messages")

            # 3. vendor webhooks
            mark()
            rng = random.Random(15)
            completed = set(rng.sample(ids, round(N * COMPLETED_SHARE)))
            others = [i for i in ids if i not in completed]
            opened_only = set(rng.sample(others, len(others) // 3))
            clock.set(T0 + timedelta(hours=20))
            now = clock.now()
            hook = Webhook(tenant["webhook_secret"])
            messages = []
            for inv in ids:
                kinds = (("interview.opened", "interview.started", "interview.completed")
                         if inv in completed else ("interview.opened",) if inv in opened_only
                         else ())
                for kind in kinds:
                    body = json.dumps({"type": kind, "timestamp": now.isoformat(),
                                       "data": {"invitation_id": inv, "score": 80}})
                    msg_id = f"msg_{uuid.uuid4().hex}"
                    messages.append(({"webhook-id": msg_id,
                                      "webhook-timestamp": str(int(now.timestamp())),
                                      "webhook-signature": hook.sign(
                                          msg_id=msg_id, timestamp=now, data=body),
                                      "Content-Type": "application/json"}, body))
            sends = messages + [m for m in messages if rng.random() < DUPLICATES]
            rng.shuffle(sends)
            answers: Counter[str] = Counter()
            for signed, body in sends:
                api_requests += 1
                r = client.http.post("/webhooks/vendor", body=body.encode(), headers=signed)
                assert r.status_code == 200, r.body
                answers[str((r.json_body or {}).get("result", r.status_code))] += 1
            webhook_seconds = time.perf_counter() - marks["t"]
            settle()
            close("webhooks", webhooks_sent=len(sends), duplicates_sent=len(sends) - len(messages),
                  answers=dict(answers), webhooks_per_s=round(len(sends) / webhook_seconds, 1))

            # 4. the tick past the deadline, daytime in the candidates' zone
            mark()
            at = T0 + timedelta(hours=WINDOW_H, minutes=1)
            clock.set(at)
            report = sweep(scheduled_event("sweep", at, "test"), LambdaContext("sweep"))
            settle()
            close("deadline", sweep=report)
            total = summarize(_delta(counter.snapshot(), first["calls"]),
                              _delta(lambdas.snapshot(), first["lam"]),
                              api_requests - first["api"], N)
            loop_seconds = sum(s["seconds"] for s in stages.values())
            all_calls = _delta(counter.snapshot(), first["calls"])

            # -- verification (not counted) --------------------------------------------
            counter.label("verify")
            counts = client.http.get(f"/campaigns/{cid}", headers=headers).json_body["counts"]
            funnel = client.http.get(f"/reports/campaigns/{cid}/funnel",
                                     headers=headers).json_body
            pool: list[dict[str, Any]] = []
            cursor = None
            while True:
                q = f"/talent-pool/candidates?tag=no_show&campaign_id={cid}&limit=100"
                page = client.http.get(q + (f"&cursor={cursor}" if cursor else ""),
                                       headers=headers).json_body
                pool += page["items"]
                cursor = page["next_cursor"]
                if not cursor:
                    break
        quantities = dict(container.billing.statement(tid, T0.strftime("%Y-%m")).quantities)
        sent = cloud.sent_messages()
        sample = boto3.client("dynamodb").batch_get_item(RequestItems={res.table_name: {
            "Keys": [{"pk": {"S": f"T#{tid}#INV#{i}"}, "sk": {"S": "INV"}} for i in ids[:100]]}}
        )["Responses"][res.table_name]
        sizes = item_sizes(boto3.client("dynamodb"), res.table_name)  # before the raw rows
        counter.label("raw")
        raw_rate = raw_batch_write_rate(res.table_name, sample or [{"x": {"S": "y"}}], RAW_ROWS)
        counter.label(None)
        jvm_rss = peak_rss_mib(cloud.dynamodb_pid)

    # -- exact counts ----------------------------------------------------------------------
    no_shows = N - len(completed)
    per_recipient = Counter(to for m in sent for to in m["to"])
    expected = {emails[i]: (1 if i in completed else 2) for i in ids}
    duplicates = sum(max(0, per_recipient.get(e, 0) - n) for e, n in expected.items())
    missing = sum(max(0, n - per_recipient.get(e, 0)) for e, n in expected.items())
    checks = {
        "completed": (counts.get("completed"), len(completed)),
        "no_show": (counts.get("no_show"), no_shows),
        "accounted_for": (sum(counts.values()), N),
        "messages_sent": (len(sent), N + no_shows),
        "duplicate_messages": (duplicates, 0),
        "missing_messages": (missing, 0),
        "pool_no_show_tags": (len({p["candidate_id"] for p in pool}), no_shows),
        "webhooks_duplicate_answers": (answers.get("duplicate", 0), len(sends) - len(messages)),
        "usage_invitations": (quantities.get("invitation"), N),
        "usage_emails": (quantities.get("email"), N + no_shows),
    }
    bulk = stages["bulk_invite"]
    result = {
        "invitations": N, "glue": glue, "completed": len(completed),
        "opened_only": len(opened_only),
        "no_shows": no_shows, "machine": f"{os.cpu_count()} cores",
        "load_average_at_end": os.getloadavg()[0],
        "lifecycle_seconds": round(loop_seconds, 1),
        "invitations_per_s": round(N / loop_seconds, 1),
        "bulk_invite_per_s": bulk["invitations_per_s"],
        "raw_batch_write_rows_per_s": round(raw_rate, 1),
        "bulk_vs_raw_ratio": round(bulk["invitations_per_s"] / raw_rate, 3),
        "raw_rows": RAW_ROWS,
        "total": total,
        "why": WHY,
        "stages": stages,
        "cost": cost_per_1000(total, all_calls, N),
        "peak_rss_mib": {"benchmark_process (api + glue + handlers + moto)": peak_rss_mib(),
                         "dynamodb_local_jvm": jvm_rss},
        "item_bytes_by_entity": sizes,
        "final_counts": {k: v for k, v in counts.items() if v},
        "funnel": funnel, "usage": quantities,
        "checks": {k: {"got": g, "want": w, "ok": g == w} for k, (g, w) in checks.items()},
        "wall_seconds": round(time.perf_counter() - wall, 1),
        "notes": [
            "Units are DynamoDB Local's ConsumedCapacity (transactions twice, as on AWS).",
            "Lambda GB-s: local durations at 0.5 GB against DynamoDB Local: an upper bound.",
            "Stream reads by Lambda's poller are free and not counted as DynamoDB requests.",
            "The senders are unpaced (SES/SNS quotas are account settings).",
        ],
    }
    out = Path(os.environ.get("BENCH_OUT", ROOT / "benchmarks" / "results" / "lifecycle.json"))
    if out.exists():  # the record of each change's before/after figures is kept
        previous = json.loads(out.read_text())
        if "changes" in previous:
            result["changes"] = previous["changes"]
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(json.dumps({k: result[k] for k in (
        "lifecycle_seconds", "invitations_per_s", "bulk_invite_per_s",
        "raw_batch_write_rows_per_s", "bulk_vs_raw_ratio", "peak_rss_mib")}, indent=2))
    print("total per invitation:", {k: total[k] for k in (
        "dynamodb_requests_per_invitation", "write_units_per_invitation",
        "read_units_per_invitation", "lambda_gb_s")}, "cost", result["cost"]["total_usd_per_1000"])
    failed = {k: v for k, v in result["checks"].items() if not v["ok"]}
    print("checks:", "all OK" if not failed else f"FAILED {failed}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
