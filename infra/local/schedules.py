"""When the local runner fires each scheduled function: EventBridge's expressions from the
definition (`rate(1 minute)`, `rate(1 hour)`, `cron(M H * * ? *)`), checked once a minute."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((\d+) (\d+|\*) \* \* \? \*\)$")


def fires_at(expression: str, at: datetime) -> bool:
    """Whether a schedule fires in the minute of `at` (UTC). Raises ValueError for an
    expression the local runner does not understand (so a new one cannot be silently
    skipped)."""
    at = at.astimezone(UTC)
    minutes = at.hour * 60 + at.minute + (at.toordinal() * 1440)
    rate = _RATE.match(expression)
    if rate:
        amount, unit = int(rate[1]), rate[2].rstrip("s")
        period = amount * {"minute": 1, "hour": 60, "day": 1440}[unit]
        return minutes % period == 0
    cron = _CRON.match(expression)
    if cron:
        minute, hour = int(cron[1]), cron[2]
        return at.minute == minute and (hour == "*" or at.hour == int(hour))
    raise ValueError(f"schedule expression not understood locally: {expression}")
