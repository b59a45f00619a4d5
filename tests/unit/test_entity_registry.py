"""Unit tests for the entity registry (shared/models.py, chalicelib/entities.py): every stored
entity type is registered under its stored discriminator value, so a stream image can never
turn into None because a models module was not imported."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import chalicelib
from chalicelib.entities import register_all
from chalicelib.shared.models import (
    Item,
    UnregisteredEntity,
    discriminator_of,
    from_image,
    registered,
)

#: the discriminator values stored in the table: never renamed (no data migration); the
#: outbound webhooks (hooks/models.py) added hook_endpoint and hook_delivery
STORED = {
    "tenant", "api_key", "position", "campaign", "candidate", "tag", "timeline", "invitation",
    "outbox", "suppression", "marker", "digest", "sweep_state", "erasure_audit",
    "retention_state", "pool_stats", "pool_audit", "reengage_cap", "reengage_rule", "export",
    "import_job", "export_schedule", "usage", "usage_total", "price_version", "budget",
    "aggregate", "summary_state", "key_summary", "short_link", "extension_request",
    "hook_endpoint", "hook_delivery", "chat_bot", "chat_rate", "call_list_audit",
    "message_template", "message_template_head",
}


def _all_entities() -> set[type[Item]]:
    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        importlib.import_module(module.name)
    found: set[type[Item]] = set()
    todo = list(Item.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("chalicelib."):
            found.add(cls)
        todo += cls.__subclasses__()
    return found


def test_every_entity_in_chalicelib_is_registered_under_its_stored_value() -> None:
    # GIVEN every module of chalicelib imported, and the registry filled as bootstrap does
    entities = _all_entities()
    register_all()
    # WHEN the registry is read
    table = registered()
    # THEN every entity class is in it, under its discriminator, and nothing else is
    assert {discriminator_of(e): e for e in entities} == table
    assert set(table) == STORED


def test_register_all_alone_registers_every_stored_entity() -> None:
    # GIVEN only the registry's own list (what a Lambda imports at start-up)
    register_all()
    # THEN every stored entity type parses from a stream image
    assert set(registered()) == STORED
    for value, model in registered().items():
        pk, sk = "pk", "sk"
        image = {"pk": {"S": pk}, "sk": {"S": sk}, "entity": {"S": value}}
        parsed = from_image(image)
        assert parsed is None or isinstance(parsed, model)


def test_an_unregistered_entity_fails_loudly() -> None:
    # GIVEN a stream image naming an entity no feature registered
    image = {"pk": {"S": "x"}, "sk": {"S": "y"}, "entity": {"S": "no_such_entity"}}
    # WHEN / THEN it is refused, not read as None
    with pytest.raises(UnregisteredEntity):
        from_image(image)
    # and an item without an entity (e.g. an idempotency record) is still just not ours
    assert from_image({"pk": {"S": "x"}, "sk": {"S": "y"}}) is None
