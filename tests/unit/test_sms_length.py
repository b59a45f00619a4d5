"""SMS parts as carriers bill them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.shared.domain.sms import sms_length


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("", "GSM-7", 0, 1),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),  # extension characters take two septets
    ("€" * 81, "GSM-7", 162, 2),
    ("面" * 70, "UCS-2", 70, 1),
    ("面" * 71, "UCS-2", 71, 2),
    ("面" * 134, "UCS-2", 134, 2),
    ("面" * 135, "UCS-2", 135, 3),
    ("a" * 69 + "面", "UCS-2", 70, 1),  # one Chinese character turns the whole text UCS-2
    ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two code units each
    ("😀" * 36, "UCS-2", 72, 2),
])
def test_lengths_and_parts(text: str, encoding: str, units: int, parts: int) -> None:
    result = sms_length(text)
    assert (result.encoding, result.units, result.parts) == (encoding, units, parts)


@given(st.text(max_size=600))
def test_parts_are_enough_and_not_too_many(text: str) -> None:
    result = sms_length(text)
    single, per_part = (160, 153) if result.encoding == "GSM-7" else (70, 67)
    if result.units <= single:
        assert result.parts == 1
    else:
        assert (result.parts - 1) * per_part < result.units <= result.parts * per_part
