"""What the vendor adapters share: JSON bodies, instants, HMAC over the raw body."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib.clock import parse_instant
from chalicelib.invitations.adapters.vendors.http import JsonHttp
from chalicelib.invitations.domain.vendors import VerificationError


def json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise VerificationError("body is not JSON", code="invalid_json", status=400) from err
    if not isinstance(data, dict):
        raise VerificationError("body must be an object", code="invalid_body", status=400)
    return data


def loads_or_none(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def instant_of(value: Any, received_at: datetime) -> datetime:
    """An ISO-8601 instant, Unix seconds or milliseconds; never later than the receipt."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = value / 1000 if value > 1e11 else value
            at = datetime.fromtimestamp(seconds, UTC)
        elif isinstance(value, str):
            at = parse_instant(value)
        else:
            raise ValueError("missing")
    except (ValueError, OverflowError, OSError) as err:
        raise VerificationError("timestamp must be an ISO-8601 instant or Unix time",
                                code="invalid_timestamp", status=400) from err
    return min(at, received_at)


def hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def hex_signed(header: str, secrets: Sequence[str], body: bytes) -> bool:
    """`sha256=<hex>` (or bare hex) made with any of `secrets`, compared in constant time."""
    given = header.strip().removeprefix("sha256=").lower()
    return any(hmac.compare_digest(given, hex_hmac(secret, body)) for secret in secrets)


def score_of(value: Any, scale: float) -> float | None:
    """A vendor's rating on 0..`scale`, as our 0-100 score."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise VerificationError("score must be a number", code="invalid_score", status=400)
    return round(float(value) * 100 / scale, 1)


class VendorAdapter:
    """What every adapter starts from: where candidates' links point (`base_url`) and the
    vendor's API (`api_url`, reached through `http`; either may be absent locally). The
    default link is `<base>/i/<invitation id>`; an adapter that creates interviews on the
    vendor's side overrides `interview_link`."""

    def __init__(self, base_url: str, api_url: str | None = None,
                 http: JsonHttp | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._api = api_url.rstrip("/") if api_url else None
        self._http = http

    def interview_link(self, invitation_id: str) -> str:
        return f"{self._base}/i/{invitation_id}"
