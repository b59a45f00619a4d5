"""DingTalk custom robot (自定义机器人), an incoming webhook of one group.

- URL: `https://oapi.dingtalk.com/robot/send?access_token=<token>`; the token is the
  credential.
- Signature ("加签", optional): `sign = urlencode(base64(HMAC-SHA256(key = secret, message =
  timestamp + "\\n" + secret)))`, timestamp in *milliseconds*, both appended to the URL as
  `&timestamp=<ms>&sign=<sign>`; an hour off is refused. DingTalk's documented samples
  (open.dingtalk.com "自定义机器人安全设置", quoted in apifox.com/apidoc/docs-site/467052 and
  mihaoyun.com/wordpress/?p=391) use the secret as the key, unlike Feishu.
- Body: `{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`.
- Answer: `{"errcode": 0, "errmsg": "ok"}`, HTTP 200 even for errors (310000: keyword,
  signature or IP rule not met; 300001: invalid token; 410100: sending too fast).
- Rate limit: 20 messages a minute per robot; beyond, the robot is throttled for 10 minutes
  (zhuoqun.info/article/182; 3fwork.com/kaifa200/001550MYM007109: "每分钟最多发送20条").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import quote_plus

from chalicelib.delivery.domain.chat_bots import (
    BotReply,
    BotRequest,
    ChatMessage,
    RateLimit,
    json_reply,
)

RETRY_CODES = frozenset({410100, 130101, -1})  # too fast, (older) too fast, system busy


def sign(timestamp_ms: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


class DingTalkBot:
    kind: str = "dingtalk"
    hosts: tuple[str, ...] = ("oapi.dingtalk.com",)
    limits: tuple[RateLimit, ...] = (RateLimit(20, 60),)
    signs: bool = True

    def request(self, url: str, secret: str | None, message: ChatMessage,
                now: datetime) -> BotRequest:
        if secret:
            timestamp = int(now.timestamp() * 1000)
            url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}" \
                  f"&sign={sign(timestamp, secret)}"
        body = {"msgtype": "markdown",
                "markdown": {"title": message.title,
                             "text": f"### {message.title}\n\n{message.text}"}}
        return BotRequest(url, json.dumps(body, ensure_ascii=False).encode(),
                          {"Content-Type": "application/json; charset=utf-8"})

    def read(self, status: int | None, body: bytes, error: str | None) -> BotReply:
        return json_reply(status, body, error, ("errcode",), ("errmsg",), RETRY_CODES)
