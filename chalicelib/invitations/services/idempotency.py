"""`Idempotency-Key` for bulk invitations, with Powertools' idempotency utility.

The record lives in the same table (`pk = IDEMPOTENCY#invitations`, TTL 24 h). The key is
scoped by tenant and campaign; the body's hash is checked, so reusing a key with another body
is refused instead of silently answered with the first result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from chalicelib.clock import parse_instant
from chalicelib.shared.domain.errors import Conflict, Unprocessable, ValidationFailed

EXPIRES_AFTER_S = 24 * 3600
MAX_KEY = 200

Invite = Callable[[str, str, Any, datetime], dict[str, Any]]


class KeyedIdempotency:
    """One `Idempotency-Key` scope (`IDEMPOTENCY#<scope>`): a key is checked (1-200
    characters), scoped by `<tenant>|<campaign>|<key>`, its `body` hashed, and `handler`
    runs once per key; a reused key with another body is 422, one still running 409."""

    def __init__(self, table_name: str, scope: str,
                 handler: Callable[[dict[str, Any]], dict[str, Any]],
                 boto3_session: Any = None) -> None:
        persistence = DynamoDBPersistenceLayer(
            table_name=table_name, key_attr="pk", sort_key_attr="sk",
            static_pk_value=f"IDEMPOTENCY#{scope}", boto3_session=boto3_session)
        self._config = IdempotencyConfig(event_key_jmespath="key",
                                         payload_validation_jmespath="body",
                                         expires_after_seconds=EXPIRES_AFTER_S)

        @idempotent_function(data_keyword_argument="request", persistence_store=persistence,
                             config=self._config)
        def run(request: dict[str, Any]) -> dict[str, Any]:
            return handler(request)

        self._run = run

    def __call__(self, tenant_id: str, campaign_id: str, key: str, request: dict[str, Any],
                 lambda_context: Any = None) -> dict[str, Any]:
        """`request` (JSON: it is stored) carries the `body` to hash and what `handler` reads."""
        if not key.strip() or len(key) > MAX_KEY:
            raise ValidationFailed(f"Idempotency-Key must be 1-{MAX_KEY} characters",
                                   code="invalid_idempotency_key")
        if lambda_context is not None:  # lets an in-progress record expire with the Lambda
            self._config.register_lambda_context(lambda_context)
        try:
            result: dict[str, Any] = self._run(
                request={**request, "key": f"{tenant_id}|{campaign_id}|{key}"})
        except IdempotencyValidationError as err:
            raise Unprocessable("this Idempotency-Key was used with a different body",
                                code="idempotency_key_reused") from err
        except IdempotencyAlreadyInProgressError as err:
            raise Conflict("a request with this Idempotency-Key is still running",
                           code="idempotency_in_progress") from err
        return result


class IdempotentInvite:
    def __init__(self, table_name: str, invite: Invite, boto3_session: Any = None) -> None:
        self._invite = invite
        self._keyed = KeyedIdempotency(
            table_name, "invitations",
            lambda r: invite(r["tenant_id"], r["campaign_id"], r["body"],
                             parse_instant(r["now"])), boto3_session)

    def __call__(self, tenant_id: str, campaign_id: str, candidates: Any, now: datetime,
                 key: str | None, lambda_context: Any = None) -> dict[str, Any]:
        if key is None:
            return self._invite(tenant_id, campaign_id, candidates, now)
        return self._keyed(tenant_id, campaign_id, key,
                           {"tenant_id": tenant_id, "campaign_id": campaign_id,
                            "body": candidates, "now": now.isoformat()}, lambda_context)
