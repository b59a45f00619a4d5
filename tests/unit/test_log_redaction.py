"""Personal data never reaches a log line, whatever the log call does."""

from __future__ import annotations

import io
import json
import logging

from chalicelib.observability import RedactingFilter, RedactingFormatter, redact


def test_emails_phones_and_known_fields_are_masked_ids_and_numbers_are_not() -> None:
    line = json.dumps({"message": "mail li.lei@example.com, sms +8613800138000 or 13800138000",
                       "name": "李雷", "recipient": "x", "to": ["y"], "count": 13800,
                       "invitation_id": "inv-tn01abc-def", "at": "2026-11-25T09:00:00Z"})
    out = json.loads(redact(line))
    assert out["message"] == "mail ***, sms *** or ***"
    assert (out["name"], out["recipient"], out["to"]) == ("***", "***", "***")
    assert (out["count"], out["invitation_id"], out["at"]) == (
        13800, "inv-tn01abc-def", "2026-11-25T09:00:00Z")


def test_the_powertools_formatter_redacts_extra_fields_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter())
    log = logging.getLogger("redaction-test")
    log.addHandler(handler)
    log.propagate = False
    try:
        raise ValueError("no such user han.meimei@example.com / 13900139000")
    except ValueError:
        log.exception("failed for %s", "han.meimei@example.com",
                      extra={"email": "a@example.com", "phone": "+14155550100",
                             "candidate_name": "Han Meimei"})
    text = stream.getvalue()
    for pii in ("han.meimei", "13900139000", "a@example.com", "+14155550100", "Han Meimei"):
        assert pii not in text
    assert "ValueError" in text and "failed for ***" in text


def test_the_filter_for_other_loggers() -> None:
    record = logging.LogRecord("boto", logging.INFO, __file__, 1, "to %s", ("x@example.com",),
                               None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "to ***"
