"""The daily retention job (EventBridge): anonymise candidates whose clock ran out."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalice import Blueprint, Cron

from chalicelib.bootstrap import container
from chalicelib.clock import parse_instant
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.schedule(Cron(30, 3, "*", "*", "?", "*"), name="retention")
def retention(event: Any) -> dict[str, Any]:
    """Daily at 03:30 UTC; time comes from the event."""
    now = parse_instant(event.to_dict()["time"])
    report = asdict(container().retention.run(now))
    logger.info("retention finished", extra=report)
    return report
