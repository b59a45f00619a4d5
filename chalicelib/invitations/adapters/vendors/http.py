"""The vendor adapters' one outside dependency: JSON over HTTPS (injected, so tests pass
a fake and nothing here reads the network at import time)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol

TIMEOUT_S = 10


class JsonHttp(Protocol):
    def get(self, url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Any: ...

    def post(self, url: str, body: Any, headers: Mapping[str, str]) -> Any: ...


class UrllibHttp:
    """The standard library's client: no redirects are worth following to a vendor API, a
    non-2xx answer raises (`urllib.error.HTTPError`)."""

    def __init__(self, timeout_s: float = TIMEOUT_S) -> None:
        self._timeout = timeout_s

    def get(self, url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Any:
        query = urllib.parse.urlencode(dict(params))
        return self._call(urllib.request.Request(f"{url}?{query}" if query else url,
                                                 headers=dict(headers)))

    def post(self, url: str, body: Any, headers: Mapping[str, str]) -> Any:
        data = json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json", **headers})
        return self._call(request)

    def _call(self, request: urllib.request.Request) -> Any:
        with urllib.request.urlopen(request, timeout=self._timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None
