"""Budget alerts through the alerts SNS topic (statements: shared/adapters/object_store.py).

Clients are passed in (bootstrap builds them lazily). The topic is named by ARN in
production (the stack passes it); locally by name, resolved once with CreateTopic (idempotent).
"""

from __future__ import annotations

import json
from typing import Any


class SnsAlerts:
    def __init__(self, client: Any, topic: str) -> None:
        self._client = client
        self._topic = topic
        self._arn: str | None = topic if topic.startswith("arn:") else None

    def publish(self, subject: str, message: dict[str, Any]) -> str:
        if self._arn is None:
            self._arn = str(self._client.create_topic(Name=self._topic)["TopicArn"])
        response = self._client.publish(
            TopicArn=self._arn, Subject=subject[:100],
            Message=json.dumps(message, ensure_ascii=False),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "budget"},
                               "tenant": {"DataType": "String",
                                          "StringValue": str(message.get("tenant_id", ""))}})
        return str(response["MessageId"])
