"""The no-show call list's reads (a campaign's no-shows, their profiles) and its audit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from chalicelib.invitations.models import CandidateItem, InvitationItem
from chalicelib.reports.domain.call_list import STATUSES
from chalicelib.reports.models import CallListAuditItem

BATCH = 100  # BatchGetItem's limit of keys


class CallListStore:
    def no_shows(self, tenant_id: str, campaign_id: str) -> Iterator[InvitationItem]:
        """The campaign's invitations in no_show, then closed (the gsi1 status index)."""
        for status in STATUSES:
            hash_key, _ = InvitationItem.status_index_keys(tenant_id, campaign_id, status, "")
            for item in InvitationItem.gsi1.query(hash_key):
                if isinstance(item, InvitationItem):
                    yield item

    def candidates(self, tenant_id: str,
                   candidate_ids: Sequence[str]) -> dict[str, CandidateItem]:
        keys = [CandidateItem.key(tenant_id, c) for c in dict.fromkeys(candidate_ids)]
        found: dict[str, CandidateItem] = {}
        for start in range(0, len(keys), BATCH):
            for item in CandidateItem.batch_get(keys[start:start + BATCH]):
                found[str(item.candidate_id)] = item
        return found

    def audit(self, item: CallListAuditItem) -> None:
        """Written before the list is answered: no audit, no list."""
        item.save(CallListAuditItem.sk.does_not_exist())

    def audits(self, tenant_id: str, limit: int) -> list[CallListAuditItem]:
        """The newest pulls first."""
        pk, _ = CallListAuditItem.key(tenant_id, "", "")
        return list(CallListAuditItem.query(pk, CallListAuditItem.sk.startswith("CALLLIST#"),
                                            scan_index_forward=False, limit=limit))
