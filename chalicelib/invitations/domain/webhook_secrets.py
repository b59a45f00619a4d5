"""Webhook-secret rotation (pure): which secrets verify at an instant, and how a rotation or
a retirement changes the set.

A tenant has one current secret (the one the vendor is told to sign with) and at most
`MAX_RETIRING` older ones, each verifying until its `retire_at` (the overlap window), so the
vendor can switch without a gap: Standard Webhooks lets a sender put several signatures in
one header, and we accept a signature by any live secret. Time is an argument.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=7)
#: older secrets that may verify at once (beside the current one)
MAX_RETIRING = 2


class SecretProblem(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RetiringSecret:
    secret: str
    rotated_at: datetime
    retire_at: datetime

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.secret)

    def to_json(self) -> dict[str, str]:
        return {"secret": self.secret, "rotated_at": self.rotated_at.isoformat(),
                "retire_at": self.retire_at.isoformat()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RetiringSecret:
        return cls(str(raw["secret"]), datetime.fromisoformat(raw["rotated_at"]),
                   datetime.fromisoformat(raw["retire_at"]))


def fingerprint(secret: str) -> str:
    """A short, non-secret name for a secret (shown in listings, used to retire one)."""
    return "whfp_" + hashlib.sha256(secret.encode()).hexdigest()[:16]


def parse_retiring(raw: list[dict[str, Any]] | None) -> list[RetiringSecret]:
    return [RetiringSecret.from_json(r) for r in raw or []]


def live(retiring: list[RetiringSecret], at: datetime) -> list[RetiringSecret]:
    """The older secrets still verifying at `at` (retire_at is exclusive)."""
    return [r for r in retiring if r.retire_at > at]


def verifying_secrets(current: str, retiring: list[RetiringSecret], at: datetime) -> list[str]:
    """Every secret a signature may be made with at `at`: the current one first."""
    return [current] + [r.secret for r in live(retiring, at)]


def overlap_of(hours: float | None) -> timedelta:
    if hours is None:
        return DEFAULT_OVERLAP
    overlap = timedelta(hours=hours)
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise SecretProblem(
            f"overlap_hours must be from 0 (retire the old secret at once) to "
            f"{MAX_OVERLAP.total_seconds() / 3600:.0f}", code="invalid_overlap")
    return overlap


def rotate(current: str, retiring: list[RetiringSecret], new_secret: str, now: datetime,
           overlap: timedelta) -> list[RetiringSecret]:
    """The older secrets after `new_secret` replaces `current`: the current one keeps
    verifying until now + overlap (not at all with a zero overlap); retired ones drop out.
    Refused when `MAX_RETIRING` older secrets still verify: retire one first."""
    kept = live(retiring, now)
    if overlap > timedelta(0):
        kept.append(RetiringSecret(current, now, now + overlap))
    if len(kept) > MAX_RETIRING:
        raise SecretProblem(
            f"{MAX_RETIRING} older secrets still verify; retire one before rotating again",
            code="rotation_in_progress")
    return kept


def retire(retiring: list[RetiringSecret], which: str | None,
           now: datetime) -> list[RetiringSecret]:
    """Stop an older secret verifying now: the one with fingerprint `which`, or all of them.
    The current secret cannot be retired (rotate instead)."""
    kept = live(retiring, now)
    if which is None:
        return []
    if which not in {r.fingerprint for r in kept}:
        raise SecretProblem(f"no older secret {which} is verifying",
                            code="secret_not_found")
    return [r for r in kept if r.fingerprint != which]
