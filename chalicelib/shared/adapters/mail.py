"""Plain-text notices to HR through SES: hooks' "your endpoint was disabled" and reports'
"your periodic report is ready". No candidate message goes this way (those are delivery's:
templates, outbox, pacing)."""

from __future__ import annotations

from typing import Any


class SesNotice:
    def __init__(self, client: Any, source: str, configuration_set: str | None = None) -> None:
        self._client = client
        self._source = source
        self._configuration_set = configuration_set

    def send(self, to: str, subject: str, text: str) -> str:
        extra: dict[str, Any] = {}
        if self._configuration_set:
            extra["ConfigurationSetName"] = self._configuration_set
        response = self._client.send_email(
            **extra, Source=self._source, Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}})
        return str(response["MessageId"])
