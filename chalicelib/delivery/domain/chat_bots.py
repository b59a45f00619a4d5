"""The chat-bot notification seam (pure): what a tenant's incoming-webhook group bot
(Feishu/Lark custom bot, DingTalk custom robot, WeCom group robot) is asked to post, and how
its answer is read.

A bot kind is an adapter implementing `ChatBot` (delivery/adapters/chat_bots/, registered in
its `ADAPTERS`): it builds the signed HTTPS request for a `ChatMessage` and reads the bot's
answer. These bots answer most refusals with HTTP 200 and a JSON error code, so the status
alone says little: `read` turns both into a `BotReply` (sent, or refused for good, or to be
retried later). Each kind documents its rate limit per robot; `windows` turns the limits into
fixed windows that a store counts (delivery/stores/chat_bot_store.py), so every sender
instance shares them. Time is always passed in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

#: the poster's refusals that no retry heals (shared/domain/targets.py codes)
REFUSED_TARGETS = frozenset({"forbidden_target", "insecure_url", "invalid_url"})


@dataclass(frozen=True)
class RateLimit:
    """At most `count` messages per `seconds` (a fixed window aligned on the epoch)."""

    count: int
    seconds: int


@dataclass(frozen=True)
class ChatMessage:
    title: str  # starts with "TalentLoop" (a DingTalk keyword rule can match it)
    text: str  # lightweight markdown: headings, bold, lists (plain text for Feishu's `text`)


@dataclass(frozen=True)
class BotRequest:
    url: str  # the bot's URL, with any signing query parameters
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class BotReply:
    sent: bool
    retry: bool  # not sent, but may be later (rate limited, busy, 5xx, no answer)
    code: str  # the bot's error code ("0" when sent), or "http_<status>", or the poster's
    message: str = ""

    @property
    def summary(self) -> str:
        return f"{self.code}: {self.message}"[:200] if self.message else self.code


class ChatBot(Protocol):
    """One bot kind. `hosts`: the names its webhook URLs use in production (the URL must name
    one of them; the SSRF guard checks their addresses too). `secret` is the signing secret
    (Feishu, DingTalk "加签"); None when the bot has no signature check configured."""

    kind: str
    hosts: tuple[str, ...]
    limits: tuple[RateLimit, ...]
    signs: bool  # whether a secret is used (WeCom: the key in the URL is the credential)

    def request(self, url: str, secret: str | None, message: ChatMessage,
                now: datetime) -> BotRequest: ...

    def read(self, status: int | None, body: bytes, error: str | None) -> BotReply: ...


class ChatSender(Protocol):
    """The sender's port: post to the tenant's bot; an id, or TransientSendError /
    PermanentSendError (shared/domain/ports.py)."""

    def send(self, tenant_id: str, message: ChatMessage, now: datetime) -> str: ...


@dataclass(frozen=True)
class Window:
    key: str  # "<seconds>s#<window start, epoch seconds>"
    limit: int
    ends: datetime


def windows(limits: Iterable[RateLimit], now: datetime) -> list[Window]:
    """The fixed windows `now` falls in, one per limit."""
    epoch = int(now.timestamp())
    out = []
    for limit in limits:
        start = epoch - epoch % limit.seconds
        out.append(Window(f"{limit.seconds}s#{start}", limit.count,
                          datetime.fromtimestamp(start + limit.seconds, UTC)))
    return out


def admits(counts: dict[str, int], limits: Iterable[RateLimit], now: datetime) -> bool:
    """Whether one more message fits every window (`counts`: messages already in each)."""
    return all(counts.get(w.key, 0) < w.limit for w in windows(limits, now))


def wait_until(counts: dict[str, int], limits: Iterable[RateLimit],
               now: datetime) -> datetime | None:
    """When the next message may go: None if now, else the end of the last full window."""
    full = [w.ends for w in windows(limits, now) if counts.get(w.key, 0) >= w.limit]
    return max(full) if full else None


def json_reply(status: int | None, body: bytes, error: str | None, code_fields: tuple[str, ...],
               message_fields: tuple[str, ...], retry_codes: frozenset[int]) -> BotReply:
    """The common reading of a JSON-answering bot: no answer or 429/5xx retries; a 2xx/4xx
    JSON body's error code decides (0 = sent; a rate-limit or busy code retries; any other
    refuses for good: a bad signature, a removed bot or a keyword mismatch will not heal by
    itself)."""
    if status is None:  # no answer: retried, unless the SSRF guard refused the address
        return BotReply(False, error not in REFUSED_TARGETS, error or "no_answer")
    if status == 429 or status >= 500:
        return BotReply(False, True, f"http_{status}")
    try:
        parsed = json.loads(body.decode() or "{}")
    except (UnicodeDecodeError, ValueError):
        parsed = None
    if not isinstance(parsed, dict):
        return BotReply(200 <= status < 300, False, f"http_{status}",
                        "" if 200 <= status < 300 else "not JSON")
    code = next((parsed[f] for f in code_fields if f in parsed), None)
    message = next((str(parsed[f]) for f in message_fields if f in parsed), "")
    if not isinstance(code, int) or isinstance(code, bool):
        ok = 200 <= status < 300
        return BotReply(ok, False, f"http_{status}", "" if ok else message)
    if code == 0 and 200 <= status < 300:
        return BotReply(True, False, "0")
    return BotReply(False, code in retry_codes, str(code), message)

