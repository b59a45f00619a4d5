"""POSTs to an outside HTTPS endpoint with the SSRF guard on every attempt: the hooks'
signed deliveries and delivery's chat-bot messages (both features use this one guard).

The host is resolved here and *every* address it resolves to is checked
(domain/targets.py); the connection then goes to the checked address (the name is only sent
as `Host` and as TLS SNI, and the certificate is verified against it), so a DNS answer that
changes between the check and the connect (rebinding) cannot reach an internal address.
Redirects are never followed: a 3xx is the attempt's answer, and a failure. One timeout
bounds the connect and every read (`timeout_s`).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from chalicelib.shared.domain.targets import Target, TargetRefused, refused_address

#: how much of an answer is read before the connection is closed (kept in `Answer.body`:
#: chat bots answer their JSON error codes with HTTP 200)
READ_LIMIT = 4096


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (timeout, refused, forbidden target)
    retry_after: str | None = None
    error: str | None = None  # a short class of failure, never the body
    duration_ms: int = 0
    body: bytes = b""  # at most READ_LIMIT bytes of the answer


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_host(target: Target, allow_loopback: bool) -> list[str]:
    """The host's addresses, if every one of them may be delivered to; else TargetRefused."""
    try:
        addresses = resolve(target.host, target.port)
    except (socket.gaierror, UnicodeError) as err:
        raise TargetRefused(f"host {target.host} does not resolve", "unresolvable_host") from err
    for address in addresses:
        why = refused_address(address, allow_loopback)
        if why:
            raise TargetRefused(f"host {target.host} resolves to a {why} address",
                                "forbidden_target")
    return addresses


class _PinnedHttps(http.client.HTTPSConnection):
    """HTTPS to a given address, verifying the certificate for the URL's host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._ctx = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self.host)


class HttpPoster:
    def __init__(self, timeout_s: float, allow_loopback: bool) -> None:
        self._timeout = timeout_s
        self._allow_loopback = allow_loopback
        self._tls = ssl.create_default_context()

    def check(self, target: Target) -> None:
        """Registration's check of the host (the same one every delivery makes)."""
        check_host(target, self._allow_loopback)

    def post(self, target: Target, headers: dict[str, str], body: bytes) -> Answer:
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            address = check_host(target, self._allow_loopback)[0]
        except TargetRefused as refused:
            return Answer(None, error=refused.code, duration_ms=took())
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHttps(target.host, address, target.port, self._timeout,
                                      self._tls)
        else:  # loopback only (domain/targets.py)
            connection = http.client.HTTPConnection(address, target.port,
                                                    timeout=self._timeout)
        try:
            host = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
            connection.request("POST", target.path, body=body,
                               headers={**headers, "Host": host,
                                        "Content-Length": str(len(body))})
            response = connection.getresponse()
            body = response.read(READ_LIMIT)
            return Answer(response.status, response.getheader("Retry-After"),
                          duration_ms=took(), body=body)
        except TimeoutError:
            return Answer(None, error="timeout", duration_ms=took())
        except ssl.SSLError:
            return Answer(None, error="tls_error", duration_ms=took())
        except (OSError, http.client.HTTPException) as err:
            return Answer(None, error=f"connection_error:{type(err).__name__}",
                          duration_ms=took())
        finally:
            connection.close()
