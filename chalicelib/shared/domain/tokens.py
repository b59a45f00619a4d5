"""Signed, expiring, single-purpose tokens for candidate self-service links (pure).

`v1.<payload>.<signature>`: base64url JSON `{"p": purpose, "t": tenant, "i": invitation,
"x": expiry (Unix s)}` and base64url HMAC-SHA256 over `v1.<payload>` with the signing key.
A token is refused when tampered with, expired, or presented for another purpose.

SMS carries a short code instead (`short_code`): 12 base62 characters (71 bits) of an HMAC over
tenant and invitation, so it cannot be guessed or enumerated, and the same invitation always
gets the same code (a redelivered SMS writes the same short-link item). The code names nothing
by itself; delivery stores it with tenant and invitation (delivery/models.py: short_link).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

SELF_SERVICE = "self_service"
SHORT_CODE_LENGTH = 12
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class TokenProblem(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TokenClaims:
    purpose: str
    tenant_id: str
    invitation_id: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: TokenClaims, key: bytes) -> str:
    payload = _b64(json.dumps({"p": claims.purpose, "t": claims.tenant_id,
                               "i": claims.invitation_id,
                               "x": int(claims.expires_at.timestamp())},
                              separators=(",", ":")).encode())
    signed = f"v1.{payload}"
    return f"{signed}.{_b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())}"


def verify(token: str, key: bytes | Sequence[bytes], *, purpose: str,
           now: datetime) -> TokenClaims:
    """Check a token signed with `key` (or any of several keys, during a rotation)."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != "v1":
        raise TokenProblem("invalid_token", "this link is not valid")
    keys = [key] if isinstance(key, bytes) else list(key)
    # compare the text, not decoded bytes: base64's spare bits must not make two tokens equal
    if not any(hmac.compare_digest(
            _b64(hmac.new(k, f"v1.{parts[1]}".encode(), hashlib.sha256).digest()), parts[2])
            for k in keys):
        raise TokenProblem("invalid_token", "this link is not valid")
    try:
        data = json.loads(_unb64(parts[1]))
    except ValueError as err:
        raise TokenProblem("invalid_token", "this link is not valid") from err
    if not isinstance(data, dict):
        raise TokenProblem("invalid_token", "this link is not valid")
    claims = TokenClaims(str(data.get("p")), str(data.get("t")), str(data.get("i")),
                         datetime.fromtimestamp(int(data.get("x", 0)), UTC))
    if claims.purpose != purpose:
        raise TokenProblem("wrong_purpose", "this link cannot be used for this")
    if now >= claims.expires_at:
        raise TokenProblem("expired_token", "this link has expired")
    return claims


def short_code(tenant_id: str, invitation_id: str, key: bytes) -> str:
    """The invitation's short-link code: base62 of an HMAC-SHA256 over tenant and invitation."""
    digest = hmac.new(key, f"short\x1f{tenant_id}\x1f{invitation_id}".encode(),
                      hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(SHORT_CODE_LENGTH):
        number, rest = divmod(number, 62)
        chars.append(BASE62[rest])
    return "".join(chars)


def is_short_code(text: str) -> bool:
    """The shape check before any read: exactly SHORT_CODE_LENGTH base62 characters."""
    return len(text) == SHORT_CODE_LENGTH and all(c in BASE62 for c in text)
