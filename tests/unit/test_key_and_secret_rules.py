"""Pure rules of onboarding: a key's status by the clock, expiry bounds, which admin key
must survive a revocation, and webhook-secret rotation windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.invitations.domain import webhook_secrets as rules
from chalicelib.invitations.domain.api_keys import (
    KeyProblem,
    KeyState,
    check_expiry,
    other_admin,
    status,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_status_by_the_clock() -> None:
    assert status(None, None, NOW) == "active"
    assert status(None, NOW + H, NOW) == "active"
    assert status(None, NOW, NOW) == "expired"  # expires_at is exclusive
    assert status(NOW - H, NOW + H, NOW) == "revoked"


def test_expiry_bounds() -> None:
    assert check_expiry(None, NOW) is None
    assert check_expiry(NOW + H, NOW) == NOW + H
    for bad in (NOW, NOW - H, NOW + timedelta(days=6 * 366),
                datetime(2027, 1, 1)):  # naive
        with pytest.raises(KeyProblem):
            check_expiry(bad, NOW)


def test_the_admin_that_must_survive_is_the_longest_lived_other_active_admin() -> None:
    keys = [KeyState("k1", "admin", None, None), KeyState("k2", "admin", None, NOW + H),
            KeyState("k3", "recruiter", None, None), KeyState("k4", "admin", NOW, None),
            KeyState("k5", "admin", None, NOW - H)]
    assert other_admin(keys, "k2", NOW) == keys[0]
    assert other_admin(keys, "k1", NOW) == keys[1]
    assert other_admin(keys[:1] + keys[2:], "k1", NOW) is None  # others: revoked, expired


def test_rotation_keeps_the_old_secret_for_the_overlap() -> None:
    kept = rules.rotate("old", [], "new", NOW, 2 * H)
    assert [(r.secret, r.retire_at) for r in kept] == [("old", NOW + 2 * H)]
    assert rules.verifying_secrets("new", kept, NOW + H) == ["new", "old"]
    assert rules.verifying_secrets("new", kept, NOW + 2 * H) == ["new"]
    assert rules.rotate("old", [], "new", NOW, timedelta(0)) == []


def test_at_most_two_older_secrets_and_retirement() -> None:
    one = rules.rotate("a", [], "b", NOW, H)
    two = rules.rotate("b", one, "c", NOW, H)
    with pytest.raises(rules.SecretProblem) as refused:
        rules.rotate("c", two, "d", NOW, H)
    assert refused.value.code == "rotation_in_progress"
    assert len(rules.rotate("c", two, "d", NOW + H, H)) == 1  # the others have retired
    assert rules.retire(two, rules.fingerprint("a"), NOW) == two[1:]
    assert rules.retire(two, None, NOW) == []
    with pytest.raises(rules.SecretProblem):
        rules.retire(two, rules.fingerprint("c"), NOW)  # the current one: rotate instead


def test_overlap_bounds() -> None:
    assert rules.overlap_of(None) == timedelta(hours=24)
    assert rules.overlap_of(0) == timedelta(0)
    assert rules.overlap_of(168) == timedelta(days=7)
    for bad in (-0.5, 168.5):
        with pytest.raises(rules.SecretProblem):
            rules.overlap_of(bad)


@given(st.lists(st.floats(min_value=0, max_value=168), max_size=6),
       st.floats(min_value=0, max_value=400))
def test_only_live_secrets_ever_verify(overlaps: list[float], probe_hours: float) -> None:
    current, at = "s0", NOW
    retiring: list[rules.RetiringSecret] = []
    for number, hours in enumerate(overlaps, start=1):
        try:
            retiring = rules.rotate(current, retiring, f"s{number}", at, timedelta(hours=hours))
        except rules.SecretProblem:
            continue
        current = f"s{number}"
        at += timedelta(minutes=30)
    probe = NOW + timedelta(hours=probe_hours)
    verifying = rules.verifying_secrets(current, retiring, probe)
    assert verifying[0] == current and len(verifying) <= 1 + rules.MAX_RETIRING
    assert all(r.retire_at > probe for r in retiring if r.secret in verifying[1:])
    round_trip = rules.parse_retiring([r.to_json() for r in retiring])
    assert round_trip == retiring
