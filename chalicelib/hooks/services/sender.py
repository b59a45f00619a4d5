"""One delivery attempt: the hooks queue's message -> a signed POST -> the delivery log.

The queue message names a delivery; the attempt is made only by whoever claims the pending,
due delivery (a conditional write), so a duplicate queue message or a redelivered stream
record sends nothing twice. A failed attempt schedules the next one (domain/retries.py) as a
delayed queue message; SQS delays at most 15 minutes, so a longer wait hops: a message that
arrives before its delivery is due is sent on again, delayed by what is left (at most 15
minutes each): no sweep is involved, and a delivery that fails all 8 attempts costs about
110 queue messages (a 10 h wait is 40 hops). 410 Gone disables the endpoint; so does
persistent failure (DisableRule); either way the endpoint's alert address gets one email.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.hooks.domain import signing
from chalicelib.hooks.domain.retries import DisableRule, Verdict, next_wait, retry_after, verdict
from chalicelib.hooks.models import HookDeliveryItem, HookEndpointItem
from chalicelib.hooks.stores.hook_store import HookStore
from chalicelib.observability import logger
from chalicelib.shared.adapters.http_poster import Answer
from chalicelib.shared.domain.targets import Target, TargetRefused, parse_url

#: how long one attempt holds its delivery (longer than the POST's timeouts)
CLAIM_FOR = timedelta(seconds=90)
LOG_KEPT = 20


class Poster(Protocol):
    def post(self, target: Target, headers: dict[str, str], body: bytes) -> Answer: ...

    def check(self, target: Target) -> None: ...


class Queue(Protocol):
    def send(self, bodies: list[dict[str, Any]], delay_s: int = 0) -> list[int]: ...


class Notice(Protocol):
    def send(self, to: str, subject: str, text: str) -> str: ...


class ClaimHeld(Exception):
    """Another attempt holds the delivery (or one crashed holding it): the queue message is
    failed, so SQS offers it again after its visibility timeout (longer than CLAIM_FOR)."""


def message_of(item: HookDeliveryItem) -> dict[str, str]:
    """The queue message of the delivery's next attempt: `due` names the attempt, so a
    duplicate message of an attempt already made is recognised (and dropped)."""
    return {"tenant_id": item.tenant_id, "endpoint_id": item.endpoint_id,
            "message_id": item.message_id, "due": item.next_attempt_at.isoformat()}


def signing_secrets(endpoint: HookEndpointItem, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_until and endpoint.previous_until > now:
        secrets.append(endpoint.previous_secret)
    return secrets


@dataclass
class HookSender:
    store: HookStore
    poster: Poster
    queue: Queue
    notice: Notice
    allow_loopback: bool
    rule: DisableRule = field(default_factory=DisableRule)
    rng: random.Random = field(default_factory=random.Random)

    def deliver(self, tenant_id: str, endpoint_id: str, message_id: str,
                now: datetime, due: str | None = None) -> str:
        item = self.store.delivery(tenant_id, endpoint_id, message_id)
        if item is None or item.status != "pending":
            return "done"
        if due is not None and due != item.next_attempt_at.isoformat():
            return "stale"  # a duplicate message of an attempt made already
        if item.next_attempt_at > now:  # an early hop of a long wait
            left = int((item.next_attempt_at - now).total_seconds()) + 1
            self._enqueue(item, left)
            return "waiting"
        if not self.store.claim(item, now, now + CLAIM_FOR):
            raise ClaimHeld(message_id)
        endpoint = self.store.endpoint(tenant_id, endpoint_id)
        if endpoint is None or endpoint.disabled_at is not None:
            self._finish(item, now, "failed", None, "endpoint_disabled")
            return "endpoint_disabled"
        answer = self._post(endpoint, item, now)
        return self._after(endpoint, item, answer, now)

    def _post(self, endpoint: HookEndpointItem, item: HookDeliveryItem,
              now: datetime) -> Answer:
        try:
            target = parse_url(endpoint.url, self.allow_loopback)
        except TargetRefused as refused:
            return Answer(None, error=refused.code)
        headers = signing.headers(signing_secrets(endpoint, now), item.message_id, now,
                                  item.body)
        return self.poster.post(target, headers, item.body.encode())

    def _after(self, endpoint: HookEndpointItem, item: HookDeliveryItem, answer: Answer,
               now: datetime) -> str:
        attempts = int(item.attempts) + 1
        entry = {"attempt": attempts, "at": now.isoformat(), "status_code": answer.status,
                 "error": answer.error, "duration_ms": answer.duration_ms}
        log = ([*(item.log or []), entry])[-LOG_KEPT:]
        base = [HookDeliveryItem.attempts.set(attempts), HookDeliveryItem.log.set(log),
                HookDeliveryItem.claim_until.remove()]
        if answer.status is not None:
            base.append(HookDeliveryItem.last_status_code.set(answer.status))
        if answer.error:
            base.append(HookDeliveryItem.last_error.set(answer.error))
        else:
            base.append(HookDeliveryItem.last_error.remove())
        outcome = verdict(answer.status)
        if outcome is Verdict.DELIVERED:
            self.store.record(item, [*base, HookDeliveryItem.status.set("delivered"),
                                     HookDeliveryItem.finished_at.set(now)])
            if endpoint.failing_since or endpoint.exhausted_in_a_row:
                self.store.change_endpoint(endpoint, [
                    HookEndpointItem.failing_since.remove(),
                    HookEndpointItem.exhausted_in_a_row.set(0),
                    HookEndpointItem.last_success_at.set(now)])
            return "delivered"
        if outcome is Verdict.GONE:
            self.store.record(item, [*base, HookDeliveryItem.status.set("failed"),
                                     HookDeliveryItem.finished_at.set(now)])
            self._disable(endpoint, "gone", now)
            return "gone"
        wait = next_wait(attempts - int(item.round_start), self.rng,
                         retry_after(answer.retry_after, now))
        if endpoint.failing_since is None:
            endpoint_changes = [HookEndpointItem.failing_since.set(now)]
            self.store.change_endpoint(endpoint, endpoint_changes)
            endpoint.failing_since = now
        if wait is not None:
            item.next_attempt_at = now + wait
            self.store.record(item, [*base, HookDeliveryItem.next_attempt_at.set(
                item.next_attempt_at)])
            self._enqueue(item, int(wait.total_seconds()))
            return "retrying"
        self.store.record(item, [*base, HookDeliveryItem.status.set("failed"),
                                 HookDeliveryItem.finished_at.set(now)])
        exhausted = int(endpoint.exhausted_in_a_row or 0) + 1
        self.store.change_endpoint(endpoint, [HookEndpointItem.exhausted_in_a_row.set(
            exhausted)])
        if self.rule.should_disable(exhausted, endpoint.failing_since, now):
            self._disable(endpoint, "failing", now)
        return "failed"

    def _finish(self, item: HookDeliveryItem, now: datetime, status: str,
                code: int | None, error: str) -> None:
        self.store.record(item, [HookDeliveryItem.status.set(status),
                                 HookDeliveryItem.last_error.set(error),
                                 HookDeliveryItem.claim_until.remove(),
                                 HookDeliveryItem.finished_at.set(now)])

    def _enqueue(self, item: HookDeliveryItem, delay_s: int) -> None:
        if self.queue.send([message_of(item)], delay_s):
            raise ConnectionError("the hooks queue refused the next attempt")

    def _disable(self, endpoint: HookEndpointItem, reason: str, now: datetime) -> None:
        if endpoint.disabled_at is not None:
            return
        self.store.change_endpoint(endpoint, [HookEndpointItem.disabled_at.set(now),
                                              HookEndpointItem.disabled_reason.set(reason)])
        logger.warning("webhook endpoint disabled", extra={
            "tenant_id": endpoint.tenant_id, "endpoint_id": endpoint.endpoint_id,
            "why": reason})
        if not endpoint.alert_email:
            return
        why = ("it answered 410 Gone" if reason == "gone" else
               "its deliveries kept failing")
        text = (f"TalentLoop stopped sending webhooks to endpoint {endpoint.endpoint_id} "
                f"({endpoint.url}) at {now.isoformat()} because {why}.\n\n"
                "Fix the receiver, then enable it again with PATCH "
                f"/webhook-endpoints/{endpoint.endpoint_id} {json.dumps({'enabled': True})}; "
                "failed deliveries can be replayed from its delivery log.")
        try:
            self.notice.send(endpoint.alert_email, "TalentLoop webhook endpoint disabled", text)
        except Exception:  # the endpoint stays disabled; the email is best effort
            logger.exception("disabled-endpoint email failed",
                             extra={"endpoint_id": endpoint.endpoint_id})
