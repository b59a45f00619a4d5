"""The sweep's watermark and its reads of the sparse due index."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.delivery.models import SweepStateItem
from chalicelib.shared.domain.due import partition
from chalicelib.shared.models import Item
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
        condition = Item.due_sk <= until + "#\uffff"
        for item in Item.due.query(partition(bucket, shard), condition):
            if isinstance(item, entities):
                yield item
