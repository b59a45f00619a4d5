"""Metering: every billable effect is one usage record, exactly once, under throttling,
sender crashes, stream replays and duplicate queue deliveries; the number of email/SMS usage
records equals the number of provider message ids recorded on sent outbox items."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.domain.ports import TransientSendError
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import StreamPoller, drain
from tests.functional.conftest import Glue, TenantApi, reset_watermark


class ChaosPort:
    """A provider that throttles, and accepts a message then 'kills' the sender before it can
    record the id; every accepted message gets a fresh provider id."""

    def __init__(self, prefix: str, throttles: int, crashes: int) -> None:
        self.prefix = prefix
        self.throttles = throttles
        self.crashes = crashes
        self.accepted: list[str] = []

    def _accept(self) -> str:
        if self.throttles:
            self.throttles -= 1
            raise TransientSendError("Throttling")
        self.accepted.append(f"{self.prefix}-{len(self.accepted) + 1}")
        if self.crashes:
            self.crashes -= 1
            raise SystemError("the sender died after the provider accepted the message")
        return self.accepted[-1]

    def send_email(self, *, to: str, subject: str, text: str, html: str,
                   tags: dict[str, str] | None = None) -> str:
        return self._accept()

    def send_sms(self, *, to: str, text: str) -> str:
        return self._accept()


def outbox_items(tenant_id: str, invitation_ids: list[str]) -> list[OutboxItem]:
    items: list[OutboxItem] = []
    for inv in invitation_ids:
        pk, _ = OutboxItem.key(tenant_id, inv, "", "")
        items += [i for i in OutboxItem.query(pk, OutboxItem.sk.startswith("OUTBOX#"),
                                              consistent_read=True)
                  if isinstance(i, OutboxItem)]
    return items


def replay_stream(tenant_id: str, local_cloud: Any, glue: Glue) -> None:
    """Deliver every stream record of this tenant again, from the start of the stream."""
    def only_this_tenant(event: dict[str, Any], context: Any) -> Any:
        mine = [r for r in event["Records"] if tenant_id in json.dumps(r["dynamodb"]["Keys"])]
        return stream_handler({"Records": mine}, context) if mine else None

    replay = StreamPoller(boto3.client("dynamodbstreams"), local_cloud.resources.stream_arn,
                          only_this_tenant, checkpoint_path=None)
    drain([replay, glue.queue])
    glue.drain()


def usage(container: bootstrap.Container, tenant_id: str, at: datetime) -> dict[str, int]:
    totals: dict[str, int] = {}
    for month in sorted({at.strftime("%Y-%m"), (at + timedelta(hours=1)).strftime("%Y-%m")}):
        for op, n in container.usage_store.count_records(tenant_id, month).items():
            totals[op] = totals.get(op, 0) + n
    return totals


def usage_records(container: bootstrap.Container, tenant_id: str, month: str,
                  operation: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = container.usage_store.records(tenant_id, month, 100, cursor)
        out += [r for r in page if r["operation"] == operation]
        if cursor is None:
            return out


def test_usage_equals_provider_ids_under_retries_crashes_replays_and_duplicates(
        api: TenantApi, glue: Glue, container: bootstrap.Container, local_cloud: Any) -> None:
    # GIVEN providers that throttle and crash after accepting, on an email + SMS campaign
    start = datetime.now(UTC)
    api.clock.set(start)
    reset_watermark(start)
    email = ChaosPort("em", throttles=3, crashes=1)
    sms = ChaosPort("sms", throttles=2, crashes=1)
    container.overrides.update(email=email, sms=sms)
    for built in ("email", "sms", "sender"):  # the glue may have built them already
        container.__dict__.pop(built, None)
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign(channels=["email", "sms"], locale="zh-CN")
    rows = [{"name": f"候选人{i}", "email": f"m{i}.{tenant_id}@example.com",
             "phone": f"1390013{i:04d}"} for i in range(6)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    # WHEN everything is processed, the crashed claims expire and the sweep redrives them
    glue.drain()
    later = start + timedelta(minutes=11)
    api.clock.set(later)
    glue.tick(later)
    # ... two vendor events, one delivered twice (same webhook-id)
    assert api.webhook("interview.opened", ids[0], msg_id=f"wh-{tenant_id}-1").status_code == 200
    assert api.webhook("interview.opened", ids[0], msg_id=f"wh-{tenant_id}-1").json_body[
        "result"] == "duplicate"
    assert api.webhook("interview.completed", ids[1]).status_code == 200
    # ... every outbox item is delivered to the sender again (duplicate SQS deliveries)
    sent = outbox_items(tenant_id, ids)
    container.queue.enqueue_many([{"pk": i.pk, "sk": i.sk} for i in sent])
    glue.drain()
    # ... and the whole stream of this tenant is replayed
    replay_stream(tenant_id, local_cloud, glue)

    # THEN every message went out and was recorded with exactly one provider id
    sent = outbox_items(tenant_id, ids)
    assert len(sent) == 12 and all(i.status == "sent" and i.provider_message_id for i in sent)
    email_ids = {i.provider_message_id for i in sent if i.channel == "email"}
    sms_items = [i for i in sent if i.channel == "sms"]
    # the providers accepted more than was recorded (the crashed sends): at-least-once sending
    assert len(email.accepted) == 7 and len(sms.accepted) == 7
    # THE proof: usage records == provider message ids recorded; SMS parts == sum(sms_parts)
    got = usage(container, tenant_id, start)
    month = start.strftime("%Y-%m")
    email_records = usage_records(container, tenant_id, month, "email")
    sms_records = usage_records(container, tenant_id, month, "sms_part")
    assert len(email_records) == len(email_ids) == 6
    assert {r["detail"]["provider_message_id"] for r in email_records} == email_ids
    assert len(sms_records) == len({i.provider_message_id for i in sms_items}) == 6
    assert got["sms_part"] == sum(int(i.sms_parts) for i in sms_items) >= 6
    assert got["invitation"] == 6
    assert got["webhook_event"] == 2
    # AND the daily totals (what statements read) agree with the records
    statement = container.billing.statement(tenant_id, month)
    assert statement.quantities["email"] == 6
    assert statement.quantities["sms_part"] == got["sms_part"]
    assert statement.quantities["invitation"] == 6 and statement.quantities["webhook_event"] == 2


def test_export_usage_is_billed_once(container: bootstrap.Container,
                                     tenant: dict[str, Any]) -> None:
    at = datetime(2026, 11, 20, 10, tzinfo=UTC)
    tid = tenant["tenant_id"]
    assert container.metering.meter_export(tid, "exp01", 1200, 48_000, at) is True
    assert container.metering.meter_export(tid, "exp01", 1200, 48_000, at) is False
    assert container.usage_store.count_records(tid, "2026-11") == {"export": 1}
    [record] = usage_records(container, tid, "2026-11", "export")
    assert record["detail"] == {"export_id": "exp01", "rows": 1200, "bytes": 48_000}


# -- statements, price table ------------------------------------------------------------------
@pytest.fixture
def finance(api: TenantApi, container: bootstrap.Container) -> TenantApi:
    key = container.tenants.create_key(api.tenant["tenant_id"], "finance")
    return TenantApi(api.client, {**api.tenant, "api_key": key["api_key"]}, api.clock)


def put(api: TenantApi, path: str, body: Any) -> Any:
    return api.client.http.put(path, headers=api.headers(), body=json.dumps(body).encode())


def seed_usage(container: bootstrap.Container, tenant_id: str) -> None:
    from chalicelib.billing.domain.pricing import UsageRecord

    records = [UsageRecord(tenant_id, "invitation", 1, f"invitation#i{n}",
                           datetime(2026, 11, 3 + n % 20, tzinfo=UTC)) for n in range(40)]
    records += [UsageRecord(tenant_id, "sms_part", 2, f"outbox#s{n}",
                            datetime(2026, 11, 10 + n % 15, tzinfo=UTC)) for n in range(30)]
    assert container.usage_store.record_many(records) == []


def test_statement_prices_each_day_with_the_version_in_effect(
        api: TenantApi, finance: TenantApi, container: bootstrap.Container) -> None:
    # GIVEN usage in November and a new price version from 2026-11-15 (added on the 10th)
    tid = api.tenant["tenant_id"]
    seed_usage(container, tid)
    api.clock.set(datetime(2026, 11, 10, 12, tzinfo=UTC))
    prices = {"invitation": "0.0300", "email": "0.002", "sms_part": "0.10",
              "webhook_event": "0", "export": "1"}
    created = put(api, "/billing/prices", {"effective_from": "2026-11-15", "currency": "USD",
                                           "unit_prices": prices})
    assert created.status_code == 201, created.body
    assert created.json_body["version"] == 1
    # WHEN finance asks for the November statement
    api.clock.set(datetime(2026, 12, 2, tzinfo=UTC))
    response = finance.get("/usage?month=2026-11")
    # THEN days before the 15th use the default prices, the rest version 1 (decimal strings)
    assert response.status_code == 200, response.body
    body = response.json_body
    lines = {(x["operation"], x["price_version"]): x for x in body["lines"]}
    inv_before = sum(1 for n in range(40) if 3 + n % 20 < 15)
    sms_before = sum(2 for n in range(30) if 10 + n % 15 < 15)
    assert lines[("invitation", 0)]["quantity"] == inv_before
    assert lines[("invitation", 1)]["quantity"] == 40 - inv_before
    assert lines[("invitation", 1)]["unit_price"] == "0.0300"
    assert lines[("sms_part", 0)] == {"operation": "sms_part", "quantity": sms_before,
                                      "unit_price": "0.0900", "amount": f"{sms_before * 0.09:.2f}",
                                      "price_version": 0, "effective_from": "2026-01-01"}
    assert lines[("sms_part", 1)]["amount"] == f"{(60 - sms_before) * 0.10:.2f}"
    from decimal import Decimal
    assert Decimal(body["total"]) == sum(Decimal(x["amount"]) for x in body["lines"])
    assert body["currency"] == "USD" and body["quantities"]["sms_part"] == 60
    # AND the price table lists both versions
    table = finance.get("/billing/prices").json_body
    assert [v["version"] for v in table["versions"]] == [0, 1]
    assert table["current_version"] == 1


@pytest.mark.parametrize(("month", "status", "code"), [
    ("", 400, "missing_month"), ("2026-13", 400, "invalid_month"),
    ("Nov-2026", 400, "invalid_month"), ("2099-01", 422, "future_month")])
def test_bad_months_are_4xx_with_codes(finance: TenantApi, month: str, status: int,
                                       code: str) -> None:
    response = finance.get(f"/usage?month={month}")
    assert response.status_code == status
    assert response.json_body["error"]["code"] == code


def test_price_rules_and_roles(api: TenantApi, finance: TenantApi,
                               container: bootstrap.Container) -> None:
    prices = {"invitation": "0.03", "email": "0.002", "sms_part": "0.10",
              "webhook_event": "0", "export": "1"}
    # closed months never change
    late = put(api, "/billing/prices", {"effective_from": "2026-10-31", "currency": "USD",
                                        "unit_prices": prices})
    assert late.status_code == 422 and late.json_body["error"]["code"] == "closed_month"
    # a currency changes only on the first of a month
    eur = put(api, "/billing/prices", {"effective_from": "2026-11-28", "currency": "EUR",
                                       "unit_prices": prices})
    assert eur.status_code == 409
    assert eur.json_body["error"]["code"] == "currency_change_mid_month"
    bad = put(api, "/billing/prices", {"effective_from": "2026-12-01", "currency": "USD",
                                       "unit_prices": {**prices, "sms_part": "-1"}})
    assert bad.json_body["error"]["code"] == "invalid_amount"
    missing = put(api, "/billing/prices", {"effective_from": "2026-12-01", "currency": "USD",
                                           "unit_prices": {"email": "1"}})
    assert missing.json_body["error"]["code"] == "missing_operation"
    # finance reads but does not set prices; recruiters see no statements
    assert put(finance, "/billing/prices", {"effective_from": "2026-12-01", "currency": "USD",
                                            "unit_prices": prices}).status_code == 403
    key = container.tenants.create_key(api.tenant["tenant_id"], "recruiter")
    recruiter = TenantApi(api.client, {**api.tenant, "api_key": key["api_key"]}, api.clock)
    assert recruiter.get("/usage?month=2026-11").status_code == 403
    assert put(recruiter, "/billing/budget", {"monthly_amount": "1"}).status_code == 403


def test_statement_csv_goes_to_s3_with_a_bom_and_an_expiring_link(
        api: TenantApi, finance: TenantApi, container: bootstrap.Container) -> None:
    tid = api.tenant["tenant_id"]
    seed_usage(container, tid)
    response = finance.post("/usage/statements", {"month": "2026-11"})
    assert response.status_code == 201, response.body
    body = response.json_body
    assert body["key"] == f"tenant={tid}/report=statement/month=2026-11/statement.csv"
    assert "Expires=900" in body["url"] or "X-Amz-Expires=900" in body["url"]
    obj = boto3.client("s3").get_object(Bucket=container.settings.reports_bucket,
                                        Key=body["key"])["Body"].read()
    assert obj.startswith(b"\xef\xbb\xbf")
    lines = obj.decode("utf-8-sig").splitlines()
    assert lines[0] == ("month,operation,quantity,unit_price,amount,currency,price_version,"
                        "effective_from")
    assert lines[-1].startswith("2026-11,total,,,") and body["total"] in lines[-1]
    bad = finance.post("/usage/statements", {"month": "2026-1"})
    assert bad.json_body["error"]["code"] == "invalid_month"


def test_margin_is_revenue_against_estimated_aws_cost(
        api: TenantApi, finance: TenantApi, container: bootstrap.Container) -> None:
    seed_usage(container, api.tenant["tenant_id"])
    body = finance.get("/billing/margin?month=2026-11").json_body
    assert body["revenue"] == finance.get("/usage?month=2026-11").json_body["total"]
    from decimal import Decimal
    cost = Decimal(body["aws_cost"]["total"])
    assert Decimal(0) < cost < Decimal(body["revenue"])
    assert Decimal(body["aws_cost"]["components"]["sms"]) > Decimal(
        body["aws_cost"]["components"]["dynamodb"])  # messages are where the money is
    assert Decimal(body["margin"]) == (Decimal(body["revenue"]) - cost).quantize(Decimal("0.01"))


# -- budgets ---------------------------------------------------------------------------------
class FakeAlerts:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, subject: str, message: dict[str, Any]) -> str:
        self.published.append(message)
        return f"alert-{len(self.published)}"


class CountingSms:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_sms(self, *, to: str, text: str) -> str:
        self.sent.append(to)
        return f"sms-{len(self.sent)}"


@pytest.fixture
def budget_ports(container: bootstrap.Container) -> tuple[FakeAlerts, CountingSms]:
    alerts, sms = FakeAlerts(), CountingSms()
    container.overrides.update(alerts=alerts, sms=sms)
    for built in ("alerts", "sms", "billing", "metering", "sender"):  # the glue built them
        container.__dict__.pop(built, None)
    return alerts, sms


def sms_items(tenant_id: str, ids: list[str]) -> list[OutboxItem]:
    return [i for i in outbox_items(tenant_id, ids) if i.channel == "sms"]


def tenant_phones(tid: str) -> list[str]:
    """Two mainland numbers of this tenant's own (the sweep also reminds other tests'
    candidates through the same counting port)."""
    n = int(hashlib.sha256(tid.encode()).hexdigest(), 16) % 10_000
    return [f"138{n:04d}{i:04d}" for i in range(2)]


def capped_tenant(api: TenantApi, glue: Glue, alerts: FakeAlerts) -> list[str]:
    """A tenant over its 0.05 budget (hard cap on), then two SMS invitations: paused."""
    tid = api.tenant["tenant_id"]
    body = {"monthly_amount": "0.05", "thresholds": [50, 80, 100], "hard_cap_sms": True}
    response = put(api, "/billing/budget", body)
    assert response.status_code == 200, response.body
    assert response.json_body["sms_capped"] is False
    emails = api.campaign()
    api.invite(emails["id"], [{"name": f"E{i}", "email": f"b{i}.{tid}@example.com"}
                              for i in range(3)])
    glue.drain()  # 3 x 0.02 + 3 x 0.002 = 0.066 >= 0.05
    assert sorted(a["threshold_percent"] for a in alerts.published) == [50, 80, 100]
    # a 10-day window: still open when December starts (an invitation whose window has
    # ended is not texted any more, see delivery/domain/relevance.py)
    texts = api.campaign(channels=["sms"], window_hours=240)
    created = api.invite(texts["id"], [{"name": f"S{i}", "phone": phone}
                                       for i, phone in enumerate(tenant_phones(tid))]).json_body
    glue.drain()
    return [i["invitation_id"] for i in created["items"]]


def test_budget_alerts_once_per_threshold_and_the_cap_pauses_sms_until_lifted(
        api: TenantApi, glue: Glue, container: bootstrap.Container,
        budget_ports: tuple[FakeAlerts, CountingSms]) -> None:
    alerts, sms = budget_ports
    tid = api.tenant["tenant_id"]
    # GIVEN a tenant over its budget with the SMS hard cap on
    ids = capped_tenant(api, glue, alerts)
    # THEN nothing was texted; the SMS are pending (paused), not failed, not dropped
    assert sms.sent == []
    paused = sms_items(tid, ids)
    assert [(i.status, i.gsi1pk) for i in paused] == [("pending", f"T#{tid}#PAUSED")] * 2
    assert api.get("/billing/budget").json_body["sms_capped"] is True
    # WHEN more usage comes (and the queue delivers the paused items again)
    api.invite(api.campaign()["id"], [{"name": "X", "email": f"x.{tid}@example.com"}])
    container.queue.enqueue_many([{"pk": i.pk, "sk": i.sk} for i in paused])
    glue.drain()
    # THEN no alert is repeated and still nothing is texted
    assert len(alerts.published) == 3 and sms.sent == []
    # WHEN the admin raises the budget
    lifted = put(api, "/billing/budget", {"monthly_amount": "100", "hard_cap_sms": True})
    assert lifted.json_body["sms_capped"] is False and lifted.json_body["resumed"] == 2
    glue.drain()
    # THEN each paused SMS goes out once, and stays once under duplicate deliveries
    container.queue.enqueue_many([{"pk": i.pk, "sk": i.sk} for i in paused])
    glue.drain()
    assert len(sms.sent) == 2
    after = sms_items(tid, ids)
    assert all(i.status == "sent" and i.gsi1pk is None for i in after)
    assert container.usage_store.count_records(tid, "2026-11")["sms_part"] == sum(
        int(i.sms_parts) for i in after)


def test_paused_sms_goes_out_when_the_next_month_starts(
        api: TenantApi, glue: Glue, container: bootstrap.Container,
        budget_ports: tuple[FakeAlerts, CountingSms]) -> None:
    alerts, sms = budget_ports
    tid = api.tenant["tenant_id"]
    ids = capped_tenant(api, glue, alerts)
    assert sms.sent == []
    # WHEN December starts (no cap for the new month) and the sweep runs
    december = datetime(2026, 12, 1, 0, 1, tzinfo=UTC)
    api.clock.set(december)
    report = glue.tick(december)
    # THEN the paused SMS were queued again by the due index and sent, once each
    assert report["redriven"] >= 2
    ours = [f"+86{p}" for p in tenant_phones(tid)]
    assert sorted(to for to in sms.sent if to in ours) == ours
    assert all(i.status == "sent" and i.gsi1pk is None for i in sms_items(tid, ids))


def test_budget_validation(api: TenantApi) -> None:
    bad = put(api, "/billing/budget", {"monthly_amount": "-5"})
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "invalid_amount"
    bad = put(api, "/billing/budget", {"monthly_amount": "5", "thresholds": [0, 50]})
    assert bad.json_body["error"]["code"] == "invalid_thresholds"


def test_alerts_reach_the_local_alerts_topic(container: bootstrap.Container) -> None:
    # the real adapter against the local cloud's provisioned topic (resolved by name)
    message_id = container.alerts.publish("budget", {"tenant_id": "tn-x", "threshold": 50})
    assert message_id
