"""The entity registry's one list: every feature's models module, imported so that each
registers its entities (shared/models.py) before any stream image is read. A new feature with
stored entities adds one line here; tests/unit/test_entity_registry.py fails until it does."""

from __future__ import annotations

from types import ModuleType


def feature_models() -> list[ModuleType]:
    from chalicelib.billing import models as billing
    from chalicelib.delivery import models as delivery
    from chalicelib.hooks import models as hooks
    from chalicelib.invitations import models as invitations
    from chalicelib.pool import models as pool
    from chalicelib.reports import models as reports
    from chalicelib.shared import models as shared

    return [shared, invitations, delivery, pool, reports, billing, hooks]


def register_all() -> None:
    """Import (and so register) every feature's entities; idempotent."""
    feature_models()
