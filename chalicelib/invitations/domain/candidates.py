"""Validating a bulk invitation request row by row (pure).

A bad row is rejected with its index, a code and a message; the good rows go ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.shared.domain.contacts import (
    ContactProblem,
    check_locale,
    check_timezone,
    normalise_email,
    normalise_phone,
)

MAX_NAME = 200


@dataclass(frozen=True)
class CandidateRow:
    index: int
    name: str
    email: str | None
    phone: str | None
    locale: str | None
    timezone: str | None
    external_id: str | None
    audience: str | None = None  # e.g. new_graduate, employed: picks the completion window

    @property
    def identity(self) -> str:
        """What makes two rows the same person within a tenant."""
        if self.email:
            return f"email:{self.email}"
        if self.phone:
            return f"phone:{self.phone}"
        return f"external:{self.external_id}"


@dataclass(frozen=True)
class Rejection:
    index: int
    code: str
    message: str


def _text(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(key)
    value = value.strip()
    return value or None


def validate_row(index: int, row: Any, channels: tuple[str, ...],
                 audiences: frozenset[str] = frozenset()) -> CandidateRow | Rejection:
    """Check one candidate; `channels` are the campaign's (the row needs one it can use),
    `audiences` the audiences it has completion windows for."""
    if not isinstance(row, dict):
        return Rejection(index, "invalid_candidate", "candidate must be a JSON object")
    try:
        name = _text(row, "name")
        raw_email, raw_phone = _text(row, "email"), _text(row, "phone")
        locale, timezone = _text(row, "locale"), _text(row, "timezone")
        external_id = _text(row, "external_id")
        audience = _text(row, "audience")
    except TypeError as err:
        return Rejection(index, "invalid_field", f"{err.args[0]} must be a string")
    if not name:
        return Rejection(index, "missing_name", "name is required")
    if len(name) > MAX_NAME:
        return Rejection(index, "invalid_name", f"name is longer than {MAX_NAME} characters")
    email = phone = None
    checks: list[tuple[str | None, Any]] = [
        (raw_email, normalise_email), (raw_phone, normalise_phone),
        (locale, check_locale), (timezone, check_timezone)]
    results: list[str | None] = []
    for value, check in checks:
        result = check(value) if value is not None else None
        if isinstance(result, ContactProblem):
            return Rejection(index, result.code, result.message)
        results.append(result)
    email, phone, locale, timezone = results
    reachable = ("email" in channels and email) or ("sms" in channels and phone)
    if not reachable:
        wanted = " or ".join("an email" if c == "email" else "a phone" for c in channels)
        return Rejection(index, "no_contact_for_channels",
                         f"the campaign sends by {', '.join(channels)}: {wanted} is required")
    if audience is not None and audience not in audiences:
        known = ", ".join(sorted(audiences)) or "none"
        return Rejection(index, "unknown_audience",
                         f"audience {audience!r} has no window in this campaign (known: {known})")
    return CandidateRow(index, name, email, phone, locale, timezone, external_id, audience)
