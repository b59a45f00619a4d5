"""Identifiers.

New entities get ULIDs (they sort by creation time: good sort keys). Candidates and
invitations get ids *derived* from what makes them unique, so inviting the same person to the
same campaign twice - in one request, in two racing requests or in a retry - lands on the same
key instead of creating a second invitation. An invitation id carries its tenant id, so a
vendor webhook (which only knows the invitation id) is routed to the tenant whose secret must
have signed it without a global lookup table.
"""

from __future__ import annotations

import base64
import hashlib

from ulid import ULID


def new_id(prefix: str) -> str:
    return f"{prefix}{str(ULID()).lower()}"


def _digest(*parts: str, length: int = 20) -> str:
    raw = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return base64.b32encode(raw).decode().lower().rstrip("=")[:length]


def candidate_id(tenant_id: str, identity: str) -> str:
    return f"cand{_digest(tenant_id, identity)}"


def invitation_id(tenant_id: str, campaign_id: str, candidate: str) -> str:
    return f"inv-{tenant_id}-{_digest(campaign_id, candidate)}"


def tenant_of_invitation(inv_id: str) -> str | None:
    parts = inv_id.split("-")
    if len(parts) != 3 or parts[0] != "inv" or not parts[1]:
        return None
    return parts[1]


def import_id(tenant_id: str, fingerprint: str) -> str:
    """An import's id derives from the file (its content hash, or S3 key and ETag): the same
    file uploaded again is the same import."""
    return f"imp{_digest(tenant_id, fingerprint, length=16)}"


def extension_request_id(tenant_id: str, invitation_id: str, requested: str) -> str:
    """An extension request's id derives from its invitation and the instant it was asked
    for, so a retried write lands on the same key."""
    return f"ext{_digest(tenant_id, invitation_id, requested, length=16)}"


def pseudonym(value: str) -> str:
    """A one-way stand-in for an identifier in audit records and logs."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def suppressed_address_hash(tenant_id: str, channel: str, address: str) -> str:
    """What an erased candidate's suppression entry keeps of their address: enough to keep
    refusing to message it, not enough to read it back."""
    raw = hashlib.sha256("\x1f".join((tenant_id, channel, address.lower())).encode())
    return f"sha256:{raw.hexdigest()}"
