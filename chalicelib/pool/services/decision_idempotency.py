"""`Idempotency-Key` for HR's no-show decisions, with Powertools' idempotency utility (as
bulk invitations have it: `KeyedIdempotency` in invitations/services/idempotency.py).

The record lives in the same table (`pk = IDEMPOTENCY#no-show-decisions`, TTL 24 h); the key
is scoped by tenant and campaign and the body's hash is checked, so reusing a key with another
body is refused (422) instead of answered with the first result. A dry run is never
recorded: it writes nothing, and the real run after it usually reuses the console's key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.clock import parse_instant
from chalicelib.invitations.services.idempotency import KeyedIdempotency
from chalicelib.pool.services.no_show_decisions import Decision

Decide = Callable[[str, str, Decision, str, datetime], dict[str, Any]]


class IdempotentDecision:
    def __init__(self, table_name: str, decide: Decide, boto3_session: Any = None) -> None:
        def run(request: dict[str, Any]) -> dict[str, Any]:
            body = dict(request["body"])
            if body.get("new_deadline"):
                body["new_deadline"] = parse_instant(body["new_deadline"])
            return decide(request["tenant_id"], request["campaign_id"], Decision(**body),
                          request["key_id"], parse_instant(request["now"]))

        self._decide = decide
        self._keyed = KeyedIdempotency(table_name, "no-show-decisions", run, boto3_session)

    def __call__(self, tenant_id: str, campaign_id: str, decision: Decision, key_id: str,
                 now: datetime, key: str | None, lambda_context: Any = None) -> dict[str, Any]:
        if key is None or decision.dry_run:
            return self._decide(tenant_id, campaign_id, decision, key_id, now)
        body = {**decision.__dict__, "new_deadline": decision.new_deadline.isoformat()
                if decision.new_deadline else None}
        return self._keyed(tenant_id, campaign_id, key,
                           {"tenant_id": tenant_id, "campaign_id": campaign_id,
                            "key_id": key_id, "body": body, "now": now.isoformat()},
                           lambda_context)
