"""Fixtures for tests through the Chalice app against the local cloud (DynamoDB Local and
moto on loopback). Each test gets its own tenant: tenant scoping is the isolation."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from chalice.test import Client
from standardwebhooks.webhooks import Webhook

from chalicelib import bootstrap
from chalicelib.clock import FixedClock
from chalicelib.config import Settings
from infra.local.glue import RECORD_TIMES, QueuePoller, StreamPoller, drain
from infra.local.runner import scheduled_event, stage_environment

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def settings(local_cloud: Any) -> Settings:
    os.environ.update(stage_environment("test"))
    return Settings.from_env()


@pytest.fixture(scope="session")
def app(settings: Settings) -> Any:
    import app as app_module

    return app_module.app


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def container(settings: Settings, clock: FixedClock) -> Iterator[bootstrap.Container]:
    made = bootstrap.Container(settings, clock=clock)
    bootstrap.use(made)
    yield made
    bootstrap.use(None)


@pytest.fixture
def client(app: Any, container: bootstrap.Container) -> Iterator[Client]:
    with Client(app, stage_name="test") as test_client:
        yield test_client


@dataclass
class TenantApi:
    client: Client
    tenant: dict[str, Any]
    clock: FixedClock

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tenant['api_key']}",
                "Content-Type": "application/json", **(extra or {})}

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.client.http.post(path, headers=self.headers(headers), body=raw)

    def get(self, path: str) -> Any:
        return self.client.http.get(path, headers=self.headers())

    def campaign(self, **overrides: Any) -> dict[str, Any]:
        position = self.post("/positions", {"title": "Backend Engineer"}).json_body
        body = {"position_id": position["id"], "name": "Campus", "window_hours": 72,
                "channels": ["email"], **overrides}
        response = self.post("/campaigns", body)
        assert response.status_code == 201, response.body
        campaign: dict[str, Any] = response.json_body
        return campaign

    def invite(self, campaign_id: str, candidates: list[dict[str, Any]],
               headers: dict[str, str] | None = None) -> Any:
        return self.post(f"/campaigns/{campaign_id}/invitations", {"candidates": candidates},
                         headers)

    def webhook(self, kind: str, invitation_id: str, *, at: datetime | None = None,
                msg_id: str | None = None, secret: str | None = None,
                sent_at: datetime | None = None, score: float | None = None) -> Any:
        data: dict[str, Any] = {"invitation_id": invitation_id}
        if score is not None:
            data["score"] = score
        body = json.dumps({"type": kind, "timestamp": (at or self.clock.now()).isoformat(),
                           "data": data})
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        stamp = sent_at or self.clock.now()
        signature = Webhook(secret or self.tenant["webhook_secret"]).sign(
            msg_id=msg_id, timestamp=stamp, data=body)
        headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(stamp.timestamp())),
                   "webhook-signature": signature, "Content-Type": "application/json"}
        return self.client.http.post("/webhooks/vendor", headers=headers, body=body.encode())


@pytest.fixture
def tenant(container: bootstrap.Container) -> dict[str, Any]:
    created: dict[str, Any] = container.tenants.create_tenant(f"Acme {uuid.uuid4().hex[:6]}")
    return created


@pytest.fixture
def api(client: Client, tenant: dict[str, Any], clock: FixedClock) -> TenantApi:
    return TenantApi(client, tenant, clock)


class Glue:
    """The AWS glue for tests: stream -> stream function, queue -> sender, schedule."""

    def __init__(self, local_cloud: Any, app: Any) -> None:
        from chalicelib.triggers import exports, imports, schedule, sender, stream

        res = local_cloud.resources
        self.sweep_handler = schedule.sweep
        self.stream = StreamPoller(boto3.client("dynamodbstreams"), res.stream_arn,
                                   stream.stream_handler, checkpoint_path=None)
        self.queue = QueuePoller(boto3.client("sqs"), res.outbox_queue_url,
                                 sender.sender_handler, queue_arn=res.outbox_queue_arn)
        self.exports = QueuePoller(boto3.client("sqs"), res.exports_queue_url,
                                   exports.exporter_handler, queue_arn=res.exports_queue_arn,
                                   batch_size=1)
        self.imports = QueuePoller(boto3.client("sqs"), res.imports_queue_url,
                                   imports.importer_handler, queue_arn=res.imports_queue_arn,
                                   batch_size=1)
        self.stage = "test"
        #: the test's clock: stream records are stamped with it (see RecordTimes)
        self.clock: FixedClock | None = None
        self._ticking: datetime | None = None  # during tick(): the scheduled event's time

    def now(self) -> datetime:
        """The writers' "now": the scheduled time while a tick runs, else the test's clock."""
        if self._ticking is not None:
            return self._ticking
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def drain(self) -> int:
        return drain([self.stream, self.queue, self.exports, self.imports])

    def tick(self, at: datetime) -> dict[str, Any]:
        from infra.local.glue import LambdaContext

        self._ticking = at
        try:
            report: dict[str, Any] = self.sweep_handler(
                scheduled_event("sweep", at, self.stage), LambdaContext("sweep"))
            self.drain()
        finally:
            self._ticking = None
        return report


@pytest.fixture(scope="session")
def glue_session(local_cloud: Any, app: Any) -> Glue:
    return Glue(local_cloud, app)


@pytest.fixture
def glue(glue_session: Glue, container: bootstrap.Container,
         clock: FixedClock) -> Iterator[Glue]:
    """The glue, quiet, with a fresh sweep watermark: every test starts its clock at T0 again,
    which a real deployment never does (its time only moves forward). Stream records are
    stamped with the test's clock, as AWS stamps them with the writer's (wall) time."""
    glue_session.drain()  # whatever earlier tests left, on their own clock
    glue_session.clock = clock
    RECORD_TIMES.clock = glue_session.now
    reset_watermark(T0)
    yield glue_session
    glue_session.drain()  # this test's records, stamped by this test's clock
    glue_session.clock = None
    RECORD_TIMES.clock = None


def reset_watermark(at: datetime) -> None:
    """Start the sweep's watermark at `at`'s hour (tests that run on real time use now)."""
    from chalicelib.delivery.models import SweepStateItem
    from chalicelib.shared.domain.due import bucket

    SweepStateItem(*SweepStateItem.key(), watermark=bucket(at)).save()
