"""Erasure (PIPL / GDPR): one request removes a candidate's personal data everywhere.

- the profile is anonymised in place (name `[erased]`, no email/phone/external id/time zone,
  out of the retention index) and keeps `erased_at`, so imports never bring the data back;
- every other item under the candidate's partition `T#<t>#CAND#<k>` is deleted (tags,
  timeline, and whatever per-candidate items later features add);
- their invitations keep status and times (campaign counts and reports stay right) but lose
  the free-text reason and the time zone; the invitations' outbox items lose recipient,
  subject and provider error text;
- the suppression entries of their addresses are replaced by a hash of the address (the
  address stays refused, unreadably);
- one audit record without PII: a hash of the candidate id, who, when, what, how many.

Idempotent: running it again finds nothing left to change and writes no second audit record
for the same erasure. The stream sees MODIFY records of invitations without a status change
(no count moves) and of outbox items (only INSERTs are queued).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.invitations.models import CandidateItem, InvitationItem, SuppressionItem
from chalicelib.observability import logger
from chalicelib.pool.models import ErasureAuditItem
from chalicelib.pool.stores.erasure_store import ErasureStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.channels import addresses
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound

RETRIES = 5


class ErasureService:
    def __init__(self, store: ErasureStore) -> None:
        self._store = store

    def erase(self, tenant_id: str, candidate_id: str, actor: str,
              now: datetime) -> dict[str, Any]:
        profile = self._store.profile(tenant_id, candidate_id)
        if profile is None:
            raise NotFound(f"candidate {candidate_id} not found", code="candidate_not_found")
        already = profile.erased_at is not None
        erased_at = self._store.mark_profile(profile, actor, now)
        contacts = [(c, a) for c, a in addresses(profile) if a]
        counts = {"profile": 0, "items_deleted": 0, "invitations": 0, "outbox": 0,
                  "suppressions": 0}
        if profile.email or profile.phone or profile.external_id or profile.name != "[erased]":
            self._store.anonymise_profile(profile)
            counts["profile"] = 1
        doomed = [i for i in self._store.partition(tenant_id, candidate_id)
                  if not isinstance(i, CandidateItem)]
        for start in range(0, len(doomed), 25):
            self._store.delete(doomed[start:start + 25])
        counts["items_deleted"] = len(doomed)
        kinds: dict[str, int] = {}
        for item in doomed:
            kind = str(type(item).__name__)
            kinds[kind] = kinds.get(kind, 0) + 1
        invitation_ids = [ids.invitation_id(tenant_id, c, candidate_id)
                          for c in self._store.campaign_ids(tenant_id)]
        for start in range(0, len(invitation_ids), 100):
            for inv in self._store.invitations(tenant_id, invitation_ids[start:start + 100]):
                if self._strip(inv):
                    counts["invitations"] += 1
                for item in self._store.outbox(inv):
                    if any(v is not None for v in (item.recipient, item.subject,
                                                   item.last_error)):
                        self._store.strip_outbox(item)
                        counts["outbox"] += 1
        for entry in self._store.suppressions(tenant_id, contacts):
            hashed = ids.suppressed_address_hash(tenant_id, entry.channel, entry.address)
            pk, sk = SuppressionItem.key(tenant_id, entry.channel, hashed)
            self._store.replace_suppression(entry, SuppressionItem(
                pk, sk, tenant_id=tenant_id, channel=entry.channel, address=hashed,
                reason=entry.reason, created_at=entry.created_at))
            counts["suppressions"] += 1
        subject = ids.pseudonym(f"{tenant_id}/{candidate_id}")
        apk, ask = ErasureAuditItem.key(tenant_id, subject, instant(erased_at))
        audit = ErasureAuditItem(apk, ask, tenant_id=tenant_id, candidate_hash=subject,
                                 actor=actor, erased_at=erased_at,
                                 counts={**counts, "deleted_by_kind": kinds})
        first = self._store.audit(audit)
        logger.info("candidate erased", extra={"tenant_id": tenant_id, "candidate_hash": subject,
                                               "actor": actor, "repeat": already, **counts})
        return {"candidate_id": candidate_id, "result": "erased" if first or not already
                else "already_erased", "erased_at": instant(erased_at), "counts": counts}

    def _strip(self, inv: InvitationItem) -> bool:
        """Strip one invitation; re-read and retry if it moved meanwhile (version)."""
        current: InvitationItem | None = inv
        for _ in range(RETRIES):
            if current is None:
                return False
            if current.reason_text is None and current.timezone is None:
                return False
            if self._store.strip_invitation_if_unchanged(current):
                return True
            current = self._reload(current)
        raise RuntimeError(f"invitation {inv.invitation_id} kept changing; retry the erasure")

    def _reload(self, inv: InvitationItem) -> InvitationItem | None:
        found = self._store.invitations(inv.tenant_id, [inv.invitation_id])
        return found[0] if found else None

