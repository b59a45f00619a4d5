"""A webhook receiver on loopback for the outbound-webhook tests and the benchmark: a tiny
threaded http.server that answers from a script (status, headers, a delay) and verifies
each request's Standard Webhooks signature with the endpoint's secret, as an HR system
would."""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.functional.loopback import serving


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str
    verified: bool


def signed(secret: str, headers: dict[str, str], body: str) -> bool:
    """Standard Webhooks verification of any of the header's signatures (the library's
    `verify` also checks the timestamp against the wall clock, which the tests move)."""
    try:
        at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
        expected = Webhook(secret).sign(headers["webhook-id"], at, body)
    except (KeyError, ValueError, WebhookVerificationError):
        return False
    return any(hmac.compare_digest(given, expected)
               for given in headers.get("webhook-signature", "").split(" "))


class Receiver:
    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.default = Reply()
        self.secret: str | None = None
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, *replies: Reply, then: Reply | None = None) -> None:
        self.script = list(replies)
        if then is not None:
            self.default = then

    def _next(self) -> Reply:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def record(self, path: str, headers: dict[str, str], body: str) -> None:
        verified = self.secret is not None and signed(self.secret, headers, body)
        with self._lock:
            self.received.append(Received(path, headers, body, verified))

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.record(self.path, headers, body)
            reply = receiver._next()
            if reply.delay_s:
                time.sleep(reply.delay_s)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender timed out and hung up

    with serving(Handler) as server:
        receiver.server = server
        yield receiver
