"""The tenant's chat bot: its settings (admin; the URL and the secret are credentials and
never shown back), a test message, and posting a message for the sender.

Every post passes three checks: the tenant's share of the bot kind's rate limit (windows
counted in the table, so all sender instances share them), the URL (https, and in production
only to the kind's own hosts), and the SSRF guard on the addresses the host resolves to
(shared/adapters/http_poster.py). The bot's answer is read by its adapter: sent, refused for
now (TransientSendError: the queue retries with backoff, the sweep redrives it later) or
refused for good (PermanentSendError: the outbox item fails, the settings show why).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from chalicelib.delivery.adapters.chat_bots import ADAPTERS
from chalicelib.delivery.domain.chat_bots import (
    BotReply,
    ChatBot,
    ChatMessage,
    Window,
    windows,
)
from chalicelib.delivery.models import ChatBotItem
from chalicelib.observability import logger
from chalicelib.shared.adapters.http_poster import Answer
from chalicelib.shared.domain.errors import NotFound, Unprocessable
from chalicelib.shared.domain.ports import PermanentSendError, TransientSendError
from chalicelib.shared.domain.targets import Target, TargetRefused, parse_url

TEST_MESSAGE = {"en": ChatMessage("TalentLoop: test message",
                                  "Daily digests of new no-shows will be posted here."),
                "zh-CN": ChatMessage("TalentLoop · 测试消息", "每日未到场摘要将发送到此群。")}


class Poster(Protocol):
    def post(self, target: Target, headers: dict[str, str], body: bytes) -> Answer: ...


class Store(Protocol):
    """stores/chat_bot_store.py: ChatBotStore (tests plug in an in-memory one)."""

    def get(self, tenant_id: str) -> ChatBotItem | None: ...

    def put(self, item: ChatBotItem) -> None: ...

    def delete(self, tenant_id: str) -> bool: ...

    def note(self, item: ChatBotItem, now: datetime, error: str | None) -> None: ...

    def take(self, tenant_id: str, windows: Sequence[Window]) -> bool: ...


def url_hint(url: str) -> str:
    """What the settings show of a bot URL: its host and the credential's last 4 characters
    (enough to tell two bots apart, never enough to post)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…{url[-4:]}"


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def view(item: ChatBotItem) -> dict[str, Any]:
    return {"kind": item.kind, "url_hint": url_hint(item.url), "signed": bool(item.secret),
            "created_at": item.created_at.isoformat(), "updated_at": item.updated_at.isoformat(),
            "last_sent_at": _iso(item.last_sent_at), "last_error": item.last_error,
            "last_error_at": _iso(item.last_error_at)}


@dataclass
class ChatBots:
    store: Store
    poster: Poster
    allow_loopback: bool

    # -- settings (API) --------------------------------------------------------------------
    def get(self, tenant_id: str) -> dict[str, Any]:
        return view(self._bot(tenant_id))

    def put(self, tenant_id: str, kind: str, url: str, secret: str | None,
            now: datetime) -> dict[str, Any]:
        adapter = ADAPTERS[kind]  # the schema's enum
        self._target(adapter, url)
        if secret and not adapter.signs:
            raise Unprocessable(f"a {kind} bot has no signing secret (the key in its URL is "
                                "the credential)", code="secret_not_supported")
        existing = self.store.get(tenant_id)
        pk, sk = ChatBotItem.key(tenant_id)
        item = ChatBotItem(pk, sk, tenant_id=tenant_id, kind=kind, url=url,
                           secret=secret or None,
                           created_at=existing.created_at if existing else now, updated_at=now)
        self.store.put(item)
        return view(item)

    def delete(self, tenant_id: str) -> dict[str, Any]:
        if not self.store.delete(tenant_id):
            raise NotFound("the tenant has no chat bot", code="chat_bot_not_found")
        return {"deleted": True}

    def test(self, tenant_id: str, locale: str, now: datetime) -> dict[str, Any]:
        """Post a test message now (it counts in the rate windows like any other)."""
        bot = self._bot(tenant_id)
        reply = self._post(bot, TEST_MESSAGE.get(locale, TEST_MESSAGE["en"]), now)
        return {"sent": reply.sent, "code": reply.code, "message": reply.message or None,
                "retry": reply.retry}

    # -- the sender's port -----------------------------------------------------------------
    def configured(self, tenant_id: str) -> bool:
        return self.store.get(tenant_id) is not None

    def send(self, tenant_id: str, message: ChatMessage, now: datetime) -> str:
        """Post `message` to the tenant's bot: an id for the outbox item, or
        TransientSendError (retry later) / PermanentSendError (never)."""
        bot = self.store.get(tenant_id)
        if bot is None:
            raise PermanentSendError("the tenant has no chat bot")
        reply = self._post(bot, message, now)
        if reply.sent:
            return f"{bot.kind}:" + hashlib.sha256(
                f"{tenant_id}\x1f{now.isoformat()}\x1f{message.title}".encode()).hexdigest()[:20]
        if reply.retry:
            raise TransientSendError(f"chat bot: {reply.summary}")
        raise PermanentSendError(f"chat bot: {reply.summary}")

    # -- inside ----------------------------------------------------------------------------
    def _bot(self, tenant_id: str) -> ChatBotItem:
        bot = self.store.get(tenant_id)
        if bot is None:
            raise NotFound("the tenant has no chat bot", code="chat_bot_not_found")
        return bot

    def _target(self, adapter: ChatBot, url: str) -> Target:
        """The URL's target, or Unprocessable: https to one of the kind's hosts (plain http to
        loopback only where the stage allows it, for the local receiver)."""
        try:
            target = parse_url(url, self.allow_loopback)
        except TargetRefused as refused:
            raise Unprocessable(f"url: {refused}", code=refused.code) from refused
        local = self.allow_loopback and target.host in ("127.0.0.1", "localhost", "[::1]",
                                                        "::1")
        if not local and target.host not in adapter.hosts:
            raise Unprocessable(f"url: a {adapter.kind} bot's URL is on "
                                f"{' or '.join(adapter.hosts)}", code="unexpected_bot_host")
        return target

    def _post(self, bot: ChatBotItem, message: ChatMessage, now: datetime) -> BotReply:
        adapter = ADAPTERS.get(bot.kind)
        if adapter is None:
            return BotReply(False, False, "unknown_kind", bot.kind)
        request = adapter.request(bot.url, bot.secret, message, now)
        try:
            target = self._target(adapter, request.url)
        except Unprocessable as refused:
            reply = BotReply(False, False, refused.code, refused.message)
        else:
            if not self.store.take(bot.tenant_id, windows(adapter.limits, now)):
                # ours, before the bot's: no post, no count, and the bot does not throttle us
                logger.info("chat bot rate limited", extra={"tenant_id": bot.tenant_id,
                                                            "kind": bot.kind})
                return BotReply(False, True, "rate_limited",
                                f"{bot.kind} allows {_limits(adapter)}")
            answer = self.poster.post(target, request.headers, request.body)
            reply = adapter.read(answer.status, answer.body, answer.error)
        if reply.sent:
            self.store.note(bot, now, None)
        else:
            self.store.note(bot, now, reply.summary)
            logger.warning("chat bot refused a message", extra={
                "tenant_id": bot.tenant_id, "kind": bot.kind, "code": reply.code,
                "retry": reply.retry})
        return reply


def _limits(adapter: ChatBot) -> str:
    return ", ".join(f"{lim.count} per {lim.seconds} s" for lim in adapter.limits)
