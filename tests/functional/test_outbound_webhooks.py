"""Outbound webhooks against a real receiver on loopback (tests/functional/hook_receiver.py):
signed Standard Webhooks deliveries from the table's stream through the hooks queue, retried
on the spec's schedule with the same webhook-id, Retry-After, 3xx not followed, timeouts,
410 and persistent failure disabling the endpoint with an email, the delivery log, replay,
the SSRF guard on every delivery, and no duplicate delivery of a record seen twice.

The tests that walk the 27-hour schedule move the clock instead of waiting: their queue is a
recording stand-in that caps delays at SQS's 15 minutes, like SQS, and each message is handed
to the hook sender's Lambda handler when its delay has passed on the clock."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.clock import FixedClock
from chalicelib.hooks.domain.retries import SCHEDULE, DisableRule
from chalicelib.shared.adapters.http_poster import HttpPoster
from chalicelib.shared.models import MarkerItem
from chalicelib.triggers.hooks import hook_sender_handler
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import LambdaContext, QueuePoller, drain
from tests.functional.conftest import T0, Glue, TenantApi
from tests.functional.hook_receiver import Receiver, Reply, receiving

MAX_DELAY_S = 900


class RecordingQueue:
    """The hooks queue as the sender sees it, delays capped like SQS's DelaySeconds."""

    def __init__(self) -> None:
        self.messages: list[tuple[dict[str, Any], int]] = []

    def send(self, bodies: list[dict[str, Any]], delay_s: int = 0) -> list[int]:
        self.messages += [(body, min(MAX_DELAY_S, int(delay_s))) for body in bodies]
        return []


class Notices:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, text: str) -> str:
        self.sent.append((to, subject, text))
        return "notice-1"


def sqs_event(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": [{"messageId": str(uuid.uuid4()), "receiptHandle": "r",
                         "body": json.dumps(b), "attributes": {"ApproximateReceiveCount": "1"},
                         "messageAttributes": {}, "eventSource": "aws:sqs"} for b in bodies]}


def run_queue(queue: RecordingQueue, clock: FixedClock, limit: int = 200) -> int:
    """Hand each message to the handler once its delay has passed on the clock."""
    handled = 0
    while queue.messages and handled < limit:
        body, delay = queue.messages.pop(0)
        clock.set(clock.now() + timedelta(seconds=delay))
        result = hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender"))
        assert result == {"batchItemFailures": []}
        handled += 1
    return handled


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as rx:
        yield rx


@pytest.fixture
def queue(container: bootstrap.Container) -> RecordingQueue:
    recording = RecordingQueue()
    container.overrides.update(hook_queue=recording)
    return recording


@pytest.fixture
def notices(container: bootstrap.Container) -> Notices:
    fake = Notices()
    container.overrides.update(hook_notice=fake)
    return fake


def register(api: TenantApi, receiver: Receiver, path: str = "/hr",
             events: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    response = api.post("/webhook-endpoints", {
        "url": receiver.url + path, "events": events or ["invitation.no_show"], **extra})
    assert response.status_code == 201, response.body
    created: dict[str, Any] = response.json_body
    receiver.secret = created["secret"]
    return created


def deliveries(api: TenantApi, endpoint_id: str) -> list[dict[str, Any]]:
    response = api.get(f"/webhook-endpoints/{endpoint_id}/deliveries")
    assert response.status_code == 200, response.body
    items: list[dict[str, Any]] = response.json_body["items"]
    return items


def ping(api: TenantApi, endpoint_id: str) -> dict[str, Any]:
    response = api.post(f"/webhook-endpoints/{endpoint_id}/ping", {})
    assert response.status_code == 202, response.body
    body: dict[str, Any] = response.json_body
    return body


def hooks_poller(local_cloud: Any) -> QueuePoller:
    res = local_cloud.resources
    return QueuePoller(boto3.client("sqs"), res.hooks_queue_url, hook_sender_handler,
                       queue_arn=res.hooks_queue_arn)


# -- through the stream and the real hooks queue ----------------------------------------------
def test_a_no_show_reaches_the_receiver_signed_and_a_500_is_retried_with_the_same_id(
        api: TenantApi, glue: Glue, clock: FixedClock, receiver: Receiver,
        local_cloud: Any) -> None:
    # GIVEN an endpoint for no-shows whose receiver fails once, then accepts
    receiver.answer(Reply(500), then=Reply(204))
    hook = register(api, receiver)
    campaign = api.campaign()
    tid = api.tenant["tenant_id"]
    api.invite(campaign["id"], [{"name": "A", "email": f"a.{tid}@example.com"}])
    glue.drain()
    poller = hooks_poller(local_cloud)
    # WHEN the deadline passes (the sweep turns it no_show; the stream makes the delivery)
    due = T0 + timedelta(hours=72, minutes=1)
    clock.set(due)
    glue.tick(due)
    drain([glue.stream, poller])
    # THEN the first attempt got the 500; the retry is an SQS message delayed ~5 s
    assert len(receiver.at("/hr")) == 1
    clock.set(due + timedelta(seconds=6))
    deadline = time.monotonic() + 20
    while len(receiver.at("/hr")) < 2 and time.monotonic() < deadline:
        drain([poller], quiet_rounds=1)
        time.sleep(0.2)
    got = receiver.at("/hr")
    assert len(got) == 2
    assert all(r.verified for r in got), "the receiver verified every signature"
    assert got[0].headers["webhook-id"] == got[1].headers["webhook-id"]
    payload = json.loads(got[1].body)
    assert payload["type"] == "invitation.no_show"
    assert payload["data"]["campaign_id"] == campaign["id"]
    [log] = deliveries(api, hook["id"])
    assert log["id"] == got[0].headers["webhook-id"]
    assert (log["status"], log["attempts"]) == ("delivered", 2)
    assert [a["status_code"] for a in log["attempt_log"]] == [500, 204]


def test_a_stream_record_seen_twice_and_a_duplicate_message_deliver_once(
        api: TenantApi, glue: Glue, clock: FixedClock, receiver: Receiver,
        local_cloud: Any) -> None:
    # GIVEN an endpoint for budget thresholds, and billing's marker as the stream shows it
    hook = register(api, receiver, events=["budget.threshold"])
    tid = api.tenant["tenant_id"]
    pk, sk = MarkerItem.key(f"T#{tid}#BUDGET", "ALERT#2026-11#80")
    record = {"eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
              "dynamodb": {"ApproximateCreationDateTime": T0.timestamp(),
                           "Keys": {"pk": {"S": pk}, "sk": {"S": sk}},
                           "NewImage": MarkerItem(pk, sk).serialize(),
                           "SequenceNumber": "000000000000000000001",
                           "StreamViewType": "NEW_AND_OLD_IMAGES"}}
    # WHEN Lambda hands the same record over twice (a retried batch)
    for _ in range(2):
        assert stream_handler({"Records": [record]}, LambdaContext("stream")) == \
            {"batchItemFailures": []}
    # and the queue delivers the delivery's message twice as well
    [log] = deliveries(api, hook["id"])
    boto3.client("sqs").send_message(
        QueueUrl=local_cloud.resources.hooks_queue_url,
        MessageBody=json.dumps({"tenant_id": tid, "endpoint_id": hook["id"],
                                "message_id": log["id"]}))
    drain([hooks_poller(local_cloud)])
    # THEN the receiver got it exactly once
    got = receiver.at("/hr")
    assert len(got) == 1 and got[0].verified
    assert json.loads(got[0].body)["data"] == {"month": "2026-11", "threshold_percent": 80}


# -- the schedule, on the clock ----------------------------------------------------------------
def test_persistent_failure_follows_the_schedule_then_disables_emails_and_replays(
        api: TenantApi, container: bootstrap.Container, clock: FixedClock,
        receiver: Receiver, queue: RecordingQueue, notices: Notices) -> None:
    # GIVEN a receiver that always fails, and "disable after one exhausted message"
    receiver.answer(then=Reply(500))
    hook = register(api, receiver, alert_email="owner@example.com")
    container.hook_sender.rule = DisableRule(messages=1)
    # WHEN a delivery is made and every attempt fails
    ping(api, hook["id"])
    run_queue(queue, clock)
    # THEN 8 attempts, on the schedule (with jitter; a long wait hops in <= 15 min steps)
    got = receiver.at("/hr")
    assert len(got) == 8
    assert len({r.headers["webhook-id"] for r in got}) == 1
    assert all(r.verified for r in got)
    [log] = deliveries(api, hook["id"])
    assert (log["status"], log["attempts"]) == ("failed", 8)
    times = [datetime.fromisoformat(a["at"]) for a in log["attempt_log"]]
    for gap, wait in zip([b - a for a, b in itertools.pairwise(times)],
                         SCHEDULE[1:], strict=True):
        assert wait * 0.9 - timedelta(seconds=1) <= gap <= wait * 1.1 + timedelta(seconds=5)
    # the endpoint is disabled and its owner told, once
    endpoint = api.get(f"/webhook-endpoints/{hook['id']}").json_body
    assert (endpoint["status"], endpoint["disabled_reason"]) == ("disabled", "failing")
    assert [(to, subject) for to, subject, _ in notices.sent] == \
        [("owner@example.com", "TalentLoop webhook endpoint disabled")]
    refused = api.post(f"/webhook-endpoints/{hook['id']}/ping", {})
    assert refused.status_code == 409
    assert refused.json_body["error"]["code"] == "endpoint_disabled"
    # WHEN the tenant fixes the receiver, enables the endpoint and replays the delivery
    receiver.answer(then=Reply(200))
    enabled = api.client.http.patch(f"/webhook-endpoints/{hook['id']}",
                                    headers=api.headers(), body=b'{"enabled": true}')
    assert enabled.json_body["status"] == "enabled"
    replayed = api.post(f"/webhook-endpoints/{hook['id']}/deliveries/{log['id']}/replay", {})
    assert replayed.status_code == 202, replayed.body
    run_queue(queue, clock)
    # THEN it arrives, with the same webhook-id
    assert receiver.received[-1].headers["webhook-id"] == log["id"]
    [after] = deliveries(api, hook["id"])
    assert (after["status"], after["attempts"]) == ("delivered", 9)


def test_410_disables_the_endpoint_at_once_and_emails_the_owner_through_ses(
        api: TenantApi, container: bootstrap.Container, clock: FixedClock,
        receiver: Receiver, queue: RecordingQueue, local_cloud: Any) -> None:
    # GIVEN (the real SES adapter: the permission check sees the hook sender's email)
    receiver.answer(then=Reply(410))
    owner = f"owner.{api.tenant['tenant_id']}@example.com"
    hook = register(api, receiver, alert_email=owner)
    # WHEN
    ping(api, hook["id"])
    run_queue(queue, clock)
    # THEN one attempt, no retry, the endpoint disabled, the owner told
    assert len(receiver.at("/hr")) == 1
    [log] = deliveries(api, hook["id"])
    assert (log["status"], log["last_status_code"]) == ("failed", 410)
    endpoint = api.get(f"/webhook-endpoints/{hook['id']}").json_body
    assert (endpoint["status"], endpoint["disabled_reason"]) == ("disabled", "gone")
    mails = [m for m in local_cloud.cloud.sent_messages() if m.get("to") == [owner]
             or m.get("to") == owner]
    assert len(mails) == 1 and "410 Gone" in mails[0]["text"]


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
        api: TenantApi, clock: FixedClock, receiver: Receiver, queue: RecordingQueue,
        notices: Notices) -> None:
    receiver.answer(Reply(302, {"Location": receiver.url + "/elsewhere"}), then=Reply(200))
    hook = register(api, receiver)
    ping(api, hook["id"])
    body, _ = queue.messages.pop(0)
    hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender"))
    assert receiver.at("/elsewhere") == []
    [log] = deliveries(api, hook["id"])
    assert (log["status"], log["last_status_code"]) == ("pending", 302)
    [(_, retry_delay)] = queue.messages
    assert 4 <= retry_delay <= 6  # the schedule's 5 s, jittered


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
        api: TenantApi, container: bootstrap.Container, clock: FixedClock,
        receiver: Receiver, queue: RecordingQueue, notices: Notices) -> None:
    container.overrides.update(hook_poster=HttpPoster(timeout_s=0.3, allow_loopback=True))
    receiver.answer(Reply(200, delay_s=1.5), then=Reply(200))
    hook = register(api, receiver)
    ping(api, hook["id"])
    started = time.monotonic()
    body, _ = queue.messages.pop(0)
    hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender"))
    assert time.monotonic() - started < 1.2
    [log] = deliveries(api, hook["id"])
    assert log["status"] == "pending"
    assert log["attempt_log"][0]["error"] == "timeout"
    assert log["attempt_log"][0]["status_code"] is None


def test_retry_after_pushes_the_next_attempt_out(
        api: TenantApi, clock: FixedClock, receiver: Receiver, queue: RecordingQueue,
        notices: Notices) -> None:
    receiver.answer(Reply(503, {"Retry-After": "120"}), then=Reply(200))
    hook = register(api, receiver)
    ping(api, hook["id"])
    body, _ = queue.messages.pop(0)
    hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender"))
    [(_, retry_delay)] = queue.messages
    assert retry_delay == 120  # not the schedule's 5 s
    [log] = deliveries(api, hook["id"])
    assert datetime.fromisoformat(log["next_attempt_at"]) == clock.now() + timedelta(seconds=120)


# -- the SSRF guard ----------------------------------------------------------------------------
def test_the_ssrf_guard_checks_the_resolved_address_on_every_delivery(
        api: TenantApi, container: bootstrap.Container, clock: FixedClock,
        receiver: Receiver, queue: RecordingQueue, notices: Notices) -> None:
    # GIVEN an endpoint registered while loopback was allowed, by a name, not an address
    port = receiver.url.rsplit(":", 1)[1]
    created = api.post("/webhook-endpoints", {"url": f"http://localhost:{port}/hr",
                                              "events": ["export.ready"]})
    assert created.status_code == 201, created.body
    # WHEN delivering as production does (https only, public addresses only)
    container.hook_sender.allow_loopback = False
    container.hook_sender.poster = HttpPoster(timeout_s=2, allow_loopback=False)
    from chalicelib.hooks.models import HookEndpointItem

    item = container.hook_store.endpoint(api.tenant["tenant_id"], created.json_body["id"])
    assert item is not None
    container.hook_store.change_endpoint(item, [HookEndpointItem.url.set(
        f"https://localhost:{port}/hr")])  # https, so only the address check can refuse it
    ping(api, created.json_body["id"])
    body, _ = queue.messages.pop(0)
    hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender"))
    # THEN nothing reached the receiver: localhost resolves to loopback
    assert receiver.received == []
    [log] = deliveries(api, created.json_body["id"])
    assert log["attempt_log"][0]["error"] == "forbidden_target"


@pytest.mark.parametrize(("url", "code"), [
    ("http://127.0.0.1:9/hr", "insecure_url"),
    ("https://10.0.0.1/hr", "forbidden_target"),
    ("https://169.254.169.254/latest", "forbidden_target"),
    ("https://localhost/hr", "forbidden_target"),
])
def test_production_refuses_private_and_plain_http_targets_at_registration(
        api: TenantApi, container: bootstrap.Container, url: str, code: str) -> None:
    container.webhook_endpoints.allow_loopback = False
    container.webhook_endpoints.poster = HttpPoster(timeout_s=2, allow_loopback=False)
    response = api.post("/webhook-endpoints", {"url": url, "events": ["export.ready"]})
    assert response.status_code == 422  # well formed, but not a target this stage calls
    assert response.json_body["error"]["code"] == code


# -- the API -----------------------------------------------------------------------------------
def test_endpoints_crud_secret_shown_once_and_rotation_overlap(
        api: TenantApi, clock: FixedClock, receiver: Receiver, queue: RecordingQueue,
        notices: Notices) -> None:
    hook = register(api, receiver, events=["invitation.completed", "export.ready"],
                    description="ATS")
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) == 50
    listed = api.get("/webhook-endpoints").json_body["items"]
    assert [e["id"] for e in listed] == [hook["id"]]
    assert "secret" not in listed[0]
    bad = api.post("/webhook-endpoints", {"url": receiver.url, "events": ["invitation.opened"]})
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_failed"
    # rotate: both secrets sign during the overlap, so a receiver on either verifies
    old = hook["secret"]
    rotated = api.post(f"/webhook-endpoints/{hook['id']}/secret/rotate", {"overlap_hours": 1})
    assert rotated.status_code == 200 and rotated.json_body["secret"] != old
    ping(api, hook["id"])
    run_queue(queue, clock)
    assert receiver.received[-1].verified  # with the old secret
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 2
    # only admins manage endpoints
    recruiter = api.post("/tenant/keys", {"role": "recruiter"}).json_body["api_key"]
    denied = api.client.http.get("/webhook-endpoints",
                                 headers={"Authorization": f"Bearer {recruiter}"})
    assert denied.status_code == 403 and denied.json_body["error"]["code"] == "forbidden"
    # delete
    gone = api.client.http.delete(f"/webhook-endpoints/{hook['id']}", headers=api.headers())
    assert gone.status_code == 200
    missing = api.get(f"/webhook-endpoints/{hook['id']}")
    assert missing.status_code == 404
    assert missing.json_body["error"]["code"] == "endpoint_not_found"


def test_the_openapi_document_describes_the_webhook_endpoints(api: TenantApi) -> None:
    doc = api.client.http.get("/openapi.json").json_body
    paths = doc["paths"]
    for path in ("/webhook-endpoints", "/webhook-endpoints/{endpoint_id}",
                 "/webhook-endpoints/{endpoint_id}/deliveries",
                 "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/replay",
                 "/webhook-endpoints/{endpoint_id}/ping",
                 "/webhook-endpoints/{endpoint_id}/secret/rotate"):
        assert path in paths
    create = doc["components"]["schemas"]["CreateEndpoint"]["properties"]
    assert create["url"]["maxLength"] == 2048 and create["url"]["pattern"].startswith("^https?")
    assert "budget.threshold" in create["events"]["items"]["enum"]


def test_an_attempt_that_crashed_holding_its_claim_is_retried_not_dropped(
        api: TenantApi, container: bootstrap.Container, clock: FixedClock,
        receiver: Receiver, queue: RecordingQueue, notices: Notices) -> None:
    # GIVEN a delivery whose attempt claimed it and then died (the Lambda timed out)
    hook = register(api, receiver)
    ping(api, hook["id"])
    body, _ = queue.messages.pop(0)
    item = container.hook_store.delivery(api.tenant["tenant_id"], hook["id"],
                                         body["message_id"])
    assert item is not None
    assert container.hook_store.claim(item, clock.now(), clock.now() + timedelta(seconds=90))
    # WHEN its message comes again while the claim holds: failed (SQS offers it later)
    event = sqs_event([body])
    failed = hook_sender_handler(event, LambdaContext("hook_sender"))
    assert failed == {"batchItemFailures": [{"itemIdentifier":
                                             event["Records"][0]["messageId"]}]}
    assert receiver.received == []
    # THEN after the claim ran out (SQS's visibility timeout is longer) it is delivered
    clock.set(clock.now() + timedelta(minutes=6))
    assert hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender")) == \
        {"batchItemFailures": []}
    assert len(receiver.received) == 1
    # and the same message once more (a duplicate) sends nothing
    hook_sender_handler(sqs_event([body]), LambdaContext("hook_sender"))
    assert len(receiver.received) == 1


def test_a_ping_goes_from_the_api_through_the_real_queue(
        api: TenantApi, glue: Glue, receiver: Receiver, local_cloud: Any) -> None:
    # GIVEN (the API queues on the real hooks queue: the permission check sees it)
    hook = register(api, receiver, events=["export.ready"])
    # WHEN
    queued = ping(api, hook["id"])
    drain([hooks_poller(local_cloud)])
    # THEN
    [got] = receiver.at("/hr")
    assert got.verified and got.headers["webhook-id"] == queued["id"]
    assert json.loads(got.body)["type"] == "webhook.ping"
    assert deliveries(api, hook["id"])[0]["status"] == "delivered"


def test_the_delivery_log_pages_newest_first(api: TenantApi, glue: Glue, clock: FixedClock,
                                             receiver: Receiver) -> None:
    # GIVEN three pings a minute apart (queued, not sent)
    hook = register(api, receiver, events=["export.ready"])
    ids = []
    for minute in range(3):
        clock.set(T0 + timedelta(minutes=minute))
        ids.append(ping(api, hook["id"])["id"])
    path = f"/webhook-endpoints/{hook['id']}/deliveries"
    # WHEN the log is read two at a time THEN newest first, the cursor carries on
    first = api.get(f"{path}?limit=2").json_body
    assert [d["id"] for d in first["items"]] == [ids[2], ids[1]]
    assert first["next_cursor"]
    rest = api.get(f"{path}?limit=2&cursor={first['next_cursor']}").json_body
    assert [d["id"] for d in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    # AND a status filter, and a forged cursor is refused with the uniform error
    assert api.get(f"{path}?status=delivered").json_body == {"items": [], "next_cursor": None}
    forged = api.get(f"{path}?cursor=bm90LWpzb24")
    assert forged.status_code == 422 and forged.json_body["error"]["code"] == "invalid_cursor"
