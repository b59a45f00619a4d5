"""Campaign status counts, kept from the stream, exactly once per transition.

A stream record may arrive more than once. Each invitation version moves the counts at most
once: the update and a marker keyed by (invitation, version) are written in one transaction,
and a second delivery finds the marker and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import cancellation_codes, connection
from chalicelib.adapters.models import CampaignItem, MarkerItem
from chalicelib.domain.invitation import Status

MARKER_TTL = timedelta(days=7)  # the stream keeps records 24 h: replays cannot be older


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
