"""`python -m infra.local <command>`: the local cloud's command line.

run                      start DynamoDB Local, moto, the API, the glue; stay in the
                         foreground (Ctrl-C stops everything it started)
tick [--at TIME]         fire the scheduled functions at TIME (default now), drain
outbox [--json]          every email and SMS handed to SES / SNS
create-tenant NAME       create a tenant; prints its admin API key and webhook secret
create-key TENANT ROLE   another API key (admin, recruiter, finance, interviewer)
                         (the full operator tool: python -m infra.ops ... --local)
demo                     the seed's scenario end to end (500 invited, 72 no-shows)
parked [--requeue]       due items the sweep parked after they kept failing (requeue: due now)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from infra.local.runner import ROOT, LocalRunner, RunnerConfig, stage_environment


def control(path: str, method: str = "GET", timeout: float = 600) -> Any:
    config = RunnerConfig.from_env()
    request = urllib.request.Request(config.control_url + path, method=method)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def running() -> bool:
    try:
        control("/health", timeout=2)
    except (urllib.error.URLError, OSError):
        return False
    return True


def tenant_service() -> Any:
    """Tenant admin talks to the table directly (locally: DynamoDB Local's endpoint)."""
    return local_container().tenants


def local_container() -> Any:
    """A container on the local cloud's endpoints (for the commands that use the table)."""
    from infra.local.cloud import LocalCloud

    config = RunnerConfig.from_env()
    for key, value in LocalCloud(config.cloud).endpoint_env().items():
        os.environ.setdefault(key, value)
    for key, value in stage_environment(config.stage).items():
        os.environ.setdefault(key, value)
    from chalicelib.bootstrap import Container
    from chalicelib.config import Settings

    return Container(Settings.from_env())


def demo_tenant_file(config: RunnerConfig) -> Path:
    return config.cloud.data_dir / f"demo-tenant-{config.stage}.json"


def ensure_demo_tenant(config: RunnerConfig) -> dict[str, Any]:
    path = demo_tenant_file(config)
    if path.exists():
        saved: dict[str, Any] = json.loads(path.read_text())
        return saved
    tenant: dict[str, Any] = tenant_service().create_tenant("Demo Company")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tenant, indent=2))
    path.chmod(0o600)
    return tenant


def cmd_run(args: argparse.Namespace) -> int:
    config = RunnerConfig.from_env()
    runner = LocalRunner(config)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # a shell that starts us in the background sets SIGINT to "ignore"; Ctrl-C must work
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    runner.start()
    try:
        tenant = ensure_demo_tenant(config)
        print(
            f"""
TalentLoop local cloud is up.
  API            {config.api_url}     (OpenAPI: {config.api_url}/openapi.json)
  HR console     {config.api_url}/console  (sign in with the demo API key below)
  vendor (sim)   {config.api_url}/vendor/i/<invitation id>  (the candidate's interview page)
  control        {config.control_url}  (/outbox, /stats, POST /tick?at=...)
  DynamoDB Local {runner.cloud.endpoint_env()["AWS_ENDPOINT_URL_DYNAMODB"]}
  moto (SES/SNS/SQS/S3) {runner.cloud.endpoint_env()["AWS_ENDPOINT_URL_SQS"]}
  data           {config.cloud.data_dir}
Demo tenant {tenant["tenant_id"]} ({demo_tenant_file(config)}):
  API key        {tenant["api_key"]}
  webhook secret {tenant["webhook_secret"]}
Try:  curl -s {config.api_url}/openapi.json | head -c 300
      make tick AT={_tomorrow_morning()}     make outbox     make demo
Ctrl-C stops everything.""",
            flush=True,
        )
        while not stop.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping...", flush=True)
        runner.stop()
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    query = f"?at={urllib.parse.quote(args.at)}" if args.at else ""
    print(json.dumps(control(f"/tick{query}", method="POST"), indent=2, ensure_ascii=False))
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    messages = control("/outbox")["messages"]
    if args.json:
        print(json.dumps(messages, indent=2, ensure_ascii=False))
        return 0
    for m in messages:
        to = m["to"] if isinstance(m["to"], str) else ", ".join(m["to"])
        what = m.get("subject") or (m.get("text") or m.get("body") or "")[:60]
        print(
            f"{m.get('time') or '-':25} {m['channel']:5} {to:38} {what}  "
            f"[{m['provider_message_id']}]"
        )
    print(f"{len(messages)} messages")
    return 0


def cmd_create_tenant(args: argparse.Namespace) -> int:
    tenant = tenant_service().create_tenant(
        args.name, default_locale=args.locale, timezone=args.timezone,
        quiet_hours=args.quiet_hours,
    )
    print(json.dumps(tenant, indent=2))
    return 0


def cmd_create_key(args: argparse.Namespace) -> int:
    key = tenant_service().create_key(args.tenant_id, args.role, args.label,
                                      args.campaign or None)
    print(json.dumps(key, indent=2))
    return 0


def cmd_parked(args: argparse.Namespace) -> int:
    """Due items the sweep parked after they kept failing; --requeue makes them due now."""
    made = local_container()
    sweep = made.sweep
    if args.requeue:
        print(json.dumps({"requeued": sweep.requeue_parked(made.clock.now())}))
        return 0
    print(json.dumps(sweep.parked(), indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from infra.local.demo import run_demo

    return run_demo()


def _tomorrow_morning() -> str:
    """The example tick in the banner: 09:00 tomorrow in China (the seed's zone)."""
    china = timezone(timedelta(hours=8))
    day = (datetime.now(UTC).astimezone(china) + timedelta(days=1)).date()
    return f"{day.isoformat()}T09:00:00+08:00"


def main(argv: list[str] | None = None) -> int:
    os.chdir(ROOT)
    parser = argparse.ArgumentParser(
        prog="python -m infra.local",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").set_defaults(func=cmd_run)
    tick = sub.add_parser("tick")
    tick.add_argument("--at", help="ISO-8601 time with offset, e.g. 2026-12-01T09:00:00+08:00")
    tick.set_defaults(func=cmd_tick)
    outbox = sub.add_parser("outbox")
    outbox.add_argument("--json", action="store_true")
    outbox.set_defaults(func=cmd_outbox)
    tenant = sub.add_parser("create-tenant")
    tenant.add_argument("name")
    tenant.add_argument("--locale", default="en", choices=["en", "zh-CN"])
    tenant.add_argument("--timezone", default="UTC")
    tenant.add_argument("--quiet-hours", help='default for its campaigns, e.g. "22:00-07:00" '
                        "or \"off\" (default 21:00-08:00, in each candidate's time zone)")
    tenant.set_defaults(func=cmd_create_tenant)
    key = sub.add_parser("create-key")
    key.add_argument("tenant_id")
    key.add_argument("role", choices=["admin", "recruiter", "finance", "interviewer"])
    key.add_argument("--campaign", action="append",
                     help="interviewer keys: a campaign it may read (repeat for several)")
    key.add_argument("--label")
    key.set_defaults(func=cmd_create_key)
    parked = sub.add_parser("parked")
    parked.add_argument("--requeue", action="store_true")
    parked.set_defaults(func=cmd_parked)
    sub.add_parser("demo").set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except urllib.error.URLError as err:
        print(
            f"the local cloud is not running ({err.reason}); start it with `make run`",
            file=sys.stderr,
        )
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
