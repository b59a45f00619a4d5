"""Unit tests for the cursors of HR's decision reads: a cursor is checked before DynamoDB sees
it, so a forged one is a 422 `invalid_cursor`, never a 500 from the table."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chalicelib.invitations.stores.console_queries import gsi1_start
from chalicelib.pool.services.candidate_timeline import _before
from chalicelib.shared.domain.errors import Unprocessable
from chalicelib.shared.stores.dynamo import encode_cursor

PARTITION = "T#tn1#C#cmp1#S#no_show"
KEY = {"pk": {"S": "T#tn1#INV#inv-1"}, "sk": {"S": "INV"}, "gsi1pk": {"S": PARTITION},
       "gsi1sk": {"S": "inv-1"}}


def cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_of_the_partition_is_the_start_key() -> None:
    assert gsi1_start(encode_cursor(KEY), PARTITION) == KEY
    assert gsi1_start(None, PARTITION) is None


@pytest.mark.parametrize("forged", [
    {"pk": {"S": "x"}},
    {**KEY, "gsi1pk": {"S": "T#other#C#cmp1#S#no_show"}},  # another tenant's partition
    {**KEY, "sk": {"N": "1"}},
    {**KEY, "sk": {"S": ""}},
    {**KEY, "gsi1sk": {"S": "x" * 1025}},
    {**KEY, "extra": {"S": "x"}},
    [1, 2],
])
def test_a_forged_cursor_is_refused(forged: Any) -> None:
    with pytest.raises(Unprocessable) as err:
        gsi1_start(cursor_of(forged), PARTITION)
    assert err.value.code == "invalid_cursor"


def test_the_timeline_cursor_is_an_order_key() -> None:
    assert _before(encode_cursor({"b": "2026-11-25T09:00:00Z#x"})) == "2026-11-25T09:00:00Z#x"
    for forged in ({}, {"b": 1}, {"b": ""}, {"b": "x" * 301}):
        with pytest.raises(Unprocessable):
            _before(cursor_of(forged))
