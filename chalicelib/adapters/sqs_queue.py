"""The outbox queue (SQS) behind the MessageQueue port."""

from __future__ import annotations

import json
from typing import Any


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

    def enqueue(self, body: dict[str, Any], *, dedupe_id: str) -> None:
        self._client.send_message(
            QueueUrl=self.url, MessageBody=json.dumps(body, separators=(",", ":")),
            MessageAttributes={"dedupe_id": {"DataType": "String", "StringValue": dedupe_id}})
