"""The tenants' message templates: immutable versions and the head naming the current one."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.delivery.models import TemplateHeadItem, TemplateVersionItem, templates_pk
from chalicelib.shared.domain.errors import Conflict
from chalicelib.shared.stores.dynamo import connection, get_or_none


class TemplateStore:
    def heads(self, tenant_id: str) -> list[TemplateHeadItem]:
        """Every template the tenant has saved (one Query: the effective versions)."""
        return list(TemplateHeadItem.query(templates_pk(tenant_id),
                                           TemplateHeadItem.sk.startswith("HEAD#"),
                                           consistent_read=True))

    def head(self, tenant_id: str, kind: str, locale: str) -> TemplateHeadItem | None:
        return get_or_none(TemplateHeadItem, TemplateHeadItem.key(tenant_id, kind, locale),
                           consistent=True)

    def version(self, tenant_id: str, kind: str, locale: str,
                version: int) -> TemplateVersionItem | None:
        return get_or_none(TemplateVersionItem,
                           TemplateVersionItem.key(tenant_id, kind, locale, version))

    def add_version(self, item: TemplateVersionItem, head: TemplateHeadItem,
                    previous: int) -> None:
        """Write the new version and move the head to it, only from `previous` (0: none yet).
        A racing save of the same template loses with 409 `template_conflict`."""
        moved_from = (TemplateHeadItem.pk.does_not_exist() if previous == 0
                      else TemplateHeadItem.version == previous)
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.save(item, condition=TemplateVersionItem.pk.does_not_exist())
                tx.save(head, condition=moved_from)
        except TransactWriteError as err:
            raise Conflict(f"{item.kind}/{item.locale} was saved by someone else meanwhile "
                           f"(now past version {previous}); load it again",
                           code="template_conflict") from err
