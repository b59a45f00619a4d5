"""Suppressed addresses per tenant, and what SES tells us about delivered messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.invitations.models import InvitationItem, OutboxItem, SuppressionItem
from chalicelib.shared.domain.ids import suppressed_address_hash


class SuppressionStore:
    def suppress(self, item: SuppressionItem) -> None:
        """Deterministic key: a repeated bounce for the same address writes the same item."""
        item.save()

    def suppressed(self, wanted: Sequence[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which of these (tenant, channel, address) are suppressed: the same two keys each as
        `is_suppressed`, every address in one consistent BatchGetItem (100 keys a call)."""
        keys: dict[tuple[str, str], tuple[str, str, str]] = {}
        for tenant_id, channel, address in dict.fromkeys(wanted):
            for key in (SuppressionItem.key(tenant_id, channel, address.lower()),
                        SuppressionItem.key(tenant_id, channel, suppressed_address_hash(
                            tenant_id, channel, address))):
                keys[key] = (tenant_id, channel, address)
        found = SuppressionItem.batch_get(list(keys), consistent_read=True)
        return {keys[(item.pk, item.sk)] for item in found}

    def is_suppressed(self, tenant_id: str, channel: str, address: str) -> bool:
        # an erased candidate's entry keeps only a hash of the address (pool/services/erasure.py):
        # both keys in one BatchGetItem
        keys = [SuppressionItem.key(tenant_id, channel, address.lower()),
                SuppressionItem.key(tenant_id, channel,
                                    suppressed_address_hash(tenant_id, channel, address))]
        return any(True for _ in SuppressionItem.batch_get(keys, consistent_read=True))

    def flag_invitation(self, tenant_id: str, invitation_id: str, problem: str) -> bool:
        pk, sk = InvitationItem.key(tenant_id, invitation_id)
        try:
            InvitationItem(pk, sk).update(
                actions=[InvitationItem.delivery_problem.set(problem)],
                condition=InvitationItem.pk.exists(), add_version_condition=False)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def mark_delivered(self, tenant_id: str, invitation_id: str, kind: str, channel: str,
                       at: datetime) -> bool:
        return self._mark(tenant_id, invitation_id, kind, channel,
                          [OutboxItem.delivered_at.set(at)], OutboxItem.pk.exists())

    def mark_clicked(self, tenant_id: str, invitation_id: str, kind: str, channel: str,
                     at: datetime) -> bool:
        """The first click only (later ones, and redelivered events, change nothing)."""
        return self._mark(tenant_id, invitation_id, kind, channel,
                          [OutboxItem.clicked_at.set(at)],
                          OutboxItem.pk.exists() & OutboxItem.clicked_at.does_not_exist())

    def _mark(self, tenant_id: str, invitation_id: str, kind: str, channel: str,
              actions: list[Any], condition: Any) -> bool:
        pk, sk = OutboxItem.key(tenant_id, invitation_id, kind, channel)
        try:
            OutboxItem(pk, sk).update(actions=actions, condition=condition)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
