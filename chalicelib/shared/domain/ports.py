"""Ports: what the services need from the outside world, as Protocols.

Adapters over boto3 (adapters/ses.py, sns.py, sqs.py) and the vendor adapter implement them;
tests plug in fakes. Nothing here imports an AWS library.
"""

from __future__ import annotations

from typing import Any, Protocol


class TransientSendError(Exception):
    """The provider may accept this message later (throttling, 5xx, timeouts)."""


class PermanentSendError(Exception):
    """The provider will never accept this message (rejected address, bad content)."""


class EmailSender(Protocol):
    def send_email(self, *, to: str, subject: str, text: str, html: str,
                   tags: dict[str, str] | None = None) -> str:
        """Hand one email to the provider; return its message id. `tags` come back with the
        provider's bounce / complaint / delivery events (tenant, invitation, outbox)."""
        ...


class SmsSender(Protocol):
    def send_sms(self, *, to: str, text: str) -> str:
        """Hand one SMS to the provider; return its message id."""
        ...


class MessageQueue(Protocol):
    def enqueue_many(self, bodies: list[dict[str, Any]]) -> list[int]:
        """Send each body as one message; return the indexes that failed."""
        ...

    def retry_later(self, receipt_handle: str, delay_s: int) -> None:
        """Make a received message visible again only after `delay_s` (retry backoff)."""
        ...


class InterviewVendor(Protocol):
    def interview_url(self, invitation_id: str) -> str:
        """The candidate's interview link; the vendor gets our id as its external ref."""
        ...
