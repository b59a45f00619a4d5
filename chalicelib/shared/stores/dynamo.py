"""Small helpers shared by the stores over PynamoDB."""

from __future__ import annotations

import base64
import json
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from chalicelib.shared.domain.errors import Unprocessable
from chalicelib.shared.models import Item


def connection() -> Connection:
    """The models' own cached connection: building a botocore client per transaction would
    reload the service model every time (milliseconds of JSON parsing per write)."""
    return Item._get_connection().connection


M = TypeVar("M", bound=Item)


def get_or_none(model: type[M], key: tuple[str, str], consistent: bool = False) -> M | None:
    """GetItem by key; None when there is no such item (not an exception)."""
    try:
        return model.get(key[0], key[1], consistent_read=consistent)
    except model.DoesNotExist:
        return None


def cancellation_codes(err: TransactWriteError) -> list[str | None]:
    """Per-item reasons of a cancelled transaction (None where the item was fine)."""
    reasons = err.cancellation_reasons or []
    return [r.code if r is not None else None for r in reasons]


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as err:
        raise Unprocessable("cursor is not valid", code="invalid_cursor") from err
    if not isinstance(value, dict):
        raise Unprocessable("cursor is not valid", code="invalid_cursor")
    return value
