"""New job items (INSERT on the stream) -> their queue, for a queue worker (exports,
imports). A duplicate message is harmless: only one claim of a job succeeds
(shared/stores/leased_jobs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.shared.domain.ports import MessageQueue


def _s(image: dict[str, Any], name: str) -> str | None:
    value = image.get(name, {}).get("S")
    return str(value) if value is not None else None


class JobFeed:
    """New job items of one entity (INSERT) -> their queue, as {"tenant_id", <id field>}."""

    def __init__(self, queue: MessageQueue, entity: str, id_field: str) -> None:
        self._queue = queue
        self._entity = entity
        self._id_field = id_field

    def message(self, event_name: str, new_image: dict[str, Any] | None) -> dict[str, str] | None:
        """The queue message for a new job item, else None (cheap: no parsing of other
        entities)."""
        if event_name != "INSERT" or not new_image or _s(new_image, "entity") != self._entity:
            return None
        return {"tenant_id": _s(new_image, "tenant_id") or "",
                self._id_field: _s(new_image, self._id_field) or ""}

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]:
        """Send the batch's messages; returns the indexes that failed (retried by the stream)."""
        return self._queue.enqueue_many(list(messages))
