"""Reads and writes of a candidate import: profiles and tags by key, in batches."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from chalicelib.invitations.stores.profile_store import ProfileStore
from chalicelib.pool.models import TagItem
from chalicelib.shared.models import Item


class ImportStore(ProfileStore):
    """Profiles (ProfileStore), plus tags and batch writes of new items."""

    def existing_tags(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        if not keys:
            return set()
        found = TagItem.batch_get(list(dict.fromkeys(keys)), attributes_to_get=["pk", "sk"])
        return {(t.pk, t.sk) for t in found}

    def write(self, items: Sequence[Item], parallel: int = 8) -> int:
        """BatchWriteItem, 25 items a request, a few in flight at once."""
        chunks = [items[i:i + 25] for i in range(0, len(items), 25)]

        def write(chunk: Sequence[Item]) -> None:
            with Item.batch_write() as batch:
                for item in chunk:
                    batch.save(item)

        if len(chunks) <= 1:
            for chunk in chunks:
                write(chunk)
        else:
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                list(pool.map(write, chunks))
        return len(chunks)
