"""Cost per 1,000 invitations through the full lifecycle, from operations counted in a real run.

Runs N invitations (default 200) per scenario through the real app and the local cloud's
glue: bulk invite over HTTP -> stream -> outbox -> SQS -> sender -> SES (and SNS SMS) ->
signed vendor webhooks (opened / started / completed) -> the sweep's reminder round before the
deadline -> no-shows at the deadline with a reminder -> some complete late -> closed after
grace. Every AWS call is counted (DynamoDB with ReturnConsumedCapacity=TOTAL, so read and
write units are DynamoDB Local's own figures), every Lambda invocation and its duration is
counted, every API request is counted; then the counts are priced at the list prices of
chalicelib/billing/pricing/aws_list_prices.json and scaled to 1,000 invitations.

Scenarios: `email` (invitation + reminders by email) and `email_sms` (the same plus one SMS
per invitation: the invitation SMS).

    BENCH_INVITATIONS=200 python benchmarks/cost_per_1000.py     (~3-4 min on 2 cores)

Results: benchmarks/results/cost_per_1000.json
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import scheduled_event, stage_environment  # noqa: E402

N = int(os.environ.get("BENCH_INVITATIONS", "200"))
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WINDOW_H = 72
LAMBDA_FREE = {"dynamodbstreams"}  # Lambda's stream poller reads are not billed
CAPACITY_OPS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
                "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems"}


class Meter:
    """Every AWS call (per service and operation) and DynamoDB's consumed capacity."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.rru = 0.0
        self.wru = 0.0
        self.wru_by_op: defaultdict[str, float] = defaultdict(float)

    def install(self) -> None:
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        meter = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            meter.calls[f"{service}:{operation}"] += 1
            if service == "dynamodb" and operation in CAPACITY_OPS:
                params = {**params, "ReturnConsumedCapacity": "TOTAL"}
            result = original(client, operation, params)
            if service == "dynamodb" and operation in CAPACITY_OPS:
                meter._capacity(operation, result.get("ConsumedCapacity"))
            return result

        botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def _capacity(self, operation: str, consumed: Any) -> None:
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        units = sum(float(e.get("CapacityUnits", 0.0)) for e in entries)
        if operation in ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"):
            self.rru += units
        else:
            self.wru += units
            self.wru_by_op[operation] += units

    def reset(self) -> None:
        self.calls, self.rru, self.wru = Counter(), 0.0, 0.0
        self.wru_by_op = defaultdict(float)


class Lambdas:
    """Invocations and wall-clock duration per function (local durations: DynamoDB Local
    is slower than DynamoDB, so these overstate Lambda GB-seconds)."""

    def __init__(self) -> None:
        self.invocations: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def wrap(self, name: str, handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def timed(event: Any, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                self.invocations[name] += 1
                self.seconds[name] += time.perf_counter() - started

        return timed

    def reset(self) -> None:
        self.invocations, self.seconds = Counter(), defaultdict(float)


def run_scenario(name: str, channels: list[str], env: dict[str, Any]) -> dict[str, Any]:
    from chalice.test import Client
    from standardwebhooks.webhooks import Webhook

    container, app, glue, meter, lambdas = (env[k] for k in
                                            ("container", "app", "glue", "meter", "lambdas"))
    clock = container.clock
    clock.set(T0)
    tenant = container.tenants.create_tenant(f"Bench {name}")
    tid = tenant["tenant_id"]
    headers = {"Authorization": f"Bearer {tenant['api_key']}",
               "Content-Type": "application/json"}
    api_requests = 0
    with Client(app, stage_name="test") as client:
        def post(path: str, body: Any, extra: dict[str, str] | None = None) -> Any:
            nonlocal api_requests
            api_requests += 1
            return client.http.post(path, headers={**headers, **(extra or {})},
                                    body=json.dumps(body).encode())

        position = post("/positions", {"title": "Engineer"}).json_body
        campaign = post("/campaigns", {
            "position_id": position["id"], "name": name, "window_hours": WINDOW_H,
            "channels": channels,
            "reminder_policy": {"rounds": [
                {"offset_hours": -24, "channels": ["email"], "template": "due_tomorrow"},
                {"offset_hours": 0, "channels": ["email"], "template": "no_show"}],
                "grace_hours": 48, "quiet_hours": None}}).json_body
        # not measured: tenant, position and campaign set-up
        meter.reset()
        lambdas.reset()
        api_requests = 0
        rows = [{"name": f"C{i}", "email": f"c{i}.{tid}@example.com",
                 "phone": f"1380000{i:04d}"} for i in range(N)]
        for start in range(0, N, 1000):
            response = post(f"/campaigns/{campaign['id']}/invitations",
                            {"candidates": rows[start:start + 1000]})
            assert response.status_code == 201, response.body
        ids = [i["invitation_id"] for i in response.json_body["items"]]
        glue.drain()

        def webhook(kind: str, inv: str) -> None:
            nonlocal api_requests
            api_requests += 1
            body = json.dumps({"type": kind, "timestamp": clock.now().isoformat(),
                               "data": {"invitation_id": inv, "score": 80}})
            msg_id = f"msg_{uuid.uuid4().hex}"
            signature = Webhook(tenant["webhook_secret"]).sign(
                msg_id=msg_id, timestamp=clock.now(), data=body)
            r = client.http.post("/webhooks/vendor", body=body.encode(), headers={
                "webhook-id": msg_id, "webhook-timestamp": str(int(clock.now().timestamp())),
                "webhook-signature": signature, "Content-Type": "application/json"})
            assert r.status_code == 200, r.body

        # day 1: 60 % open, start and complete; 20 % only open; 20 % do nothing
        clock.set(T0 + timedelta(hours=20))
        completed, opened_only = ids[: N * 6 // 10], ids[N * 6 // 10: N * 8 // 10]
        for inv in completed:
            for kind in ("interview.opened", "interview.started", "interview.completed"):
                webhook(kind, inv)
        for inv in opened_only:
            webhook("interview.opened", inv)
        glue.drain()
        # the day before the deadline: reminder round 1 to the open ones
        tick(env, T0 + timedelta(hours=WINDOW_H - 24, minutes=1))
        # the deadline: no-shows, reminder round 2
        tick(env, T0 + timedelta(hours=WINDOW_H, minutes=1))
        # in grace: a quarter of the no-shows complete late
        clock.set(T0 + timedelta(hours=WINDOW_H + 5))
        late = ids[N * 8 // 10:][: N // 20]
        for inv in late:
            webhook("interview.completed", inv)
        glue.drain()
        # after grace: the rest close
        tick(env, T0 + timedelta(hours=WINDOW_H + 48, minutes=1))
        counts = client.http.get(f"/campaigns/{campaign['id']}", headers=headers).json_body
        api_requests += 1
    month = T0.strftime("%Y-%m")
    quantities = container.billing.statement(tid, month).quantities
    revenue = container.billing.statement(tid, month).total
    return {"tenant_id": tid, "counts": counts["counts"], "quantities": dict(quantities),
            "revenue_default_prices": str(revenue), "api_requests": api_requests,
            "calls": dict(meter.calls), "rru": meter.rru, "wru": meter.wru,
            "wru_by_operation": dict(meter.wru_by_op),
            "lambda_invocations": dict(lambdas.invocations),
            "lambda_seconds": {k: round(v, 3) for k, v in lambdas.seconds.items()}}


def tick(env: dict[str, Any], at: datetime) -> None:
    from infra.local.glue import LambdaContext

    env["container"].clock.set(at)
    env["sweep"](scheduled_event("sweep", at, "test"), LambdaContext("sweep"))
    env["glue"].drain()


def price(run: dict[str, Any], prices: dict[str, Any], scale: Decimal) -> dict[str, Any]:
    """Counted AWS work -> USD at list prices, scaled to 1,000 invitations."""
    p = {k: Decimal(str(v)) for k, v in prices["prices"].items() if not isinstance(v, dict)}
    sms_part = Decimal(str(prices["prices"]["sms_per_part"]["default"]))
    memory = Decimal(str(prices["lambda_memory_gb"]))
    million = Decimal(1_000_000)
    calls = run["calls"]
    sqs = sum(n for k, n in calls.items() if k.startswith("sqs:"))
    ses = sum(n for k, n in calls.items() if k.startswith(("ses:", "sesv2:"))
              and "Send" in k)
    invocations = sum(run["lambda_invocations"].values())
    seconds = Decimal(str(sum(run["lambda_seconds"].values())))
    sms_parts = run["quantities"].get("sms_part", 0)
    sns_sms = sum(n for k, n in calls.items() if k == "sns:Publish")
    cost = {
        "dynamodb": (Decimal(str(run["wru"])) * p["dynamodb_write_per_million_wru"]
                     + Decimal(str(run["rru"])) * p["dynamodb_read_per_million_rru"]) / million,
        "lambda": (invocations * p["lambda_per_million_requests"] / million
                   + seconds * memory * p["lambda_per_gb_second"]),
        "api_gateway": run["api_requests"] * p["api_gateway_per_million_requests"] / million,
        "sqs": sqs * p["sqs_per_million_requests"] / million,
        "ses": ses * p["ses_per_thousand_emails"] / 1000,
        "sms": sms_parts * sms_part,
    }
    scaled = {k: (v * scale).quantize(Decimal("0.0001")) for k, v in cost.items()}
    total = sum(scaled.values(), Decimal(0))
    return {"usd_per_1000": {k: str(v) for k, v in scaled.items()},
            "total_usd_per_1000": str(total),
            "messages_share": f"{(scaled['ses'] + scaled['sms']) / total:.1%}" if total else "",
            "per_1000_counted": {
                "dynamodb_wru": round(run["wru"] * float(scale), 1),
                "dynamodb_rru": round(run["rru"] * float(scale), 1),
                "lambda_invocations": round(invocations * float(scale), 1),
                "lambda_seconds": round(float(seconds) * float(scale), 1),
                "api_requests": round(run["api_requests"] * float(scale), 1),
                "sqs_requests": round(sqs * float(scale), 1),
                "ses_emails": round(ses * float(scale), 1),
                "sms_parts": round(sms_parts * float(scale), 1),
                "sns_sms_publishes": round(sns_sms * float(scale), 1)}}


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-cost-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    started = time.perf_counter()
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        res = provision("test")
        import boto3

        from chalicelib import bootstrap
        from chalicelib.billing.services.billing import load_config
        from chalicelib.clock import FixedClock
        from chalicelib.config import Settings
        from infra.local.glue import QueuePoller, StreamPoller

        meter = Meter()
        meter.install()
        lambdas = Lambdas()
        container = bootstrap.Container(Settings.from_env(), clock=FixedClock(T0))
        bootstrap.use(container)
        import app as app_module
        from chalicelib.delivery.models import SweepStateItem
        from chalicelib.shared.domain.due import bucket
        from chalicelib.triggers import schedule, sender, stream

        glue_stream = StreamPoller(boto3.client("dynamodbstreams"), res.stream_arn,
                                   lambdas.wrap("stream", stream.stream_handler),
                                   checkpoint_path=None)
        glue_queue = QueuePoller(boto3.client("sqs"), res.outbox_queue_url,
                                 lambdas.wrap("sender", sender.sender_handler),
                                 queue_arn=res.outbox_queue_arn)

        class Glue:
            @staticmethod
            def drain() -> None:
                from infra.local.glue import drain

                drain([glue_stream, glue_queue], timeout_s=900)

        env = {"container": container, "app": app_module.app, "glue": Glue(), "meter": meter,
               "lambdas": lambdas, "sweep": lambdas.wrap("sweep", schedule.sweep)}
        prices = load_config("aws_list_prices.json")
        scale = Decimal(1000) / Decimal(N)
        result: dict[str, Any] = {"invitations_per_scenario": N, "scaled_to": 1000,
                                  "scenarios": {}}
        for name, channels in (("email", ["email"]), ("email_sms", ["email", "sms"])):
            SweepStateItem(*SweepStateItem.key(), watermark=bucket(T0)).save()
            t = time.perf_counter()
            run = run_scenario(name, channels, env)
            run["seconds"] = round(time.perf_counter() - t, 1)
            estimator = container.billing.margin(run["tenant_id"], T0.strftime("%Y-%m"),
                                                 (T0 + timedelta(days=10)).date())
            result["scenarios"][name] = {
                **price(run, prices, scale),
                "revenue_default_prices_per_1000": str(
                    (Decimal(run["revenue_default_prices"]) * scale).quantize(Decimal("0.01"))),
                "estimator_usd_per_1000": str(
                    (Decimal(estimator["aws_cost"]["total"]) * scale).quantize(
                        Decimal("0.0001"))),
                "quantities": run["quantities"], "final_counts": {
                    k: v for k, v in run["counts"].items() if v},
                "lambda_invocations": run["lambda_invocations"],
                "aws_calls": run["calls"], "wru_by_operation": run["wru_by_operation"],
                "seconds": run["seconds"]}
            print(name, json.dumps(result["scenarios"][name]["usd_per_1000"]),
                  result["scenarios"][name]["total_usd_per_1000"], flush=True)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["notes"] = [
        "DynamoDB units are DynamoDB Local's ConsumedCapacity (on-demand: transactions 2x).",
        "Lambda seconds are local wall-clock durations against DynamoDB Local (slower than "
        "DynamoDB): an upper bound. The sweep's fixed 1,440 runs a day are not included.",
        "SMS at the 'default' country list price; SES at $0.10 per 1,000.",
        "dynamodbstreams reads by Lambda's poller are free and not priced.",
    ]
    out = ROOT / "benchmarks" / "results" / "cost_per_1000.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: {kk: v[kk] for kk in ("total_usd_per_1000", "messages_share",
                                                "estimator_usd_per_1000",
                                                "revenue_default_prices_per_1000")}
                      for k, v in result["scenarios"].items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
