"""The self-service links' signing key: from Secrets Manager in production (the setting holds
the secret's ARN, never the key), or the setting itself locally. Fetched once, lazily."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class SigningKey:
    def __init__(self, setting: str, client: Callable[[], Any]) -> None:
        self._setting = setting
        self._client = client
        self._key: bytes | None = None

    def __call__(self) -> bytes:
        if self._key is None:
            if self._setting.startswith("arn:aws:secretsmanager:"):
                secret = self._client().get_secret_value(SecretId=self._setting)
                self._key = str(secret["SecretString"]).encode()
            else:
                self._key = self._setting.encode()
        return self._key
