"""API keys and webhook secrets (pure).

Keys are 256-bit random, shown once, stored only as a SHA-256 digest (a fast hash is right for
high-entropy keys: there is nothing to brute-force). Webhook secrets follow Standard Webhooks:
`whsec_` + base64 of 32 random bytes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

ROLES = ("admin", "recruiter", "finance", "interviewer")
#: roles whose keys see only the campaigns named on the key
CAMPAIGN_SCOPED = ("interviewer",)
KEY_PREFIX = "tlk_"


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
