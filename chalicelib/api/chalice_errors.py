"""Chalice's own error answers (an unknown method: 405, a content type no route takes: 415)
rewritten into the uniform body `{"error": {"code", "message"}}`, so a client parses one
error shape whatever answered. Registered as HTTP middleware by this blueprint."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.errors import error_response

bp = Blueprint(__name__)

_WORDS = re.compile(r"(?<!^)(?=[A-Z])")


def _code(chalice_code: str) -> str:
    """MethodNotAllowedError -> method_not_allowed."""
    return _WORDS.sub("_", chalice_code.removesuffix("Error")).lower()


@bp.middleware("http")
def uniform_chalice_errors(event: Any, get_response: Any) -> Response:
    response: Response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {"Code",
                                                                                "Message"}:
        uniform = error_response(response.status_code, _code(str(body["Code"])),
                                 str(body["Message"]))
        uniform.headers = {**(response.headers or {}), **uniform.headers}
        return uniform
    return response
