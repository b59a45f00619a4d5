"""Feishu / Lark custom bot (自定义机器人), an incoming webhook of one group chat.

- URL: `https://open.feishu.cn/open-apis/bot/v2/hook/<token>` (Lark:
  `https://open.larksuite.com/open-apis/bot/v2/hook/<token>`); the token is the credential.
- Signature ("签名校验", optional): `sign = base64(HMAC-SHA256(key = timestamp + "\\n" +
  secret, message = ""))`, timestamp in *seconds*, both sent in the JSON body next to
  `msg_type` and `content`; Feishu refuses a timestamp more than an hour off. Feishu's
  documented Python sample (open.feishu.cn "自定义机器人使用指南", quoted in e.g.
  createh5.com/post/277.html) and gitea's fix go-gitea/gitea#34802 use exactly this
  (the HMAC of an empty message keyed with the string to sign).
- Body: `{"timestamp", "sign", "msg_type": "text", "content": {"text": ...}}` (plain text:
  markdown would need an interactive card).
- Answer: HTTP 200 with `{"code": 0, "msg": "success"}`; errors keep HTTP 200/400 with a
  non-zero `code` (19021: sign match fail or timestamp off; 19024: keyword mismatch;
  9499: bad request); older answers use `StatusCode`/`StatusMessage`.
- Rate limit: 100 messages a minute and 5 a second per bot; beyond, code 11232 (frequency
  limited) or HTTP 429 (openclaw/openclaw 90c7870: "11232 ... 100/min, 5/sec").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime

from chalicelib.delivery.domain.chat_bots import (
    BotReply,
    BotRequest,
    ChatMessage,
    RateLimit,
    json_reply,
)

RETRY_CODES = frozenset({11232})  # frequency limited


def sign(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class FeishuBot:
    kind: str = "feishu"
    hosts: tuple[str, ...] = ("open.feishu.cn", "open.larksuite.com")
    limits: tuple[RateLimit, ...] = (RateLimit(100, 60), RateLimit(5, 1))
    signs: bool = True

    def request(self, url: str, secret: str | None, message: ChatMessage,
                now: datetime) -> BotRequest:
        body: dict[str, object] = {"msg_type": "text",
                                   "content": {"text": f"{message.title}\n\n{message.text}"}}
        if secret:
            timestamp = int(now.timestamp())
            body = {"timestamp": str(timestamp), "sign": sign(timestamp, secret), **body}
        return BotRequest(url, json.dumps(body, ensure_ascii=False).encode(),
                          {"Content-Type": "application/json; charset=utf-8"})

    def read(self, status: int | None, body: bytes, error: str | None) -> BotReply:
        return json_reply(status, body, error, ("code", "StatusCode"), ("msg", "StatusMessage"),
                          RETRY_CODES)
