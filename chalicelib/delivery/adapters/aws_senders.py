"""Email through SES and SMS through SNS, behind the EmailSender / SmsSender ports.

Clients are passed in (built by bootstrap only when none is given). Provider errors are
sorted into transient (retry later) and permanent (never) so the sender can decide.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.shared.domain.ports import PermanentSendError, TransientSendError

_TRANSIENT = {"Throttling", "ThrottlingException", "TooManyRequestsException",
              "ServiceUnavailable", "InternalFailure", "InternalError", "RequestTimeout",
              "LimitExceededException"}


def _classify(err: Exception) -> Exception:
    if isinstance(err, ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _TRANSIENT or status >= 500:
            return TransientSendError(code or str(status))
        return PermanentSendError(code or str(err))
    return TransientSendError(type(err).__name__)


class SesEmailSender:
    def __init__(self, client: Any, source: str, configuration_set: str | None = None) -> None:
        self._client = client
        self._source = source
        self._configuration_set = configuration_set

    def send_email(self, *, to: str, subject: str, text: str, html: str,
                   tags: dict[str, str] | None = None) -> str:
        extra: dict[str, Any] = {}
        if tags:
            extra["Tags"] = [{"Name": k, "Value": v} for k, v in tags.items()]
        if self._configuration_set:  # routes bounce/complaint/delivery events to SNS
            extra["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(
                **extra,
                Source=self._source,
                Destination={"ToAddresses": [to]},
                Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                         "Body": {"Text": {"Data": text, "Charset": "UTF-8"},
                                  "Html": {"Data": html, "Charset": "UTF-8"}}},
            )
        except (ClientError, BotoCoreError) as err:
            raise _classify(err) from err
        return str(response["MessageId"])


class SnsSmsSender:
    def __init__(self, client: Any) -> None:
        self._client = client

    def send_sms(self, *, to: str, text: str) -> str:
        try:
            response = self._client.publish(
                PhoneNumber=to, Message=text,
                MessageAttributes={"AWS.SNS.SMS.SMSType": {
                    "DataType": "String", "StringValue": "Transactional"}})
        except (ClientError, BotoCoreError) as err:
            raise _classify(err) from err
        return str(response["MessageId"])
