"""SES sending events arriving through SNS (the configuration set's event destination).
infra/ subscribes this function to the SES events topic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.delivery.domain.ses_events import parse_ses_event
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="ses_events")
def ses_events_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    results = []
    for record in event.get("Records", []):
        sns = record.get("Sns") or {}
        try:
            message = json.loads(sns.get("Message") or "{}")
        except ValueError:
            logger.warning("SES event that is not JSON", extra={"id": sns.get("MessageId")})
            results.append("ignored")
            continue
        stamp = sns.get("Timestamp")
        at = (datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
              if stamp else container().clock.now())
        results.append(container().ses_events.handle(parse_ses_event(message), at))
    return {"results": results}
