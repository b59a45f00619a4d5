"""Unit tests for identifiers (shared/domain/ids.py) and API keys / webhook secrets
(shared/domain/secrets.py)."""

from __future__ import annotations

import base64
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.shared.domain.ids import candidate_id, invitation_id, new_id, tenant_of_invitation
from chalicelib.shared.domain.secrets import (
    KEY_PREFIX,
    hash_api_key,
    new_api_key,
    new_webhook_secret,
)

ULID_LENGTH = 26
CROCKFORD = set("0123456789abcdefghjkmnpqrstvwxyz")

# Tenant ids are new_id("tn"): lower-case Crockford base32, never a "-".
tenant_ids = st.text(alphabet=sorted(CROCKFORD), min_size=1, max_size=30)


# --- new_id -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["tn", "cmp", "pos", "key", ""])
def test_new_id_has_prefix_and_lower_case_ulid(prefix: str) -> None:
    value = new_id(prefix)
    assert value.startswith(prefix)
    body = value[len(prefix):]
    assert len(body) == ULID_LENGTH
    assert set(body) <= CROCKFORD


def test_new_ids_are_unique() -> None:
    assert len({new_id("cmp") for _ in range(1000)}) == 1000


def test_new_ids_sort_by_creation_order() -> None:
    # GIVEN ids made one after another, each in a later millisecond
    made = []
    for _ in range(5):
        made.append(new_id("cmp"))
        time.sleep(0.002)
    # THEN their text order is their creation order
    assert sorted(made) == made


# --- derived ids --------------------------------------------------------------------------


def test_candidate_id_is_deterministic() -> None:
    assert candidate_id("tn1", "email:a@example.com") == \
        candidate_id("tn1", "email:a@example.com")
    assert candidate_id("tn1", "email:a@example.com").startswith("cand")


def test_candidate_id_is_tenant_scoped() -> None:
    # The same person in two tenants is two candidates.
    assert candidate_id("tn1", "email:a@example.com") != \
        candidate_id("tn2", "email:a@example.com")


def test_candidate_id_differs_per_identity() -> None:
    assert candidate_id("tn1", "email:a@example.com") != \
        candidate_id("tn1", "email:b@example.com")


def test_invitation_id_is_deterministic_and_scoped() -> None:
    inv = invitation_id("tn1", "cmp1", "cand1")
    assert inv == invitation_id("tn1", "cmp1", "cand1")
    assert inv.startswith("inv-tn1-")
    assert inv != invitation_id("tn2", "cmp1", "cand1")
    assert inv != invitation_id("tn1", "cmp2", "cand1")
    assert inv != invitation_id("tn1", "cmp1", "cand2")


def test_derived_ids_are_not_ambiguous_on_part_boundaries() -> None:
    # "ab" + "c" and "a" + "bc" must not collide.
    assert invitation_id("tn1", "ab", "c") != invitation_id("tn1", "a", "bc")
    assert candidate_id("ab", "c") != candidate_id("a", "bc")


@settings(max_examples=150, deadline=None)
@given(tenant=tenant_ids, campaign=st.text(max_size=40), candidate=st.text(max_size=40))
def test_invitation_id_round_trips_to_its_tenant(
        tenant: str, campaign: str, candidate: str) -> None:
    assert tenant_of_invitation(invitation_id(tenant, campaign, candidate)) == tenant


def test_real_tenant_ids_round_trip() -> None:
    tenant = new_id("tn")
    cand = candidate_id(tenant, "email:a@example.com")
    assert tenant_of_invitation(invitation_id(tenant, new_id("cmp"), cand)) == tenant


@pytest.mark.parametrize("garbage", [
    "", "inv", "inv-", "inv--abc", "inv-tn1", "inv-tn1-abc-def", "cand-tn1-abc",
    "INV-tn1-abc", "tn1", "-tn1-abc", "inv_tn1_abc",
])
def test_garbage_invitation_ids_have_no_tenant(garbage: str) -> None:
    assert tenant_of_invitation(garbage) is None


# --- secrets ------------------------------------------------------------------------------


def test_api_keys_have_the_prefix_and_are_unique() -> None:
    keys = [new_api_key() for _ in range(200)]
    assert all(k.startswith(KEY_PREFIX) for k in keys)
    assert KEY_PREFIX == "tlk_"
    assert len(set(keys)) == len(keys)
    # 32 random bytes in URL-safe base64: 43 characters after the prefix
    assert all(len(k) == len(KEY_PREFIX) + 43 for k in keys)


def test_hash_api_key_is_deterministic_and_not_the_key() -> None:
    key = new_api_key()
    digest = hash_api_key(key)
    assert digest == hash_api_key(key)
    assert digest != key
    assert key not in digest
    assert len(digest) == 64
    assert int(digest, 16) >= 0  # hex
    assert hash_api_key(new_api_key()) != digest


@settings(max_examples=100, deadline=None)
@given(key=st.text(max_size=80))
def test_hash_api_key_never_equals_its_input(key: str) -> None:
    assert hash_api_key(key) != key


def test_webhook_secrets_are_standard_webhooks_format() -> None:
    secrets = [new_webhook_secret() for _ in range(50)]
    assert len(set(secrets)) == len(secrets)
    for secret in secrets:
        assert secret.startswith("whsec_")
        raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        assert len(raw) == 32
