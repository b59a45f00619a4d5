"""An SQS queue: the outbox (the MessageQueue port) and the hooks queue (hooks' Queue port)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from botocore.exceptions import ClientError

#: SQS's longest DelaySeconds; the hooks sender hops longer waits in steps of this
MAX_DELAY_S = 900


class SqsQueue:
    def __init__(self, client: Any, queue: str) -> None:
        """`queue` is a URL (production passes it from CDK) or a name (resolved once)."""
        self._client = client
        self._queue = queue
        self._url: str | None = queue if queue.startswith(("http://", "https://")) else None

    @property
    def url(self) -> str:
        if self._url is None:
            self._url = str(self._client.get_queue_url(QueueName=self._queue)["QueueUrl"])
        return self._url

    def enqueue_many(self, bodies: list[dict[str, Any]]) -> list[int]:
        return self.send(bodies)

    def send(self, bodies: list[dict[str, Any]], delay_s: int = 0) -> list[int]:
        """Send each body, `delay_s` (0-900, SQS's DelaySeconds) late; returns the indexes
        that failed (the outbox sends at once; the hooks queue waits between attempts)."""
        delay = max(0, min(MAX_DELAY_S, int(delay_s)))
        failed: list[int] = []
        for start in range(0, len(bodies), 10):
            entries: list[dict[str, Any]] = [
                {"Id": str(start + i), "MessageBody": json.dumps(body, separators=(",", ":")),
                 **({"DelaySeconds": delay} if delay else {})}
                for i, body in enumerate(bodies[start:start + 10])]
            try:
                response = self._client.send_message_batch(QueueUrl=self.url, Entries=entries)
            except ClientError:
                failed += [int(e["Id"]) for e in entries]
                continue
            failed += [int(f["Id"]) for f in response.get("Failed", [])]
        return failed

    def retry_later(self, receipt_handle: str, delay_s: int) -> None:
        """Best effort: if this fails, the queue's visibility timeout applies instead."""
        with contextlib.suppress(ClientError):
            self._client.change_message_visibility(QueueUrl=self.url,
                                                   ReceiptHandle=receipt_handle,
                                                   VisibilityTimeout=delay_s)
