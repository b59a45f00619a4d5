"""Self-service tokens: signed, expiring, single-purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.shared.domain.tokens import SELF_SERVICE, TokenClaims, TokenProblem, sign, verify

KEY = b"k" * 32
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CLAIMS = TokenClaims(SELF_SERVICE, "tn1", "inv-tn1-abc", NOW + timedelta(days=5))


def code(token: str, *, key: bytes = KEY, purpose: str = SELF_SERVICE,
         now: datetime = NOW) -> str:
    with pytest.raises(TokenProblem) as info:
        verify(token, key, purpose=purpose, now=now)
    return info.value.code


def test_round_trip() -> None:
    assert verify(sign(CLAIMS, KEY), KEY, purpose=SELF_SERVICE, now=NOW) == CLAIMS


def test_expired_wrong_purpose_wrong_key() -> None:
    token = sign(CLAIMS, KEY)
    assert code(token, now=CLAIMS.expires_at) == "expired_token"
    assert code(token, purpose="unsubscribe") == "wrong_purpose"
    assert code(token, key=b"x" * 32) == "invalid_token"
    assert code("v2.abc.def") == "invalid_token"
    assert code("garbage") == "invalid_token"


@settings(max_examples=400)
@given(st.integers(min_value=0), st.characters(codec="ascii", exclude_characters="."))
def test_any_tampering_is_refused(position: int, replacement: str) -> None:
    token = sign(CLAIMS, KEY)
    index = position % len(token)
    if token[index] == "." or token[index] == replacement:
        return
    tampered = token[:index] + replacement + token[index + 1:]
    with pytest.raises(TokenProblem):
        verify(tampered, KEY, purpose=SELF_SERVICE, now=NOW)


def test_links_signed_with_the_previous_key_stay_valid_through_a_rotation() -> None:
    old, new = b"o" * 32, b"n" * 32
    token = sign(CLAIMS, old)
    assert verify(token, [new, old], purpose=SELF_SERVICE, now=NOW) == CLAIMS
    with pytest.raises(TokenProblem):
        verify(token, [new], purpose=SELF_SERVICE, now=NOW)
