"""The signing key comes from Secrets Manager (current + previous) or from the setting."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.shared.adapters.signing_key import SigningKey

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:talentloop/prod/token-signing-key"


class FakeSecrets:
    def __init__(self, versions: dict[str, str]) -> None:
        self.versions = versions
        self.calls = 0

    def get_secret_value(self, *, SecretId: str, VersionStage: str) -> dict[str, Any]:
        self.calls += 1
        assert SecretId == ARN
        if VersionStage not in self.versions:
            raise ClientError({"Error": {"Code": "ResourceNotFoundException"}},
                              "GetSecretValue")
        return {"SecretString": self.versions[VersionStage]}


def test_current_and_previous_keys_fetched_once() -> None:
    fake = FakeSecrets({"AWSCURRENT": "new", "AWSPREVIOUS": "old"})
    key = SigningKey(ARN, lambda: fake)
    assert key() == b"new"
    assert key.all() == [b"new", b"old"]
    assert fake.calls == 2  # cached after the first use


def test_no_previous_version_yet() -> None:
    key = SigningKey(ARN, lambda: FakeSecrets({"AWSCURRENT": "only"}))
    assert key.all() == [b"only"]


def test_a_missing_secret_is_an_error_not_an_empty_key() -> None:
    with pytest.raises(ClientError):
        SigningKey(ARN, lambda: FakeSecrets({}))()


def test_a_plain_setting_is_the_key_itself() -> None:
    def no_client() -> Any:
        raise AssertionError("no AWS call for a plain key")

    assert SigningKey("local-dev-key", no_client).all() == [b"local-dev-key"]
