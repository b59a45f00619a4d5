"""The local runner: plays AWS's glue around the very same handler functions.

- serves the Chalice routes over HTTP (`chalice.local`, threaded, stage env vars applied);
- fires the scheduled functions every minute at real time, and on demand at any time
  (`tick --at ...`) with EventBridge's event shape;
- polls the table's stream and the outbox queue and invokes the stream and sender functions
  with the event shapes Lambda delivers, honouring `batchItemFailures`;
- after a tick, drains until quiet, so a caller sees the whole consequence of the tick;
- answers a small control API (health, tick, outbox, stats) on its own loopback port.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3

from infra.definition import RESOURCES
from infra.local import iam_record
from infra.local.cloud import CloudConfig, LocalCloud
from infra.local.glue import RECORD_TIMES, QueuePoller, StreamPoller, drain
from infra.local.provision import Provisioned, provision
from infra.local.schedules import fires_at

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("talentloop.local")


@dataclass(frozen=True)
class RunnerConfig:
    cloud: CloudConfig
    stage: str = "local"
    api_port: int = 8030
    control_port: int = 8031
    schedule: bool = True  # fire the scheduled functions every minute at real time
    pump: bool = True  # poll the stream and queues in the background (benchmarks turn it off)

    @classmethod
    def from_env(cls) -> RunnerConfig:
        return cls(
            cloud=CloudConfig.from_env(),
            stage=os.environ.get("TALENTLOOP_STAGE", "local"),
            api_port=int(os.environ.get("TALENTLOOP_API_PORT", "8030")),
            control_port=int(os.environ.get("TALENTLOOP_CONTROL_PORT", "8031")),
        )

    @property
    def api_url(self) -> str:
        return f"http://{self.cloud.host}:{self.api_port}"

    @property
    def control_url(self) -> str:
        return f"http://{self.cloud.host}:{self.control_port}"


def stage_environment(stage: str) -> dict[str, str]:
    """The stage's environment variables from .chalice/config.json (as Lambda gets them)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


#: DynamoDB operations that consume read or write capacity.
CAPACITY_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
CAPACITY_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                             "TransactWriteItems"})


class CallCounter:
    """Counts AWS API calls per function and operation (for benchmarks and `stats`).

    ``items`` counts the items a batch or transaction carries. With ``capacity=True``
    DynamoDB calls also ask for ``ReturnConsumedCapacity=TOTAL`` and ``units`` sums the
    read or write units DynamoDB (Local) computed from the real item sizes (transactions
    cost twice, as on AWS). ``label`` names the function a thread is running.
    """

    def __init__(self, *, capacity: bool = False) -> None:
        self.counts: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        self.units: dict[str, float] = defaultdict(float)
        self.capacity = capacity
        self._local = threading.local()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> None:
        self._local.name = name

    def current(self) -> str | None:
        return getattr(self._local, "name", None)

    def install(self) -> None:
        import botocore.client

        self._follow_into_pools()

        original = botocore.client.BaseClient._make_api_call
        counter = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            counter.record(service, operation, params)
            metered = (counter.capacity and service == "dynamodb"
                       and operation in CAPACITY_READS | CAPACITY_WRITES)
            if metered:
                params = {**params, "ReturnConsumedCapacity": "TOTAL"}
            result = original(client, operation, params)
            if metered:
                keys = (sum(len(v.get("Keys", ())) for v in params["RequestItems"].values())
                        if operation == "BatchGetItem"
                        else sum(len(v) for v in params["RequestItems"].values())
                        if operation == "BatchWriteItem"
                        else len(params["TransactItems"])
                        if operation == "TransactWriteItems" else 1)
                counter.consumed(service, operation, result.get("ConsumedCapacity"), keys)
            return result

        botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        who = getattr(self._local, "name", None) or "api"
        key = f"{who}:{service}:{operation}"
        items = 1
        if operation == "BatchWriteItem":
            items = sum(len(v) for v in params.get("RequestItems", {}).values())
        elif operation == "TransactWriteItems":
            items = len(params.get("TransactItems", []))
        with self._lock:
            self.counts[key] += 1
            self.items[key] += int(items)

    def _follow_into_pools(self) -> None:
        """A function's label follows the work it hands to a thread pool (the stream's
        and the sweep's parallel writes are the function's calls, not the API's)."""
        from concurrent.futures import ThreadPoolExecutor

        if getattr(ThreadPoolExecutor.submit, "_labelled", False):
            return
        original = ThreadPoolExecutor.submit
        counter = self

        def submit(pool: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            name = counter.current()
            if name is None:
                return original(pool, fn, *args, **kwargs)

            def labelled(*a: Any, **kw: Any) -> Any:
                counter.label(name)
                try:
                    return fn(*a, **kw)
                finally:
                    counter.label(None)

            return original(pool, labelled, *args, **kwargs)

        submit._labelled = True  # type: ignore[attr-defined]
        ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]

    def consumed(self, service: str, operation: str, consumed: Any, keys: int = 1) -> None:
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        units = sum(float(e.get("CapacityUnits", 0.0)) for e in entries)
        if operation in CAPACITY_READS:
            # DynamoDB charges a read for a key it did not find (0.5 unit, eventually
            # consistent); DynamoDB Local reports 0 for those
            units = max(units, 0.5 * keys)
        else:
            # AWS's minimum: a unit per item written, two in a transaction. DynamoDB Local
            # under-reports large transactions (100 puts: 16 units), never single writes.
            units = max(units, (2 if operation == "TransactWriteItems" else 1) * keys)
        who = getattr(self._local, "name", None) or "api"
        with self._lock:
            self.units[f"{who}:{service}:{operation}"] += units

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"calls": dict(self.counts), "items": dict(self.items),
                    "units": dict(self.units)}


class LocalRunner:
    def __init__(self, config: RunnerConfig) -> None:
        self.config = config
        self.cloud = LocalCloud(config.cloud)
        self.counter = CallCounter()
        self.resources: Provisioned | None = None
        self._pump_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._servers: list[Any] = []
        self._pollers: list[Any] = []
        self._handlers: dict[str, Any] = {}

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        iam_record.install_from_env()  # tests: every AWS call each function makes
        self.cloud.start()
        self.cloud.apply_env()
        os.environ.update(stage_environment(self.config.stage))
        os.environ["TALENTLOOP_VENDOR_BASE_URL"] = f"{self.config.api_url}/vendor"
        os.environ["TALENTLOOP_PUBLIC_API_URL"] = self.config.api_url
        self.counter.install()
        self.resources = provision(self.config.stage)
        self._load_app()
        self._build_pollers()
        self._serve_api()
        self._serve_control()
        if self.config.pump:
            self._spawn("pump", self._pump_forever)
        if self.config.schedule:
            self._spawn("scheduler", self._schedule_forever)

    def stop(self) -> None:
        self._stop.set()
        for server in self._servers:
            server.shutdown()
        for thread in self._threads:
            deadline = time.monotonic() + 10
            while thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)  # not join(timeout): see _pause
        self.cloud.stop()

    def __enter__(self) -> LocalRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- wiring --------------------------------------------------------------------------
    def _load_app(self) -> None:
        from chalicelib import bootstrap
        from chalicelib.config import Settings

        bootstrap.use(bootstrap.Container(Settings.from_env()))
        import app as app_module
        from chalicelib.triggers import (
            exports,
            hooks,
            imports,
            pool_schedule,
            retention,
            schedule,
            sender,
            stream,
            vendor_poll,
        )

        self.app = app_module.app
        self._handlers = {
            "sweep": schedule.sweep,
            "stream": stream.stream_handler,
            "sender": sender.sender_handler,
            "exporter": exports.exporter_handler,
            "importer": imports.importer_handler,
            "export_schedule": exports.export_schedule,
            "retention": retention.retention,
            "pool_reengage": pool_schedule.pool_reengage,
            "hook_sender": hooks.hook_sender_handler,
            "vendor_poll": vendor_poll.vendor_poll,
        }

    def _labelled(self, name: str) -> Any:
        handler = self._handlers[name]

        def invoke(event: dict[str, Any], context: Any) -> Any:
            self.counter.label(name)
            try:
                return handler(event, context)
            finally:
                self.counter.label(None)

        return invoke

    def _build_pollers(self) -> None:
        assert self.resources is not None
        data = self.config.cloud.data_dir
        streams = boto3.client("dynamodbstreams")
        sqs = boto3.client("sqs")
        # shaped as infra/definition.py's event source mappings: batch sizes, the stream's
        # parallelization factor, each queue's maximum concurrency
        stream_mapping = RESOURCES.stream_mapping
        self._pollers = [
            StreamPoller(
                streams,
                self.resources.stream_arn,
                self._labelled("stream"),
                checkpoint_path=None
                if self.config.cloud.in_memory
                else data / f"stream-checkpoint-{self.config.stage}.json",
                on_failure=self._stream_failures,
                batch_size=stream_mapping.batch_size,
                max_retries=stream_mapping.retry_attempts,
                parallelization_factor=stream_mapping.parallelization_factor,
            ),
            *(
                QueuePoller(
                    sqs,
                    url,
                    self._labelled(mapping.function),
                    queue_arn=arn,
                    batch_size=mapping.batch_size,
                    concurrency=mapping.max_concurrency,
                )
                for url, arn, mapping in (
                    (self.resources.outbox_queue_url, self.resources.outbox_queue_arn,
                     RESOURCES.outbox_mapping),
                    (self.resources.exports_queue_url, self.resources.exports_queue_arn,
                     RESOURCES.exports_mapping),
                    (self.resources.imports_queue_url, self.resources.imports_queue_arn,
                     RESOURCES.imports_mapping),
                    (self.resources.hooks_queue_url, self.resources.hooks_queue_arn,
                     RESOURCES.hooks_mapping),
                )
            ),
        ]

    def _stream_failures(self, records: list[dict[str, Any]]) -> None:
        """Like the on-failure destination: failed records' metadata to the failure queue."""
        assert self.resources is not None
        body = json.dumps(
            {
                "records": [
                    {
                        "eventID": r.get("eventID"),
                        "SequenceNumber": r["dynamodb"].get("SequenceNumber"),
                    }
                    for r in records
                ]
            }
        )
        boto3.client("sqs").send_message(
            QueueUrl=self.resources.stream_failure_queue_url, MessageBody=body
        )
        log.error("stream records sent to the failure queue: %s", body)

    def _serve_api(self) -> None:
        from chalice.cli.factory import CLIFactory
        from chalice.local import create_local_server

        config = CLIFactory(project_dir=str(ROOT)).create_config_obj(
            chalice_stage_name=self.config.stage
        )
        server = create_local_server(self.app, config, self.config.cloud.host, self.config.api_port)
        from infra.local.vendor_sim import (
            SimConfig,
            VendorSimulator,
            http_transport,
            table_secrets,
        )

        # the interview vendor at <api>/vendor/ (the candidate's page, its webhooks, its API)
        self.simulator = VendorSimulator(http_transport(self.config.api_url), table_secrets(),
                                         SimConfig.from_env())
        server.server.RequestHandlerClass = functools.partial(  # quiet: no access log
            _QuietHandler, app_object=self.app, config=config, simulator=self.simulator
        )
        self._servers.append(server)
        self._spawn("api", server.serve_forever)

    def _serve_control(self) -> None:
        runner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _reply(self, status: int, payload: Any) -> None:
                body = json.dumps(payload, ensure_ascii=False, default=str).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/health":
                    self._reply(200, {"ok": True, "api": runner.config.api_url})
                elif url.path == "/outbox":
                    self._reply(200, {"messages": runner.cloud.sent_messages()})
                elif url.path == "/stats":
                    self._reply(200, runner.counter.snapshot())
                else:
                    self._reply(404, {"error": {"code": "not_found", "message": url.path}})

            def do_POST(self) -> None:
                url = urlparse(self.path)
                query = parse_qs(url.query)
                try:
                    if url.path == "/tick":
                        at = query.get("at", [None])[0]
                        self._reply(200, runner.tick(_parse_at(at)))
                    elif url.path == "/drain":
                        timeout = float(query.get("timeout", ["1200"])[0])
                        self._reply(200, {"delivered": runner.drain(timeout)})
                    else:
                        self._reply(404, {"error": {"code": "not_found", "message": url.path}})
                except ValueError as err:
                    self._reply(400, {"error": {"code": "invalid_time", "message": str(err)}})

        server = ThreadingHTTPServer((self.config.cloud.host, self.config.control_port), Handler)
        server.daemon_threads = True
        self._servers.append(server)
        self._spawn("control", server.serve_forever)

    def _spawn(self, name: str, target: Any) -> None:
        thread = threading.Thread(target=target, name=f"talentloop-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- the glue ------------------------------------------------------------------------
    def tick(self, at: datetime | None = None) -> dict[str, Any]:
        """Fire the scheduled functions at `at` (default now), then drain until quiet."""
        at = at or datetime.now(UTC)
        from infra.local.glue import LambdaContext

        with self._pump_lock:
            drain(self._pollers, timeout_s=1200)  # what the API wrote, on the wall clock
            RECORD_TIMES.clock = lambda: at  # what the scheduled functions write happens at `at`
            try:
                event = scheduled_event("sweep", at, self.config.stage)
                report = self._labelled("sweep")(event, LambdaContext("sweep"))
                others = {}
                for name, expression in RESOURCES.schedules.items():  # as EventBridge would
                    if name != "sweep" and fires_at(expression, at):
                        others[name] = self._labelled(name)(
                            scheduled_event(name, at, self.config.stage), LambdaContext(name))
                delivered = drain(self._pollers, timeout_s=1200)
            finally:
                RECORD_TIMES.clock = None
        return {"at": at.isoformat(), "sweep": report, "delivered": delivered,
                **({"scheduled": others} if others else {})}

    def drain(self, timeout_s: float = 1200) -> int:
        with self._pump_lock:
            return drain(self._pollers, timeout_s=timeout_s)

    def _pause(self, seconds: float) -> bool:
        """Sleep up to `seconds` in short steps; True once stopped. Not `Event.wait(timeout)`:
        Python 3.11's timed waits use sem_clockwait(CLOCK_MONOTONIC), which libfaketime does
        not intercept, so under `make test-shifted` (a faked monotonic clock 400 days ahead)
        such a wait never woke up and the glue stalled after its first idle poll."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, 0.05))
        return True

    def _pump_forever(self) -> None:
        while not self._stop.is_set():
            delivered = 0
            with self._pump_lock:
                for poller in self._pollers:
                    try:
                        delivered += poller.poll_once()
                    except Exception:  # keep the glue alive, like AWS would
                        log.exception("poller failed")
            if not delivered:
                self._pause(0.2)

    def _schedule_forever(self) -> None:
        while not self._stop.is_set():
            wait = 60 - (time.time() % 60)
            if self._pause(wait):
                return
            try:
                self.tick()
            except Exception:
                log.exception("scheduled tick failed")


def _quiet_handler_base() -> Any:
    from chalice.local import ChaliceRequestHandler

    return ChaliceRequestHandler


class _QuietHandler(_quiet_handler_base()):  # type: ignore[misc]
    """Chalice's local server, closer to API Gateway: its own gateway errors (no key, a
    refused key, no such resource) answer the deployed stack's gateway responses
    (infra/gateway_errors.py), and methods it does not know (TRACE, QUERY) reach the app, which
    answers the uniform 405 instead of BaseHTTPServer's HTML 501. The vendor simulator answers
    under /vendor/."""

    def __init__(self, *args: Any, simulator: Any = None, **kwargs: Any) -> None:
        self.simulator = simulator
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send_error_response(self, error: Any) -> None:
        from infra.gateway_errors import local_error_body

        error_type = str((error.headers or {}).get("x-amzn-ErrorType", ""))
        status, body = local_error_body(int(error.CODE), error_type)
        headers = {k: v for k, v in (error.headers or {}).items() if k != "x-amzn-ErrorType"}
        self._send_http_response(status, {**headers, "Content-Type": "application/json"}, body)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # TRACE, QUERY...: BaseHTTPRequestHandler looks them up
            return self._generic_handle
        raise AttributeError(name)

    def _generic_handle(self) -> None:
        if self.simulator is None or not self.path.startswith("/vendor/"):
            super()._generic_handle()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, content_type, payload = self.simulator.handle(self.command, self.path, body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _generic_handle


def scheduled_event(name: str, at: datetime, stage: str) -> dict[str, Any]:
    """EventBridge's scheduled event shape."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/talentloop-{stage}-{name}"],
        "detail": {},
    }


def _parse_at(value: str | None) -> datetime | None:
    if not value:
        return None
    from chalicelib.clock import parse_instant

    return parse_instant(value)
