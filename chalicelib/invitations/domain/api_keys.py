"""API-key rules (pure): a key's status at an instant, expiry bounds, and which other admin
key keeps a tenant administrable when one is revoked. Time is an argument."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: the longest lifetime a key may be given (a typo guard, not a policy)
MAX_LIFETIME = timedelta(days=5 * 366)


class KeyProblem(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class KeyState:
    key_id: str
    role: str
    revoked_at: datetime | None
    expires_at: datetime | None


def status(revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> str:
    """active, revoked or expired (expires_at is exclusive: a key is refused from then on)."""
    if revoked_at is not None:
        return "revoked"
    if expires_at is not None and expires_at <= now:
        return "expired"
    return "active"


def check_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise KeyProblem("expires_at needs a UTC offset", code="invalid_expiry")
    if expires_at <= now:
        raise KeyProblem("expires_at must be in the future", code="invalid_expiry")
    if expires_at - now > MAX_LIFETIME:
        raise KeyProblem("expires_at must be within 5 years", code="invalid_expiry")
    return expires_at


def other_admin(keys: Iterable[KeyState], revoking: str, now: datetime) -> KeyState | None:
    """Another active admin key, the longest-lived first (no expiry beats any): revoking
    `revoking` is allowed only while this one stays unrevoked (checked in the same write)."""
    others = [k for k in keys if k.key_id != revoking and k.role == "admin"
              and status(k.revoked_at, k.expires_at, now) == "active"]
    if not others:
        return None
    return max(others, key=lambda k: (k.expires_at is None, k.expires_at or now))
