"""Scheduled re-engagement rules (EventBridge, hourly). Time comes from the event's `time`."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.bootstrap import container
from chalicelib.clock import parse_instant
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="pool_reengage")
def pool_reengage(event: Any) -> dict[str, int]:
    """Runs every re-engagement rule whose interval has passed (idempotent, capped)."""
    now = parse_instant(event.to_dict()["time"])
    report: dict[str, int] = container().reengagement_rules.run_due(now)
    logger.info("re-engagement rules finished", extra=report)
    return report
