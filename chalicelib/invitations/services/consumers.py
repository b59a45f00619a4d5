"""The invitation core's stream consumer: campaign status counts.

Every invitation status move counts in its campaign exactly once (the store writes a marker
per invitation version with the counts); the moves of a batch are counted together, one
transaction per campaign instead of one per record.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.models import InvitationItem
from chalicelib.invitations.stores.counts_store import CountDelta, CountsStore
from chalicelib.shared.fanout import Pending, StreamRecord


class CampaignCounts:
    def __init__(self, counts: CountsStore) -> None:
        self._counts = counts
        self._deltas: Pending[CountDelta] = Pending()

    def collect(self, record: StreamRecord) -> None:
        new, old = record.new, record.old
        if not isinstance(new, InvitationItem):
            return
        before = Status(old.status) if isinstance(old, InvitationItem) else None
        after = Status(new.status)
        if before != after:
            self._deltas.add(record.sequence, CountDelta(
                new.tenant_id, new.campaign_id, new.pk, int(new.version or 0), before, after))

    def flush(self, now: datetime) -> list[str]:
        return self._deltas.flush(lambda deltas: self._counts.apply_many(deltas, now))
