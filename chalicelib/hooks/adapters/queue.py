"""The hooks queue (SQS): one message per delivery attempt to make, delayed with SQS's
DelaySeconds (at most 15 minutes; longer waits hop: services/sender.py)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

MAX_DELAY_S = 900


class HookQueue:
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

    def send(self, bodies: list[dict[str, Any]], delay_s: int = 0) -> list[int]:
        """Send each body, `delay_s` (0-900) late; returns the indexes that failed."""
        delay = max(0, min(MAX_DELAY_S, int(delay_s)))
        failed: list[int] = []
        for start in range(0, len(bodies), 10):
            entries: list[dict[str, Any]] = [{"Id": str(start + i), "DelaySeconds": delay,
                        "MessageBody": json.dumps(body, separators=(",", ":"))}
                       for i, body in enumerate(bodies[start:start + 10])]
            try:
                response = self._client.send_message_batch(QueueUrl=self.url, Entries=entries)
            except ClientError:
                failed += [int(e["Id"]) for e in entries]
                continue
            failed += [int(f["Id"]) for f in response.get("Failed", [])]
        return failed
