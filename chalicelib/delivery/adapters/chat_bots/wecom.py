"""WeCom (企业微信) group robot (群机器人), an incoming webhook of one group.

- URL: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>`; the key is the
  credential and there is no signature (ongrid.cloud/docs/channels/wecom: "the bot key in
  the webhook URL is the credential").
- Body: `{"msgtype": "markdown", "markdown": {"content": ...}}`, content at most 4096 bytes
  (developer.work.weixin.qq.com/document/path/91770; docs.zhuonian.xyz/api/wecom-webhook).
- Answer: `{"errcode": 0, "errmsg": "ok"}`, HTTP 200 even for errors (93000: invalid
  webhook URL, the robot was removed; 45009: api freq out of limit; -1: system busy).
- Rate limit: 20 messages a minute per robot (hexdocs.pm wechat_sdk ChatRobot:
  "每个机器人发送的消息不能超过20条/分钟").
"""

from __future__ import annotations

import json
from datetime import datetime

from chalicelib.delivery.domain.chat_bots import (
    BotReply,
    BotRequest,
    ChatMessage,
    RateLimit,
    json_reply,
)

RETRY_CODES = frozenset({45009, -1})
MAX_BYTES = 4096


def clip(text: str, limit: int = MAX_BYTES) -> str:
    """At most `limit` UTF-8 bytes, cut on a character boundary."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[:limit - 3].decode(errors="ignore") + "..."


class WeComBot:
    kind: str = "wecom"
    hosts: tuple[str, ...] = ("qyapi.weixin.qq.com",)
    limits: tuple[RateLimit, ...] = (RateLimit(20, 60),)
    signs: bool = False

    def request(self, url: str, secret: str | None, message: ChatMessage,
                now: datetime) -> BotRequest:
        body = {"msgtype": "markdown",
                "markdown": {"content": clip(f"### {message.title}\n{message.text}")}}
        return BotRequest(url, json.dumps(body, ensure_ascii=False).encode(),
                          {"Content-Type": "application/json; charset=utf-8"})

    def read(self, status: int | None, body: bytes, error: str | None) -> BotReply:
        return json_reply(status, body, error, ("errcode",), ("errmsg",), RETRY_CODES)
