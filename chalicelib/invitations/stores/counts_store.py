"""Campaign status counts, kept from the stream, exactly once per transition.

A stream record may arrive more than once. Each invitation version moves the counts at most
once: the update and a marker keyed by (invitation, version) are written in one transaction,
and a second delivery finds the marker and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.models import CampaignItem
from chalicelib.shared.models import MarkerItem
from chalicelib.shared.stores.dynamo import cancellation_codes, connection

MARKER_TTL = timedelta(days=7)  # the stream keeps records 24 h: replays cannot be older
MAX_PER_TRANSACTION = 99  # + the campaign update = DynamoDB's 100-item limit


@dataclass(frozen=True)
class CountDelta:
    """One invitation version moving from `old` (None: created) to `new`."""

    tenant_id: str
    campaign_id: str
    invitation_pk: str
    version: int
    old: Status | None
    new: Status


class CountsStore:
    def apply(self, tenant_id: str, campaign_id: str, invitation_pk: str, version: int,
              old: Status | None, new: Status, now: datetime) -> bool:
        """Move one invitation from `old` to `new` in its campaign's counts; False if the
        transition was counted before."""
        pk, sk = MarkerItem.key(invitation_pk, f"COUNTED#{version}")
        marker = MarkerItem(pk, sk, expiration=now + MARKER_TTL)
        cpk, csk = CampaignItem.key(tenant_id, campaign_id)
        actions: list[Action] = [CampaignItem.counter(new).add(1)]
        if old is not None and old != new:
            actions.append(CampaignItem.counter(old).add(-1))
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.save(marker, condition=MarkerItem.pk.does_not_exist())
                tx.update(CampaignItem(cpk, csk), actions=actions,
                          condition=CampaignItem.pk.exists(), add_version_condition=False)
        except TransactWriteError as err:
            codes = cancellation_codes(err)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def apply_many(self, deltas: Sequence[CountDelta], now: datetime) -> list[int]:
        """Count a stream batch's transitions with one transaction per campaign (chunks of 99):
        markers + a single update. When a chunk is refused (a marker exists: a replay), its
        deltas are counted one by one, so the already-counted ones are skipped. Returns the
        indexes of the deltas that could not be counted (their records are retried)."""
        failed: list[int] = []
        groups: dict[tuple[str, str], list[int]] = {}
        for index, delta in enumerate(deltas):
            groups.setdefault((delta.tenant_id, delta.campaign_id), []).append(index)
        for (tenant_id, campaign_id), indexes in groups.items():
            for start in range(0, len(indexes), MAX_PER_TRANSACTION):
                chunk = indexes[start:start + MAX_PER_TRANSACTION]
                if self._chunk(tenant_id, campaign_id, [deltas[i] for i in chunk], now):
                    continue
                for i in chunk:
                    d = deltas[i]
                    try:
                        self.apply(d.tenant_id, d.campaign_id, d.invitation_pk, d.version,
                                   d.old, d.new, now)
                    except TransactWriteError:
                        failed.append(i)
        return failed

    def _chunk(self, tenant_id: str, campaign_id: str, deltas: Sequence[CountDelta],
               now: datetime) -> bool:
        moves: Counter[Status] = Counter()
        for d in deltas:
            moves[d.new] += 1
            if d.old is not None and d.old != d.new:
                moves[d.old] -= 1
        actions: list[Action] = [CampaignItem.counter(s).add(n) for s, n in moves.items() if n]
        cpk, csk = CampaignItem.key(tenant_id, campaign_id)
        try:
            with TransactWrite(connection=connection()) as tx:
                for d in deltas:
                    pk, sk = MarkerItem.key(d.invitation_pk, f"COUNTED#{d.version}")
                    tx.save(MarkerItem(pk, sk, expiration=now + MARKER_TTL),
                            condition=MarkerItem.pk.does_not_exist())
                if actions:
                    tx.update(CampaignItem(cpk, csk), actions=actions,
                              condition=CampaignItem.pk.exists(), add_version_condition=False)
                else:
                    tx.condition_check(CampaignItem, cpk, csk, condition=CampaignItem.pk.exists())
        except TransactWriteError:
            return False
        return True
