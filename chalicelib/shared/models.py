"""The one table: the base model every entity extends, its indexes, and the entity registry.

Every item has `pk`/`sk`, an `entity` discriminator and optional keys of the two GSIs
(`gsi1`, and the sparse, keys-only `due_keys` index of shared/domain/due.py). Every
tenant-owned key starts with `T#<tenant id>`, so a cross-tenant read cannot be written by
accident. Keys are built only by each entity's classmethods; their docstrings show the
design. Each feature keeps its entities in its own `models.py` (with its key table);
`chalicelib/entities.py` registers all of them here, so a stream image of an entity nobody
registered fails loudly instead of turning into None.

    entity       pk                          sk
    marker       <scope>#MARK                <id>                  (TTL: expiration)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import (
    DiscriminatorAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

#: the sparse due index's name (keys only; its readers are in shared/stores/due_reads.py)
DUE_INDEX = "due_keys"


class Gsi1(GlobalSecondaryIndex["Item"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex["Item"]):
    """Keys only: its readers fetch the items (shared/stores/due_reads.py), so an update
    that keeps an item's due keys writes nothing here."""

    class Meta:
        index_name = DUE_INDEX
        projection = KeysOnlyProjection()

    due_pk = UnicodeAttribute(hash_key=True)
    due_sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """Base of every entity stored in the table."""

    class Meta:
        table_name = "talentloop-local-main"  # replaced by bind_table() at start-up
        region = "us-east-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entity = DiscriminatorAttribute(attr_name="entity")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    expiration = TTLAttribute(null=True)
    # a due item whose action failed in the sweep (delivery/services/sweep.py): how often,
    # the last error's class name (never data), and when it was parked (due_pk = PARKED,
    # due_sk = <parked instant>#<tenant>#<item id>: a partition the sweep does not read)
    sweep_attempts = NumberAttribute(null=True)
    sweep_error = UnicodeAttribute(null=True)
    parked_at = UTCDateTimeAttribute(null=True)

    gsi1 = Gsi1()
    due = DueIndex()


def bind_table(table_name: str, region: str) -> None:
    """Point every model at the configured table (not read from env at import time)."""
    Item.Meta.table_name = table_name
    Item.Meta.region = region


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


class MarkerItem(Item, discriminator="marker"):
    """"This already happened" records: webhook ids, counted stream transitions."""

    @classmethod
    def key(cls, scope: str, marker_id: str) -> tuple[str, str]:
        """<scope>#MARK / <id>"""
        return f"{scope}#MARK", marker_id


class UnregisteredEntity(LookupError):
    """A stored item names an entity no feature registered (a missing import or entry in
    chalicelib/entities.py): raised, not read as None, so the record is retried and seen."""


_REGISTRY: dict[str, type[Item]] = {}


def register(models: Iterable[type[Item]]) -> None:
    """Register entity models by their stored discriminator value (idempotent)."""
    for model in models:
        value = discriminator_of(model)
        known = _REGISTRY.setdefault(value, model)
        if known is not model:
            raise ValueError(f"entity {value!r} registered twice ({known.__name__}, "
                             f"{model.__name__})")


def registered() -> dict[str, type[Item]]:
    """Stored discriminator value -> model, for every registered entity."""
    return dict(_REGISTRY)


def discriminator_of(model: type[Item]) -> str:
    """The value stored in the `entity` attribute for `model`'s items."""
    value = model._get_discriminator_attribute().get_discriminator(model)  # type: ignore[union-attr]
    return str(value)


def from_image(image: dict[str, Any]) -> Item | None:
    """Build the entity from a stream image (DynamoDB JSON); None for items without an entity
    (e.g. Powertools' idempotency records) or that do not parse. An entity value that no
    feature registered raises UnregisteredEntity."""
    entity = image.get("entity", {}).get("S")
    if entity is None:
        return None
    if entity not in _REGISTRY:
        raise UnregisteredEntity(entity)
    try:
        return Item.from_raw_data(image)
    except (ValueError, KeyError):
        return None


register([MarkerItem])
