"""Tenants and their API keys."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.models import ApiKeyItem, TenantItem
from chalicelib.shared.stores.dynamo import connection, get_or_none


class TenantStore:
    def create(self, tenant: TenantItem, key: ApiKeyItem) -> None:
        """Tenant and its first key together, or neither."""
        with TransactWrite(connection=connection()) as tx:
            tx.save(tenant, condition=TenantItem.pk.does_not_exist())
            tx.save(key, condition=ApiKeyItem.pk.does_not_exist())

    def add_key(self, key: ApiKeyItem) -> None:
        key.save(condition=ApiKeyItem.pk.does_not_exist())

    def find_key(self, key_hash: str) -> ApiKeyItem | None:
        return get_or_none(ApiKeyItem, ApiKeyItem.key(key_hash))

    def get(self, tenant_id: str) -> TenantItem | None:
        return get_or_none(TenantItem, TenantItem.key(tenant_id))

    def update(self, tenant_id: str, values: dict[str, Any]) -> TenantItem | None:
        """Set the given attributes on an existing tenant; None if there is no tenant."""
        pk, sk = TenantItem.key(tenant_id)
        item = TenantItem(pk, sk)
        actions = [getattr(TenantItem, name).set(value) for name, value in values.items()]
        try:
            item.update(actions=actions, condition=TenantItem.pk.exists())
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return item
