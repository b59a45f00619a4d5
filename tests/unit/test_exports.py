"""Exports: encoding, parts, periods, ids, the streaming writer and the metering hook. Pure."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any
from unittest.mock import Mock

import pytest

from chalicelib.reports.domain.exports import (
    BOM,
    COLUMNS,
    Format,
    Frequency,
    PartBuffer,
    Report,
    RowEncoder,
    keyed_export_id,
    object_key,
    parse_request,
    periods_ended,
    scheduled_export_id,
)
from chalicelib.reports.services.export_feed import ExportFeed, produced
from chalicelib.reports.services.exports import write_export
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed


def _row(i: int) -> dict[str, Any]:
    return {"invitation_id": f"inv-{i}", "campaign_id": "cmp1", "status": "no_show",
            "channels": ["email", "sms"], "created_at": datetime(2026, 11, 25, 9, tzinfo=UTC),
            "score": 87.0, "reason_text": '考试周, "busy"\nsorry', "timezone": None}


class FakeUpload:
    def __init__(self) -> None:
        self.parts: list[tuple[int, bytes]] = []
        self.completed = False

    def upload_part(self, number: int, data: bytes) -> None:
        self.parts.append((number, data))

    def complete(self) -> None:
        self.completed = True

    def abort(self) -> None:
        raise AssertionError("not expected")


def test_csv_has_a_bom_the_stable_header_and_survives_commas_quotes_and_newlines() -> None:
    encoder = RowEncoder(Report.INVITATIONS, Format.CSV)
    data = encoder.header() + encoder.encode([_row(1), _row(2)])
    assert data.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))
    assert list(rows[0]) == list(COLUMNS[Report.INVITATIONS])
    assert rows[0]["reason_text"] == '考试周, "busy"\nsorry'
    assert rows[0]["channels"] == "email sms" and rows[0]["score"] == "87"
    assert rows[0]["created_at"] == "2026-11-25T09:00:00+00:00" and rows[0]["timezone"] == ""
    assert rows[1]["invitation_id"] == "inv-2"


def test_json_lines_have_every_column_in_order_and_raw_utf8() -> None:
    encoder = RowEncoder(Report.INVITATIONS, Format.JSONL)
    assert encoder.header() == b""
    data = encoder.encode([_row(1)])
    assert "考试周".encode() in data  # not \\u escapes
    line = json.loads(data)
    assert list(line) == list(COLUMNS[Report.INVITATIONS])
    assert line["channels"] == ["email", "sms"] and line["score"] == 87
    assert line["timezone"] is None


def test_part_buffer_hands_out_full_parts_and_keeps_the_rest() -> None:
    buffer = PartBuffer(part_size=10)
    assert buffer.add(b"12345") == []
    assert buffer.add(b"6789012345678901234") == [b"1234567890", b"1234567890"]
    assert buffer.rest() == b"1234" and len(buffer) == 0


def test_write_export_streams_parts_of_the_minimum_size_except_the_last() -> None:
    # GIVEN 10,000 rows in pages of 500 and a small part size
    upload = FakeUpload()
    pages = ([_row(p * 500 + i) for i in range(500)] for p in range(20))

    # WHEN they are written
    rows, size = write_export(upload, RowEncoder(Report.INVITATIONS, Format.CSV), pages,
                              part_size=64 * 1024)

    # THEN every part but the last is exactly the part size, numbered 1.., and together
    # they are the whole file
    assert rows == 10_000 and upload.completed
    numbers = [n for n, _ in upload.parts]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 5
    assert all(len(d) == 64 * 1024 for _, d in upload.parts[:-1])
    assert 0 < len(upload.parts[-1][1]) <= 64 * 1024
    data = b"".join(d for _, d in upload.parts)
    assert size == len(data)
    assert data.count(b"\r\n") == 10_001  # header + rows (the inner newline stays \n)


def test_an_empty_jsonl_export_is_one_empty_part() -> None:
    upload = FakeUpload()
    assert write_export(upload, RowEncoder(Report.INVITATIONS, Format.JSONL), []) == (0, 0)
    assert upload.parts == [(1, b"")] and upload.completed


@pytest.mark.parametrize("args,code", [
    (("payroll", "csv"), "unknown_report"),
    (("invitations", "xlsx"), "unknown_format"),
])
def test_requests_are_validated_with_codes(args: tuple[str, str], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_request(*args, None, None, None)
    assert err.value.code == code


def test_a_range_must_go_forward() -> None:
    at = datetime(2026, 11, 25, tzinfo=UTC)
    with pytest.raises(Unprocessable) as err:
        parse_request("invitations", "csv", None, at, at)
    assert err.value.code == "invalid_range"


def test_object_keys_are_partitioned_by_tenant_report_and_date() -> None:
    key = object_key("tn1", Report.CAMPAIGN_SUMMARY, datetime(2026, 11, 25, 23, tzinfo=UTC),
                     "exp1", Format.JSONL)
    assert key == "exports/tenant=tn1/report=campaign-summary/date=2026-11-25/exp1.jsonl"


def test_keyed_ids_are_per_tenant_and_key() -> None:
    assert keyed_export_id("tn1", "k") == keyed_export_id("tn1", "k")
    assert keyed_export_id("tn1", "k") != keyed_export_id("tn2", "k")
    with pytest.raises(ValidationFailed):
        keyed_export_id("tn1", " ")


def test_periods_yesterday_every_day_and_last_week_on_mondays() -> None:
    tuesday = periods_ended(datetime(2026, 12, 1, 0, 30, tzinfo=UTC))
    assert [(p.frequency, p.label) for p in tuesday] == [(Frequency.DAILY, "20261130")]
    monday = periods_ended(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))
    assert [(p.frequency, p.label) for p in monday] == [(Frequency.DAILY, "20261129"),
                                                        (Frequency.WEEKLY, "2026w48")]
    week = monday[1]
    assert week.start == datetime(2026, 11, 23, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 30, tzinfo=UTC)
    # a retry later that day: the same periods, so the same ids
    again = periods_ended(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    assert [scheduled_export_id(p, Report.INVITATIONS) for p in again] == \
        [scheduled_export_id(p, Report.INVITATIONS) for p in monday]


def _image(status: str, **extra: Any) -> dict[str, Any]:
    image = {"entity": {"S": "export"}, "tenant_id": {"S": "tn1"}, "export_id": {"S": "exp1"},
             "report": {"S": "invitations"}, "format": {"S": "csv"}, "status": {"S": status}}
    image.update(extra)
    return image


def test_the_metering_hook_sees_an_export_turn_done_once() -> None:
    done = _image("done", rows={"N": "1000000"}, size_bytes={"N": "123456789"})
    event = produced("MODIFY", done, _image("running"))
    assert event is not None
    assert (event.tenant_id, event.export_id, event.rows, event.bytes) == \
        ("tn1", "exp1", 1_000_000, 123_456_789)
    assert produced("MODIFY", done, done) is None  # a later change of a done export
    assert produced("MODIFY", _image("failed"), _image("running")) is None
    assert produced("INSERT", _image("queued"), None) is None


def test_only_new_export_items_are_queued() -> None:
    feed = ExportFeed(Mock())
    assert feed.message("INSERT", _image("queued")) == {"tenant_id": "tn1",
                                                        "export_id": "exp1"}
    assert feed.message("MODIFY", _image("running")) is None
    assert feed.message("INSERT", {"entity": {"S": "invitation"}}) is None
