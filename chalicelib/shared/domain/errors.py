"""Domain errors. Each carries a stable machine-readable code; one table in
`api/errors.py` maps the classes to HTTP statuses. Never chosen by matching message text."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ValidationFailed(DomainError):
    code = "validation_failed"

    def __init__(self, message: str, *, code: str | None = None,
                 details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message, code=code)
        self.details = details or []


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Unprocessable(DomainError):
    code = "unprocessable"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class TooLarge(DomainError):
    code = "payload_too_large"
