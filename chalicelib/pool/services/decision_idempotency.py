"""`Idempotency-Key` for HR's no-show decisions, with Powertools' idempotency utility (as
bulk invitations have it: invitations/services/idempotency.py).

The record lives in the same table (`pk = IDEMPOTENCY#no-show-decisions`, TTL 24 h); the key
is scoped by tenant and campaign and the body's hash is checked, so reusing a key with another
body is refused (422) instead of answered with the first result. A dry run is never
recorded: it writes nothing, and the real run after it usually reuses the console's key.
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
from chalicelib.pool.services.no_show_decisions import Decision
from chalicelib.shared.domain.errors import Conflict, Unprocessable, ValidationFailed

EXPIRES_AFTER_S = 24 * 3600
MAX_KEY = 200

Decide = Callable[[str, str, Decision, str, datetime], dict[str, Any]]


class IdempotentDecision:
    def __init__(self, table_name: str, decide: Decide, boto3_session: Any = None) -> None:
        persistence = DynamoDBPersistenceLayer(
            table_name=table_name, key_attr="pk", sort_key_attr="sk",
            static_pk_value="IDEMPOTENCY#no-show-decisions", boto3_session=boto3_session)
        config = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body",
                                   expires_after_seconds=EXPIRES_AFTER_S)

        @idempotent_function(data_keyword_argument="request", persistence_store=persistence,
                             config=config)
        def run(request: dict[str, Any]) -> dict[str, Any]:
            body = dict(request["body"])
            if body.get("new_deadline"):
                body["new_deadline"] = parse_instant(body["new_deadline"])
            return decide(request["tenant_id"], request["campaign_id"], Decision(**body),
                          request["key_id"], parse_instant(request["now"]))

        self._run = run
        self._decide = decide
        self._config = config

    def __call__(self, tenant_id: str, campaign_id: str, decision: Decision, key_id: str,
                 now: datetime, key: str | None, lambda_context: Any = None) -> dict[str, Any]:
        if key is None or decision.dry_run:
            return self._decide(tenant_id, campaign_id, decision, key_id, now)
        if not key.strip() or len(key) > MAX_KEY:
            raise ValidationFailed(f"Idempotency-Key must be 1-{MAX_KEY} characters",
                                   code="invalid_idempotency_key")
        if lambda_context is not None:  # lets an in-progress record expire with the Lambda
            self._config.register_lambda_context(lambda_context)
        body = {**decision.__dict__, "new_deadline": decision.new_deadline.isoformat()
                if decision.new_deadline else None}
        request = {"key": f"{tenant_id}|{campaign_id}|{key}", "tenant_id": tenant_id,
                   "campaign_id": campaign_id, "key_id": key_id, "body": body,
                   "now": now.isoformat()}
        try:
            result: dict[str, Any] = self._run(request=request)
        except IdempotencyValidationError as err:
            raise Unprocessable("this Idempotency-Key was used with a different body",
                                code="idempotency_key_reused") from err
        except IdempotencyAlreadyInProgressError as err:
            raise Conflict("a request with this Idempotency-Key is still running",
                           code="idempotency_in_progress") from err
        return result
