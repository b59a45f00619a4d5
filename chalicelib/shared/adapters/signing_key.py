"""The self-service links' signing keys: from Secrets Manager in production (the setting holds
the secret's ARN, never the key), or the setting itself locally. Fetched once, lazily.

New links are signed with the current key (`AWSCURRENT`); links are checked against the
current and the previous key (`AWSPREVIOUS`), so links already sent stay valid through a
rotation (infra/DEPLOY.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError


class SigningKey:
    def __init__(self, setting: str, client: Callable[[], Any]) -> None:
        self._setting = setting
        self._client = client
        self._keys: list[bytes] | None = None

    def __call__(self) -> bytes:
        """The key new links are signed with."""
        return self.all()[0]

    def all(self) -> list[bytes]:
        """Every key a link may have been signed with: current first, then previous."""
        if self._keys is None:
            if self._setting.startswith("arn:aws:secretsmanager:"):
                self._keys = [self._fetch("AWSCURRENT")]
                previous = self._fetch("AWSPREVIOUS", missing_ok=True)
                if previous:
                    self._keys.append(previous)
            else:
                self._keys = [self._setting.encode()]
        return self._keys

    def _fetch(self, stage: str, missing_ok: bool = False) -> bytes:
        try:
            secret = self._client().get_secret_value(SecretId=self._setting, VersionStage=stage)
        except ClientError as err:
            if missing_ok and err.response.get("Error", {}).get("Code") in (
                    "ResourceNotFoundException", "InvalidRequestException"):
                return b""
            raise
        return str(secret["SecretString"]).encode()
