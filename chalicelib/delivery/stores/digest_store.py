"""Campaign owners' daily digests: claimed by the sweep together with their email."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.delivery.models import DigestItem
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.stores.dynamo import cancellation_codes, connection


class DigestStore:
    def claim(self, digest: DigestItem, email: OutboxItem) -> bool:
        """Digest leaves the due index and its email is created, together, once."""
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.update(digest, actions=[DigestItem.due_pk.remove(), DigestItem.due_sk.remove()],
                          condition=DigestItem.due_sk == digest.due_sk)
                tx.save(email, condition=OutboxItem.pk.does_not_exist())
        except TransactWriteError as err:
            if "ConditionalCheckFailed" in cancellation_codes(err):
                return False
            raise
        return True
