"""API keys under their tenant, and the operator's registry of tenants.

A key is two items: the hashed-key item the authorizer reads with one GetItem
(`APIKEY#<sha256>`), and a summary under the tenant's partition (`T#<t>#KEYS / KEY#<id>`)
that one Query lists. Both are written, and revoked, in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.models import ApiKeyItem, KeySummaryItem, TenantItem
from chalicelib.shared.stores.dynamo import (
    cancellation_codes,
    connection,
    decode_cursor,
    encode_cursor,
    get_or_none,
)


class KeyStore:
    def add(self, key: ApiKeyItem, summary: KeySummaryItem) -> None:
        with TransactWrite(connection=connection()) as tx:
            tx.save(key, condition=ApiKeyItem.pk.does_not_exist())
            tx.save(summary, condition=KeySummaryItem.pk.does_not_exist())

    def get(self, tenant_id: str, key_id: str) -> KeySummaryItem | None:
        return get_or_none(KeySummaryItem, KeySummaryItem.key(tenant_id, key_id),
                           consistent=True)

    def list_keys(self, tenant_id: str, limit: int | None = None, cursor: str | None = None,
                  include_revoked: bool = True) -> tuple[list[KeySummaryItem], str | None]:
        """A tenant's keys, oldest first (key ids are ULIDs); every page without a limit.
        Leaving out revoked keys filters within the Query, so a page may hold fewer."""
        result = KeySummaryItem.query(
            KeySummaryItem.partition(tenant_id), KeySummaryItem.sk.startswith("KEY#"),
            filter_condition=None if include_revoked else
            KeySummaryItem.revoked_at.does_not_exist(),
            limit=limit, last_evaluated_key=decode_cursor(cursor), consistent_read=True)
        items = [i for i in result if isinstance(i, KeySummaryItem)]
        return items, encode_cursor(result.last_evaluated_key) if limit else None

    def revoke(self, summary: KeySummaryItem, at: datetime, by: str,
               keep: KeySummaryItem | None = None) -> bool:
        """Delete the hashed item and stamp the summary, once; with `keep`, only while that
        other key is still unrevoked (so two racing revocations cannot both pass the
        "another admin key remains" check). False if a condition failed."""
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.update(summary, actions=[KeySummaryItem.revoked_at.set(at),
                                            KeySummaryItem.revoked_by.set(by)],
                          condition=KeySummaryItem.pk.exists()
                          & KeySummaryItem.revoked_at.does_not_exist())
                tx.delete(ApiKeyItem(*ApiKeyItem.key(summary.key_hash)))
                if keep is not None:
                    tx.condition_check(KeySummaryItem, keep.pk, keep.sk,
                                       condition=KeySummaryItem.revoked_at.does_not_exist())
        except TransactWriteError as err:
            codes = cancellation_codes(err)
            if "ConditionalCheckFailed" in codes or "TransactionConflict" in codes:
                return False
            raise
        return True

    def list_tenants(self, limit: int, cursor: str | None) -> tuple[list[TenantItem], str | None]:
        """The operator's registry: every tenant, oldest first (gsi1 TENANTS / <tenant>)."""
        hash_key, _ = TenantItem.registry_keys("")
        result = TenantItem.gsi1.query(hash_key, limit=limit,
                                       last_evaluated_key=decode_cursor(cursor))
        items = [i for i in result if isinstance(i, TenantItem)]
        return items, encode_cursor(result.last_evaluated_key)
