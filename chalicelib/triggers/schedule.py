"""Scheduled functions (EventBridge). Time comes from the event's `time`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalice import Blueprint, Rate

from chalicelib.bootstrap import container
from chalicelib.clock import parse_instant
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="sweep")
def sweep(event: Any) -> dict[str, Any]:
    """Deadline sweep: due invitations -> no_show + reminder; end of grace -> closed."""
    raw = event.to_dict()
    now = parse_instant(raw["time"])
    detail = raw.get("detail") or {}
    if isinstance(detail, dict) and detail.get("requeue_parked"):  # an operator's invoke
        requeued = container().sweep.requeue_parked(now, int(detail.get("limit", 100)))
        logger.info("parked items requeued", extra={"requeued": requeued})
    context = getattr(event, "context", None)
    time_left = (lambda: context.get_remaining_time_in_millis() / 1000) if context else None
    report = asdict(container().sweep.run(now, time_left))
    logger.info("sweep finished", extra=report)
    return report
