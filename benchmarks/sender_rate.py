"""The sender against the emulator: messages per second per channel at the configured rates,
and duplicates (must be 0) when two senders race on one queue that delivers every message
twice.

Invites N candidates (email + SMS) on DynamoDB Local, lets the stream function fill the
outbox queue (moto SQS), then drains the queue with the real sender function three ways:
  1. paced at rates the emulator can exceed (BENCH_EMAIL_RATE / BENCH_SMS_RATE, default 5/s
     and 8/s): the achieved rate per channel must be at, not above, the configured one;
  2. unpaced (rate 0): what one sender does against the emulator;
  3. two senders in threads, with every queue message sent twice: duplicates counted as
     (invitation, channel) pairs that reached SES/SNS more than once, and outbox items
     marked sent without a provider id.

    BENCH_INVITES=150 python benchmarks/sender_rate.py      (~2 min)

Results: benchmarks/results/sender_rate.json
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

INVITES = int(os.environ.get("BENCH_INVITES", "150"))
EMAIL_RATE = float(os.environ.get("BENCH_EMAIL_RATE", "5"))
SMS_RATE = float(os.environ.get("BENCH_SMS_RATE", "8"))
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
_streams: Any = None


def sent_times(cloud: LocalCloud, tag: str, prefix: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"email": [], "sms": []}
    for message in cloud.sent_messages():
        to = message["to"] if message["channel"] == "sms" else ",".join(message["to"])
        if (tag in to or to.startswith(prefix)) and message.get("time"):
            out[message["channel"]].append(
                datetime.fromisoformat(message["time"]).timestamp())
    return out


def rate(times: list[float]) -> float:
    """Messages a second over the steady part (the first second's burst excluded)."""
    times = sorted(times)
    steady = [t for t in times if t >= times[0] + 1.0]
    if len(steady) < 2:
        return float("nan")
    return round((len(steady) - 1) / (steady[-1] - steady[0]), 2)


def run(cloud: LocalCloud, settings: Any, tag: str, phone_prefix: str, *, senders: int = 1,
        twice: bool = False) -> dict[str, Any]:
    import boto3

    from chalicelib import bootstrap
    from chalicelib.clock import FixedClock
    from chalicelib.triggers import sender, stream
    from infra.local.glue import QueuePoller, StreamPoller, drain

    container = bootstrap.Container(settings, clock=FixedClock(T0))
    bootstrap.use(container)
    tenant = container.tenants.create_tenant(f"Bench {tag}")
    tid = tenant["tenant_id"]
    position = container.catalog.create_position(tid, "Engineer", None, T0)
    campaign = container.catalog.create_campaign(
        tid, position_id=position["id"], name=tag, channels=["email", "sms"],
        window_hours=72, deadline_at=None, locale="en", now=T0)
    rows = [{"name": f"c{i}", "email": f"{tag}{i}@example.com",
             "phone": f"+86138{phone_prefix}{i:07d}"} for i in range(INVITES)]
    assert container.invitations.invite(tid, campaign["id"], rows, T0)["created"] == INVITES
    res = provision("test")
    sqs = boto3.client("sqs")
    global _streams
    if _streams is None:  # one poller for every run: each run sees only its new records
        _streams = StreamPoller(boto3.client("dynamodbstreams"), res.stream_arn,
                                stream.stream_handler, checkpoint_path=None)
    streams = _streams
    # hold the queue back until the outbox is complete, so only sending is timed
    queued: list[dict[str, Any]] = []
    original = container.queue.enqueue_many
    def hold(bodies: list[dict[str, Any]]) -> list[int]:
        queued.extend(bodies)
        return []

    container.queue.enqueue_many = hold
    drain([streams])
    print(f"{tag}: {len(queued)} outbox items queued", flush=True)
    container.queue.enqueue_many = original
    copies = 2 if twice else 1
    for _ in range(copies):
        assert container.queue.enqueue_many(list(queued)) == []
    pollers = [QueuePoller(sqs, res.outbox_queue_url, sender.sender_handler,
                           queue_arn=res.outbox_queue_arn) for _ in range(senders)]
    started = time.perf_counter()
    if senders == 1:
        drain(pollers, timeout_s=900)
    else:
        threads = [threading.Thread(target=drain, args=([p],), kwargs={"timeout_s": 900})
                   for p in pollers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.perf_counter() - started
    times = sent_times(cloud, tag, f"+86138{phone_prefix}")
    sent = sum(len(v) for v in times.values())
    per_pair: Counter[str] = Counter()
    for message in cloud.sent_messages():
        to = message["to"] if message["channel"] == "sms" else ",".join(message["to"])
        if tag in to or to.startswith(f"+86138{phone_prefix}"):
            per_pair[f"{message['channel']}:{to}"] += 1
    from chalicelib.invitations.models import OutboxItem

    items = [o for o in OutboxItem.scan(OutboxItem.tenant_id == tid)]
    bootstrap.use(None)
    return {"invitations": INVITES, "queue_messages": len(queued) * copies,
            "senders": senders, "seconds": round(seconds, 1),
            "messages_sent": sent, "messages_per_s": round(sent / seconds, 2),
            "email_per_s_steady": rate(times["email"]),
            "sms_per_s_steady": rate(times["sms"]),
            "duplicates": sum(n - 1 for n in per_pair.values() if n > 1),
            "sent_without_provider_id": sum(1 for o in items
                                            if o.status == "sent" and not o.provider_message_id),
            "outbox_items_sent": sum(1 for o in items if o.status == "sent")}


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-sender-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        provision("test")
        from chalicelib.config import Settings

        base = Settings.from_env()
        paced = run(cloud, dataclasses.replace(base, send_rate_email=EMAIL_RATE,
                                               send_rate_sms=SMS_RATE), "paced", "1")
        unpaced = run(cloud, dataclasses.replace(base, send_rate_email=0, send_rate_sms=0),
                      "unpaced", "2")
        racing = run(cloud, dataclasses.replace(base, send_rate_email=0, send_rate_sms=0),
                     "racing", "3", senders=2, twice=True)
    result = {"configured_rates": {"email": EMAIL_RATE, "sms": SMS_RATE},
              "paced": paced, "unpaced_one_sender": unpaced,
              "two_senders_every_message_queued_twice": racing,
              "note": "moto SES/SNS and DynamoDB Local on loopback; 2-core machine"}
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "sender_rate.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
