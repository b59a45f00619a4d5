"""Campaigns' daily digests: claimed by the sweep together with their messages."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.delivery.models import DigestItem
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.stores.dynamo import cancellation_codes, connection


class DigestStore:
    def claim(self, digest: DigestItem, messages: Sequence[OutboxItem]) -> bool:
        """Digest leaves the due index and its messages are created, together, once (at most
        a campaign's 20 interviewers + owner + chat: well inside a transaction's 100)."""
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.update(digest, actions=[DigestItem.due_pk.remove(), DigestItem.due_sk.remove()],
                          condition=DigestItem.due_sk == digest.due_sk)
                for message in messages:
                    tx.save(message, condition=OutboxItem.pk.does_not_exist())
        except TransactWriteError as err:
            if "ConditionalCheckFailed" in cancellation_codes(err):
                return False
            raise
        return True
