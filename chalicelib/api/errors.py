"""The one table from domain errors to HTTP statuses, and the uniform error body
`{"error": {"code": ..., "message": ...}}`."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response

from chalicelib.shared.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TooLarge,
    Unauthorized,
    Unprocessable,
    ValidationFailed,
)

STATUS: dict[type[DomainError], int] = {
    ValidationFailed: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    Unprocessable: 422,
}


def status_of(err: DomainError) -> int:
    for cls in type(err).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return 400


def error_response(status: int, code: str, message: str,
                   details: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return Response(json.dumps({"error": body}, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json"})


def from_domain(err: DomainError) -> Response:
    """Field errors carry `details` (400s, and 422s such as invalid_template)."""
    details = getattr(err, "details", None) or None
    return error_response(status_of(err), err.code, err.message, details)
