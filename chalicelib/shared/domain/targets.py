"""Which URLs and addresses a webhook may be delivered to (pure; the SSRF guard's rules).

An endpoint's URL is checked at registration and its host's addresses again before every
delivery (DNS can change between the two): in production only https, and only to public
unicast addresses, never private (RFC 1918, unique local), loopback, link-local (the
instance metadata service at 169.254.169.254), multicast, reserved, unspecified or shared
(CGNAT) ones; IPv4-mapped IPv6 is judged by its IPv4 address. The local cloud and the tests
(`allow_loopback`) may also use plain http to loopback, so a receiver on 127.0.0.1 works.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
URL_PATTERN = r"^https?://[^\s/?#]+(/[^\s#]*)?$"


class TargetRefused(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query


def parse_url(url: str, allow_loopback: bool) -> Target:
    """The delivery target of an endpoint URL, or TargetRefused (scheme, credentials,
    fragment, a host literal that is not public)."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"url is longer than {MAX_URL_LENGTH} characters", "invalid_url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise TargetRefused(f"url is not valid: {err}", "invalid_url") from err
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise TargetRefused("url must be https", "insecure_url")
    if not parts.hostname:
        raise TargetRefused("url has no host", "invalid_url")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("url must not carry credentials", "invalid_url")
    if parts.fragment:
        raise TargetRefused("url must not have a fragment", "invalid_url")
    host = parts.hostname.lower()
    if scheme == "http" and not (allow_loopback and _loopback_name(host)):
        raise TargetRefused("url must be https", "insecure_url")
    literal = _literal(host)
    if literal is not None:
        refusal = refused_address(literal, allow_loopback)
        if refusal:
            raise TargetRefused(f"url points at a {refusal} address", "forbidden_target")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def refused_address(address: str, allow_loopback: bool = False) -> str | None:
    """Why a webhook may not go to `address` (e.g. "private"), or None if it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unreadable"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for name, hit in (("unspecified", ip.is_unspecified), ("link-local", ip.is_link_local),
                      ("multicast", ip.is_multicast), ("reserved", ip.is_reserved),
                      ("private", ip.is_private),
                      ("shared", ip in ipaddress.ip_network("100.64.0.0/10"))):
        if hit:
            return name
    return None if ip.is_global else "non-public"


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _loopback_name(host: str) -> bool:
    literal = _literal(host)
    return host == "localhost" or (literal is not None and
                                   ipaddress.ip_address(literal).is_loopback)
