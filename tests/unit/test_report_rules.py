"""Pure rules of the reports added for issue 12: group_by pairs, the days a rate export
covers, the call list's CSV and the periodic report's email."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.reports.domain.call_list import COLUMNS, csv_bytes
from chalicelib.reports.domain.exports import BOM, ready_note, report_days
from chalicelib.reports.domain.funnel import group_dimensions, round_counter
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed


def test_group_by_takes_one_dimension_or_a_pair() -> None:
    assert group_dimensions(None) == ("position",)
    assert group_dimensions("position,channel") == ("position", "channel")
    assert group_dimensions("channel,campaign") == ("channel", "campaign")


@pytest.mark.parametrize("value, error, code", [
    ("position,position", Unprocessable, "duplicate_group_by"),
    ("campaign,position", Unprocessable, "redundant_group_by"),
    ("position,channel,campaign", ValidationFailed, "invalid_group_by"),
    ("position, channel", ValidationFailed, "invalid_group_by"),
    ("", ValidationFailed, "invalid_group_by"),
])
def test_bad_group_by_values_have_codes(value: str, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as raised:
        group_dimensions(value)
    assert getattr(raised.value, "code", None) == code


def test_report_days_are_the_inclusive_days_of_a_half_open_range() -> None:
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    week = datetime(2026, 11, 23, tzinfo=UTC)
    assert report_days(week, monday, monday) == ("2026-11-23", "2026-11-29")
    assert report_days(None, None, datetime(2026, 11, 30, 9, tzinfo=UTC)) == (
        "2026-11-01", "2026-11-30")


def test_recoveries_are_counted_by_round_within_the_policy_limit() -> None:
    assert [round_counter(n) for n in (0, 1, 2, 6, 9)] == [
        "rr_1", "rr_1", "rr_2", "rr_6", "rr_6"]


def test_the_call_list_csv_has_a_bom_crlf_and_chinese_names() -> None:
    data = csv_bytes([{"invitation_id": "inv-1", "name": "李雷", "phone": "+8613800138000"}])
    assert data.startswith(BOM)
    lines = data[len(BOM):].decode().split("\r\n")
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("inv-1,,李雷,,+8613800138000,")


def test_the_ready_note_links_the_console_not_a_presigned_url() -> None:
    subject, text = ready_note("sch-weekly-completion-rates-2026w48", "2026-11-23",
                               "2026-11-29", 3, "https://api.example.com/console")
    assert "2026-11-23" in subject
    assert "https://api.example.com/console#/reports?export=sch-weekly" in text
    assert "X-Amz" not in text
