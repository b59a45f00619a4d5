"""The reconciliation poller (EventBridge, every 5 minutes). Time comes from the event."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.bootstrap import container
from chalicelib.clock import parse_instant
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="vendor_poll")
def vendor_poll(event: Any) -> dict[str, int]:
    """Pulls the vendor's status of open invitations for tenants that poll; idempotent."""
    now = parse_instant(event.to_dict()["time"])
    report: dict[str, int] = container().vendor_poll.run(now)
    logger.info("vendor poll finished", extra=report)
    return report
