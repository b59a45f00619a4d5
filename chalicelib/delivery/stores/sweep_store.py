"""The sweep's watermark and its reads of the sparse due index."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.shared.domain.due import partition
from chalicelib.shared.models import (
    DigestItem,
    InvitationItem,
    Item,
    OutboxItem,
    SummaryStateItem,
    SweepStateItem,
)
from chalicelib.shared.stores.dynamo import get_or_none


class SweepStore:
    def watermark(self) -> str | None:
        item = get_or_none(SweepStateItem, SweepStateItem.key(), True)
        return item.watermark if item else None

    def set_watermark(self, bucket: str) -> None:
        pk, sk = SweepStateItem.key()
        SweepStateItem(pk, sk, watermark=bucket).save()

    def due(self, bucket: str, shard: int,
            until: str) -> Iterator[InvitationItem | OutboxItem | DigestItem | SummaryStateItem]:
        """Items of one bucket and shard whose action is due at or before `until`:
        invitations (deadline, end of grace) and outbox items not sent in time."""
        condition = Item.due_sk <= until + "#\uffff"
        for item in Item.due.query(partition(bucket, shard), condition):
            if isinstance(item, InvitationItem | OutboxItem | DigestItem | SummaryStateItem):
                yield item
