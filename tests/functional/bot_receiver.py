"""A chat-tool group bot on loopback for the chat-bot tests: a tiny threaded http.server
that verifies each request as the real bot would (Feishu: timestamp + sign in the body;
DingTalk: timestamp + sign in the query; WeCom: the key in the URL) and answers from a
script: the bot's JSON (error codes come with HTTP 200, as the real bots send them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.functional.loopback import serving

OK = {"feishu": {"code": 0, "msg": "success", "data": {}},
      "dingtalk": {"errcode": 0, "errmsg": "ok"}, "wecom": {"errcode": 0, "errmsg": "ok"}}


@dataclass
class Posted:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    verified: bool


@dataclass
class Bot:
    kind: str
    secret: str | None = None
    key: str = "bot-key"
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    received: list[Posted] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return {"feishu": f"{base}/open-apis/bot/v2/hook/{self.key}",
                "dingtalk": f"{base}/robot/send?access_token={self.key}",
                "wecom": f"{base}/cgi-bin/webhook/send?key={self.key}"}[self.kind]

    def answer(self, *replies: tuple[int, dict[str, Any]]) -> None:
        self.script = list(replies)

    def verify(self, path: str, query: dict[str, str], body: dict[str, Any]) -> bool:
        """The bot's own check, written from its docs (not from our adapter)."""
        if self.kind == "wecom":
            return query.get("key") == self.key
        if self.kind == "dingtalk":
            if query.get("access_token") != self.key:
                return False
            if self.secret is None:
                return "sign" not in query
            digest = hmac.new(self.secret.encode(), f"{query['timestamp']}\n{self.secret}"
                              .encode(), hashlib.sha256).digest()
            return hmac.compare_digest(query.get("sign", ""), base64.b64encode(digest).decode())
        if not path.endswith(f"/hook/{self.key}"):
            return False
        if self.secret is None:
            return "sign" not in body
        key = f"{body.get('timestamp')}\n{self.secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        return hmac.compare_digest(str(body.get("sign", "")), expected)

    def take(self, path: str, query: dict[str, str], body: dict[str, Any]) -> tuple[int, bytes]:
        verified = self.verify(path, query, body)
        with self._lock:
            self.received.append(Posted(path, query, body, verified))
            if not verified:  # what the real bots answer to a bad signature / key
                return 200, json.dumps({"feishu": {"code": 19021, "msg": "sign match fail"},
                                        "dingtalk": {"errcode": 310000, "errmsg": "sign not "
                                                     "match"},
                                        "wecom": {"errcode": 93000, "errmsg": "invalid webhook "
                                                  "url"}}[self.kind]).encode()
            status, reply = self.script.pop(0) if self.script else (200, OK[self.kind])
        return status, json.dumps(reply).encode()


@contextmanager
def bot_on_loopback(kind: str, secret: str | None = None) -> Iterator[Bot]:
    bot = Bot(kind, secret)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            status, body = bot.take(parts.path, query, json.loads(raw or b"{}"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as server:
        bot.server = server
        yield bot
