"""The sweep's watermark, its reads of the sparse due index, and what it does with an item
whose action keeps failing: re-file it later (backoff), then park it for an operator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.delivery.models import SweepStateItem
from chalicelib.shared.domain.due import PARKED, instant, item_of, partition
from chalicelib.shared.models import Item
from chalicelib.shared.stores.due_reads import due_items
from chalicelib.shared.stores.dynamo import get_or_none


class SweepStore:
    def watermark(self) -> str | None:
        item = get_or_none(SweepStateItem, SweepStateItem.key(), True)
        return item.watermark if item else None

    def set_watermark(self, bucket: str) -> None:
        pk, sk = SweepStateItem.key()
        SweepStateItem(pk, sk, watermark=bucket).save()

    def due(self, bucket: str, shard: int, until: str,
            entities: tuple[type[Item], ...]) -> Iterator[Item]:
        """Items of one bucket and shard whose action is due at or before `until`, of the
        entity types the sweep has consumers for (invitations at their deadline or end of
        grace, outbox items not sent in time, digests, throttled summaries)."""
        for item in due_items(partition(bucket, shard), until):
            if isinstance(item, entities):
                yield item

    # -- items that keep failing ---------------------------------------------------------
    def refile(self, item: Item, due: tuple[str, str], attempts: int, error: str) -> bool:
        """Move a failed item to `due` (later), counting the attempt. False when the item
        moved meanwhile (another writer changed its due keys: it is theirs now)."""
        return self._update(item, [Item.due_pk.set(due[0]), Item.due_sk.set(due[1]),
                                   Item.sweep_attempts.set(attempts),
                                   Item.sweep_error.set(error[:100])])

    def park(self, item: Item, at: datetime, attempts: int, error: str) -> bool:
        """Take a failed item out of the swept partitions into PARKED (listed by `parked`);
        a later change of the item (a webhook, an HR action, a new summary) files it again."""
        tenant_id, item_id = item_of(str(item.due_sk))
        return self._update(item, [Item.due_pk.set(PARKED),
                                   Item.due_sk.set(f"{instant(at)}#{tenant_id}#{item_id}"),
                                   Item.sweep_attempts.set(attempts),
                                   Item.sweep_error.set(error[:100]),
                                   Item.parked_at.set(at)])

    def clear_failures(self, item: Item) -> None:
        """An item that failed before went through: its count starts again."""
        self._update(item, [Item.sweep_attempts.remove(), Item.sweep_error.remove()],
                     same_due=False)

    def parked(self, limit: int = 100) -> list[Item]:
        """Parked items, oldest first (one Query of the PARKED partition)."""
        return list(due_items(PARKED, limit=limit))

    def requeue(self, item: Item, due: tuple[str, str]) -> bool:
        """An operator fixed the cause: the parked item is due again, its count reset."""
        return self._update(item, [Item.due_pk.set(due[0]), Item.due_sk.set(due[1]),
                                   Item.sweep_attempts.remove(), Item.sweep_error.remove(),
                                   Item.parked_at.remove()])

    @staticmethod
    def _update(item: Item, actions: list[Action], same_due: bool = True) -> bool:
        """UpdateItem below the model (no version bump: these writes change no state the
        invitation's version guards), conditional on the due keys the sweep read."""
        condition = Item.due_sk == item.due_sk if same_due else Item.pk.exists()
        try:
            Item._get_connection().update_item(item.pk, range_key=item.sk, actions=actions,
                                               condition=condition)
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
