"""Logging: Powertools' structured logger. Log ids and counts, never emails or phones.

Belt and braces (docs/import-and-privacy.md): every line the `talentloop` logger writes is
redacted after formatting, so a mistake in a log call, an exception text or a traceback
cannot put personal data in the logs: email addresses and phone numbers (E.164, and mainland
mobile numbers without +86) anywhere in the line, and the values of known personal fields
(`name`, `email`, `phone`, `recipient`, `to`, `address`, `subject`, `reason_text`, ...).
Other loggers' records get the same treatment through `RedactingFilter` on the root handlers.
"""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

MASK = "***"
PII_FIELDS = ("name", "email", "phone", "recipient", "to", "address", "subject",
              "reason_text", "candidate_name", "external_id", "owner_email", "interviewer_emails",
              "text")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"(?<![\w.])(?:\+\d[\d \-]{6,17}\d|1[3-9]\d{9})(?![\w])")
_KEYS = "|".join(PII_FIELDS)
_FIELD = re.compile(r'("(?:' + _KEYS + r')"\s*:\s*)("(?:[^"\\]|\\.)*"|\[[^\]]*\])')
_PLAIN_FIELD = re.compile(r"('(?:" + _KEYS + r")'\s*:\s*)('(?:[^'\\]|\\.)*')")


def redact(text: str) -> str:
    text = _FIELD.sub(lambda m: f'{m[1]}"{MASK}"', text)
    text = _PLAIN_FIELD.sub(lambda m: f"{m[1]}'{MASK}'", text)
    text = _EMAIL.sub(MASK, text)
    return _PHONE.sub(MASK, text)


class RedactingFormatter(LambdaPowertoolsFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingFilter(logging.Filter):
    """For handlers we do not format: the message is rendered and redacted in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = redact(message), None
        for key in PII_FIELDS:
            if key in record.__dict__ and key not in ("name",):
                record.__dict__[key] = MASK
        return True


def install_root_redaction() -> None:
    """Lambda's runtime logs other libraries through the root logger's handler."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


logger = Logger(service="talentloop", logger_formatter=RedactingFormatter())
install_root_redaction()
