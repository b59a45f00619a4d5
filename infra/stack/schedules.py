"""EventBridge schedules: declared once, in the Chalice app, checked against the definition.

`@bp.schedule` makes `chalice package` emit the EventBridge rule with the function, so this
stack creates none of its own (two rules would run the sweep twice a minute). What it does
is hold the app's schedules to `infra/definition.py`'s, which the local runner fires too:
a schedule missing from the app, or firing at another rate, fails the synth.
"""

from __future__ import annotations

from typing import Any

from chalice.app import ScheduledEventConfig


def declared_schedules(chalice_app: Any) -> dict[str, str]:
    """Name -> expression of every `@schedule` handler of the Chalice app."""
    schedules: dict[str, str] = {}
    for source in chalice_app.event_sources:
        if isinstance(source, ScheduledEventConfig):
            expression = source.schedule_expression
            schedules[source.name] = (expression if isinstance(expression, str)
                                      else expression.to_string())
    return schedules


def check_schedules(chalice_app: Any, expected: dict[str, str]) -> dict[str, str]:
    """Raise unless the app schedules exactly `expected`; return the app's schedules."""
    declared = declared_schedules(chalice_app)
    if declared != expected:
        raise RuntimeError(
            f"the Chalice app schedules {declared} but infra/definition.py says {expected}: "
            "declare schedules with @bp.schedule and list them in RESOURCES.schedules")
    return declared
