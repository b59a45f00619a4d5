"""The stream and queue functions as Lambda calls them: replayed stream records change
nothing, partial batch failures are reported, the sender retries throttling and gives up on
permanent errors without ever marking a message sent without a provider id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from chalicelib import bootstrap
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.domain.ports import PermanentSendError, TransientSendError
from chalicelib.triggers.sender import sender_handler
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import RECORD_TIMES, LambdaContext, StreamPoller, drain
from tests.functional.conftest import Glue, TenantApi, reset_watermark

EVENTS = Path(__file__).resolve().parents[1] / "events"


def counts(api: TenantApi, campaign_id: str) -> dict[str, int]:
    result: dict[str, int] = api.get(f"/campaigns/{campaign_id}").json_body["counts"]
    return result


def emails_to(local_cloud: Any, marker: str) -> int:
    return sum(1 for m in local_cloud.cloud.sent_messages()
               if m["channel"] == "email" and any(marker in t for t in m["to"]))


def test_replaying_the_stream_changes_nothing(api: TenantApi, glue: Glue,
                                             local_cloud: Any) -> None:
    # GIVEN a campaign whose invitations went out, one completed
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"R{i}", "email": f"r{i}.{tenant_id}@example.com"} for i in range(3)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    api.webhook("interview.completed", ids[0])
    glue.drain()
    before_counts, before_mail = counts(api, campaign["id"]), emails_to(local_cloud, tenant_id)

    # WHEN every stream record of this tenant is delivered again, from the start
    def only_this_tenant(event: dict[str, Any], context: Any) -> Any:
        mine = [r for r in event["Records"] if tenant_id in json.dumps(r["dynamodb"]["Keys"])]
        return stream_handler({"Records": mine}, context) if mine else None

    replay = StreamPoller(boto3.client("dynamodbstreams"), local_cloud.resources.stream_arn,
                          only_this_tenant, checkpoint_path=None)
    drain([replay, glue.queue])
    glue.drain()

    # THEN counts, tags and messages are exactly as before
    assert counts(api, campaign["id"]) == before_counts
    assert before_counts["sent"] == 2 and before_counts["completed"] == 1
    assert emails_to(local_cloud, tenant_id) == before_mail == 3
    pool = api.get(f"/talent-pool/candidates?tag=no_show&campaign_id={campaign['id']}")
    assert pool.json_body["items"] == []


def test_stream_function_reports_only_the_failed_record(container: bootstrap.Container) -> None:
    # GIVEN the real DynamoDB stream event shape: two harmless records and one that breaks
    event = json.loads((EVENTS / "dynamoStreamEvent.json").read_text())
    broken = json.loads(json.dumps(event["Records"][0]))
    broken["dynamodb"]["SequenceNumber"] = "999"
    broken["dynamodb"]["NewImage"] = {"entity": {"S": "invitation"}, "pk": {"S": "x"},
                                      "sk": {"S": "INV"}, "status": {"S": "not-a-status"}}
    event["Records"].append(broken)
    # WHEN the stream function handles the batch
    result = stream_handler(event, LambdaContext("stream"))
    # THEN only the broken record is reported, by its sequence number
    assert result == {"batchItemFailures": [{"itemIdentifier": "999"}]}


class FlakyEmail:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.sent: list[str] = []

    def send_email(self, *, to: str, subject: str, text: str, html: str,
                   tags: dict[str, str] | None = None) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(to)
        return f"fake-{len(self.sent)}"


@pytest.fixture
def flaky(container: bootstrap.Container) -> FlakyEmail:
    fake = FlakyEmail([])
    container.overrides["email"] = fake
    return fake


def outbox_item(tenant_id: str, invitation_id: str) -> OutboxItem:
    pk, sk = OutboxItem.key(tenant_id, invitation_id, "invite", "email")
    return OutboxItem.get(pk, sk, consistent_read=True)


def test_throttled_send_is_retried_then_sent_once(api: TenantApi, glue: Glue,
                                                  flaky: FlakyEmail) -> None:
    flaky.failures += [TransientSendError("Throttling"), TransientSendError("Throttling")]
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "T", "email": "t@example.com"}]).json_body
    glue.drain()
    item = outbox_item(api.tenant["tenant_id"], inv["items"][0]["invitation_id"])
    assert flaky.sent == ["t@example.com"]
    assert item.status == "sent" and item.provider_message_id == "fake-1"
    assert item.attempts == 3
    assert counts(api, campaign["id"])["sent"] == 1


def test_permanent_failure_marks_failed_without_provider_id(api: TenantApi, glue: Glue,
                                                            flaky: FlakyEmail) -> None:
    flaky.failures.append(PermanentSendError("MessageRejected"))
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "P", "email": "p@example.com"}]).json_body
    glue.drain()
    item = outbox_item(api.tenant["tenant_id"], inv["items"][0]["invitation_id"])
    assert item.status == "failed" and item.provider_message_id is None
    assert "MessageRejected" in (item.last_error or "")
    assert flaky.sent == []
    assert counts(api, campaign["id"])["invited"] == 1


def test_sender_function_takes_the_sqs_event_shape(container: bootstrap.Container) -> None:
    # GIVEN the real SQS event shape whose body names an outbox item that does not exist
    event = json.loads((EVENTS / "sqsEvent.json").read_text())
    for record in event["Records"]:
        record["body"] = json.dumps({"pk": "T#nobody#INV#none", "sk": "OUTBOX#invite#email"})
    # WHEN the sender handles it, THEN nothing fails (there is nothing to send)
    assert sender_handler(event, LambdaContext("sender")) == {"batchItemFailures": []}


class LossyQueue:
    """The real outbox queue, except that the first `drop` messages are lost."""

    def __init__(self, real: Any, drop: int) -> None:
        self.real = real
        self.drop = drop

    def enqueue_many(self, bodies: list[dict[str, Any]]) -> list[int]:
        kept = bodies[self.drop:]
        self.drop = max(0, self.drop - len(bodies))
        return self.real.enqueue_many(kept) if kept else []


def test_a_lost_queue_message_is_redriven_by_the_sweep(api: TenantApi, glue: Glue,
                                                       container: bootstrap.Container,
                                                       local_cloud: Any) -> None:
    from datetime import UTC, datetime, timedelta

    # GIVEN an invitation whose queue message is lost (on real time: the clock is now)
    start = datetime.now(UTC)
    api.clock.set(start)
    reset_watermark(start)
    container.overrides["queue"] = LossyQueue(container.queue, drop=1)
    container.__dict__.pop("queue", None)
    container.__dict__.pop("stream", None)
    container.__dict__.pop("sweep", None)
    campaign = api.campaign()
    body = api.invite(campaign["id"], [{"name": "L", "email": "lost@example.com"}]).json_body
    glue.drain()
    inv = body["items"][0]["invitation_id"]
    assert outbox_item(api.tenant["tenant_id"], inv).status == "pending"
    # WHEN the sweep runs more than 10 minutes later
    report = glue.tick(start + timedelta(minutes=11))
    # THEN the message is queued again and sent, once
    assert report["redriven"] >= 1
    item = outbox_item(api.tenant["tenant_id"], inv)
    assert item.status == "sent" and item.provider_message_id
    assert item.due_pk is None
    assert counts(api, campaign["id"])["sent"] == 1


class CrashAfterSend:
    """SES accepts the message, then the sender process dies before it records the id."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.crash = True

    def send_email(self, *, to: str, subject: str, text: str, html: str,
                   tags: dict[str, str] | None = None) -> str:
        self.sent.append(to)
        if self.crash:
            self.crash = False
            raise SystemError("the sender died after SES accepted the message")
        return f"fake-after-crash-{len(self.sent)}"


def test_a_sender_dying_after_the_provider_accepted_sends_again_never_marks_without_id(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    from datetime import UTC, datetime, timedelta

    # GIVEN the sender dies right after SES accepted the invitation email
    start = datetime.now(UTC)
    api.clock.set(start)
    reset_watermark(start)
    fake = CrashAfterSend()
    container.overrides["email"] = fake
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "C", "email": "crash@example.com"}]).json_body
    inv_id = inv["items"][0]["invitation_id"]
    glue.drain()
    # THEN the item is still claimed, with no provider id: never "sent" without one
    item = outbox_item(api.tenant["tenant_id"], inv_id)
    assert item.status == "sending" and item.provider_message_id is None
    assert fake.sent == ["crash@example.com"]
    # WHEN the claim's lease has run out and the sweep looks again
    later = start + timedelta(minutes=11)
    api.clock.set(later)
    glue.tick(later)
    # THEN the message is sent again (at least once) and recorded with its provider id
    item = outbox_item(api.tenant["tenant_id"], inv_id)
    assert item.status == "sent" and item.provider_message_id == "fake-after-crash-2"
    assert fake.sent == ["crash@example.com", "crash@example.com"]
    assert counts(api, campaign["id"])["sent"] == 1


def test_sms_parts_are_recorded_as_carriers_bill_them(api: TenantApi, glue: Glue,
                                                      local_cloud: Any) -> None:
    campaign = api.campaign(channels=["sms"], locale="zh-CN")
    body = api.invite(campaign["id"], [{"name": "王芳", "phone": "13900139000"}]).json_body
    glue.drain()
    pk, sk = OutboxItem.key(api.tenant["tenant_id"], body["items"][0]["invitation_id"],
                            "invite", "sms")
    item = OutboxItem.get(pk, sk, consistent_read=True)
    assert item.status == "sent" and item.sms_encoding == "UCS-2"
    text = next(m["text"] for m in local_cloud.cloud.sent_messages()
                if m["channel"] == "sms" and m["provider_message_id"] == item.provider_message_id)
    assert item.sms_parts == (1 if len(text) <= 70 else -(-len(text) // 67))


def test_locale_is_the_candidates_then_the_campaigns_then_the_tenants(
        client: Any, container: bootstrap.Container, glue: Glue, local_cloud: Any) -> None:
    tenant = container.tenants.create_tenant("深圳示例科技", default_locale="zh-CN")
    api = TenantApi(client, tenant, container.clock)  # type: ignore[arg-type]
    campaign = api.campaign()  # no campaign locale
    tid = tenant["tenant_id"]
    api.invite(campaign["id"], [{"name": "A", "email": f"zh.{tid}@example.com"},
                                {"name": "B", "email": f"en.{tid}@example.com", "locale": "en"}])
    glue.drain()
    subjects = {m["to"][0].split(".")[0]: m["subject"]
                for m in local_cloud.cloud.sent_messages() if tid in str(m["to"])}
    assert "面试邀请" in subjects["zh"]
    assert subjects["en"].startswith("Your AI interview")


class ThrottledSender:
    def deliver(self, pk: str, sk: str, now: Any) -> str:
        raise TransientSendError("Throttling")


class RecordingQueue:
    def __init__(self) -> None:
        self.delays: list[tuple[str, int]] = []

    def enqueue_many(self, bodies: list[dict[str, Any]]) -> list[int]:
        return []

    def retry_later(self, receipt_handle: str, delay_s: int) -> None:
        self.delays.append((receipt_handle, delay_s))


def test_throttled_messages_back_off_exponentially_by_receive_count(
        container: bootstrap.Container) -> None:
    # GIVEN a throttled provider and two queued messages, received once and five times
    queue = RecordingQueue()
    container.overrides["queue"] = queue
    container.__dict__["sender"] = ThrottledSender()
    event = json.loads((EVENTS / "sqsEvent.json").read_text())
    for record, received in zip(event["Records"], ("1", "5"), strict=True):
        record["body"] = json.dumps({"pk": "T#t#INV#i", "sk": "OUTBOX#invite#email"})
        record["attributes"]["ApproximateReceiveCount"] = received
    # WHEN the sender function handles them, THEN the batch fails (SQS keeps both messages)
    with pytest.raises(BatchProcessingError):
        sender_handler(event, LambdaContext("sender"))
    # AND both are pushed out: the fifth try waits longer than the first
    (first, d1), (second, d5) = queue.delays
    assert (first, second) == (event["Records"][0]["receiptHandle"],
                               event["Records"][1]["receiptHandle"])
    assert 5 <= d1 <= 10 and 80 <= d5 <= 160


class ChannelGate:
    """SMS deliveries wait (up to 5 s) until every email of the batch went out."""

    def __init__(self, emails: int) -> None:
        import threading

        self._lock = threading.Lock()
        self._emails_left = emails
        self.emails_done = threading.Event()
        self.sms_saw_emails_done: list[bool] = []

    def deliver(self, pk: str, sk: str, now: Any) -> str:
        if sk.endswith("#sms"):
            self.sms_saw_emails_done.append(self.emails_done.wait(5))
            return "sent"
        if sk == "OUTBOX#invite#email":
            with self._lock:
                self._emails_left -= 1
                if self._emails_left == 0:
                    self.emails_done.set()
            return "sent"
        raise TransientSendError("Throttling")


def test_email_is_not_held_behind_sms_in_a_mixed_batch(container: bootstrap.Container) -> None:
    # GIVEN a batch whose SMS come first and are slow (paced), then two emails
    gate = ChannelGate(emails=1)  # the second email is throttled
    container.__dict__["sender"] = gate
    container.overrides["queue"] = RecordingQueue()
    event = json.loads((EVENTS / "sqsEvent.json").read_text())
    template = event["Records"][0]
    event["Records"] = []
    for n, sk in enumerate(("OUTBOX#invite#sms", "OUTBOX#no_show#sms", "OUTBOX#invite#email",
                            "OUTBOX#bad#email")):
        event["Records"].append({**template, "messageId": f"m{n}", "receiptHandle": f"r{n}",
                                 "body": json.dumps({"pk": "T#t#INV#i", "sk": sk})})
    # WHEN the sender function handles the batch
    response = sender_handler(event, LambdaContext("sender"))
    # THEN the emails went out while the SMS were still waiting (per-channel parts), and
    # only the throttled email is reported failed
    assert gate.sms_saw_emails_done == [True, True]
    assert response == {"batchItemFailures": [{"itemIdentifier": "m3"}]}


def test_the_invitation_message_is_dated_by_the_invitation_not_by_its_stream_record(
        api: TenantApi, glue: Glue) -> None:

    # GIVEN an invitation created at 09:00:00.700 whose stream record says 09:00:00, as
    # DynamoDB Streams round ApproximateCreationDateTime down to the second
    created = api.clock.now().replace(microsecond=700_000)
    api.clock.set(created)
    RECORD_TIMES.clock = lambda: created.replace(microsecond=0)
    campaign = api.campaign()
    body = api.invite(campaign["id"], [{"name": "R", "email": "round@example.com"}]).json_body
    inv = body["items"][0]
    # WHEN the stream writes its invitation message
    glue.drain()
    # THEN the message is created when the invitation was, and watched from then on
    from chalicelib.invitations.models import InvitationItem
    from chalicelib.shared.domain.due import REDRIVE_AFTER, instant

    tid = api.tenant["tenant_id"]
    invitation = InvitationItem.get(*InvitationItem.key(tid, inv["invitation_id"]))
    item = outbox_item(tid, inv["invitation_id"])
    assert invitation.created_at == created
    assert item.created_at == created
    if item.due_sk is not None:  # still unsent: watched REDRIVE_AFTER the invitation
        assert item.due_sk.startswith(instant(created + REDRIVE_AFTER))
