"""Reads of the sparse due index, which projects keys only.

The index (`due_keys`, KEYS_ONLY) holds an item's table and index keys, nothing else: an
update of an invitation that keeps its due keys (a webhook, the sender's `sent`) writes no
index entry, where an ALL projection rewrote the whole item there (one more write unit per
write, two in a transaction). The readers, the sweep and the retention job, fetch what the
index names in strongly consistent BatchGetItems of 100 and keep only items still due where
the index said: an item that moved (or left the index) between the two reads is somebody
else's now, as a stale projection was before (its conditional writes were refused then).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from chalicelib.shared.models import DUE_INDEX, Item

BATCH = 100  # BatchGetItem's limit


def due_items(partition: str, until: str | None = None,
              limit: int | None = None) -> Iterator[Item]:
    """Items of one due partition in index order (due_sk ascending), whose due_sk is at or
    before `until` + the rest of its key (None: the whole partition), read whole."""
    condition = Item.due_sk <= until + "#\uffff" if until is not None else None
    keys = _index_keys(partition, condition, limit)

    def still_due(item: Item) -> bool:
        return item.due_pk == partition and (
            until is None or str(item.due_sk or "") <= until + "#\uffff")

    yield from _fetched(keys, still_due)


def _index_keys(partition: str, condition: Any, limit: int | None) -> Iterator[tuple[str, str]]:
    """(pk, sk) of the index rows in order, page by page. Below the model: the model's
    Query filters on the entity discriminator, which a keys-only index does not hold."""
    table = Item._get_connection()
    start: dict[str, Any] | None = None
    left = limit
    while left is None or left > 0:
        page = table.query(partition, range_key_condition=condition, index_name=DUE_INDEX,
                           exclusive_start_key=start, limit=left)
        for row in page.get("Items", []):
            yield row["pk"]["S"], row["sk"]["S"]
        if left is not None:
            left -= len(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def _fetched(keys: Iterator[tuple[str, str]], keep: Callable[[Item], bool]) -> Iterator[Item]:
    while chunk := list(islice(keys, BATCH)):
        order = {key: n for n, key in enumerate(chunk)}
        found = sorted(Item.batch_get(chunk, consistent_read=True),
                       key=lambda item: order.get((item.pk, item.sk), len(order)))
        yield from (item for item in found if keep(item))
