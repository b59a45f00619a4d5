"""Tenants and their API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.models import ApiKeyItem, KeySummaryItem, TenantItem
from chalicelib.shared.stores.dynamo import connection, get_or_none


class TenantStore:
    def create(self, tenant: TenantItem, key: ApiKeyItem, summary: KeySummaryItem) -> None:
        """Tenant and its first key (hashed item and listed summary) together, or none."""
        with TransactWrite(connection=connection()) as tx:
            tx.save(tenant, condition=TenantItem.pk.does_not_exist())
            tx.save(key, condition=ApiKeyItem.pk.does_not_exist())
            tx.save(summary, condition=KeySummaryItem.pk.does_not_exist())

    def add_key(self, key: ApiKeyItem) -> None:
        key.save(condition=ApiKeyItem.pk.does_not_exist())

    def find_key(self, key_hash: str) -> ApiKeyItem | None:
        return get_or_none(ApiKeyItem, ApiKeyItem.key(key_hash))

    def get(self, tenant_id: str, consistent: bool = False) -> TenantItem | None:
        return get_or_none(TenantItem, TenantItem.key(tenant_id), consistent=consistent)

    def set_disabled(self, tenant_id: str, at: datetime | None) -> TenantItem | None:
        """Disable (at an instant) or enable (None) a tenant; None if there is no tenant."""
        action = TenantItem.disabled_at.set(at) if at else TenantItem.disabled_at.remove()
        return self._update(tenant_id, [action], TenantItem.pk.exists())

    def replace_secrets(self, tenant_id: str, expected: str, current: str,
                        retiring: list[dict[str, str]], at: datetime) -> TenantItem | None:
        """Swap the webhook secrets only if the current one is still `expected` (a racing
        rotation loses and retries); None if the tenant changed or does not exist."""
        actions = [TenantItem.webhook_secret.set(current),
                   TenantItem.retiring_webhook_secrets.set(retiring),
                   TenantItem.webhook_secret_rotated_at.set(at)]
        return self._update(tenant_id, actions, TenantItem.webhook_secret == expected)

    def _update(self, tenant_id: str, actions: list[Any], condition: Any) -> TenantItem | None:
        item = TenantItem(*TenantItem.key(tenant_id))
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return item

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
