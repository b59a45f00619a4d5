"""The tenant's chat bot and its shared rate windows (delivery/models.py: chat_bot,
chat_rate)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.delivery.domain.chat_bots import Window
from chalicelib.delivery.models import ChatBotItem, ChatRateItem
from chalicelib.shared.stores.dynamo import cancellation_codes, connection, get_or_none

#: a window's counter outlives its window by this much (TTL deletes it within ~2 days anyway)
RATE_KEEP = timedelta(minutes=5)


class ChatBotStore:
    def get(self, tenant_id: str) -> ChatBotItem | None:
        return get_or_none(ChatBotItem, ChatBotItem.key(tenant_id), consistent=True)

    def put(self, item: ChatBotItem) -> None:
        item.save()

    def delete(self, tenant_id: str) -> bool:
        pk, sk = ChatBotItem.key(tenant_id)
        try:
            ChatBotItem(pk, sk).delete(condition=ChatBotItem.pk.exists())
        except DeleteError as err:
            if "ConditionalCheckFailed" in str(err):
                return False
            raise
        return True

    def note(self, item: ChatBotItem, now: datetime, error: str | None) -> None:
        """The last send's outcome, for the settings page (best effort, no condition)."""
        actions: list[Action]
        if error is None:
            actions = [ChatBotItem.last_sent_at.set(now)]
        else:
            actions = [ChatBotItem.last_error.set(error[:200]),
                       ChatBotItem.last_error_at.set(now)]
        item.update(actions=actions)

    def take(self, tenant_id: str, windows: Sequence[Window]) -> bool:
        """Count one message in every window, only if each has room (one transaction, so a
        refused message counts nowhere): whether it may be posted now."""
        try:
            with TransactWrite(connection=connection()) as tx:
                for window in windows:
                    pk, sk = ChatRateItem.key(tenant_id, window.key)
                    tx.update(ChatRateItem(pk, sk),
                              actions=[ChatRateItem.n.add(1),
                                       # an upsert: it names its entity like any save
                                       ChatRateItem.entity.set(ChatRateItem),  # type: ignore[arg-type]
                                       ChatRateItem.expiration.set(window.ends + RATE_KEEP)],
                              condition=(ChatRateItem.n.does_not_exist()
                                         | (ChatRateItem.n < window.limit)))
        except TransactWriteError as err:
            if "ConditionalCheckFailed" in cancellation_codes(err):
                return False
            raise
        return True
