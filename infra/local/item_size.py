"""DynamoDB's item size from a low-level item (developer guide, "Item sizes and formats"):
what each write unit (1 KB) and read unit (4 KB) pays for. Used by the lifecycle benchmark
and by the test that keeps an invitation within one write unit."""

from __future__ import annotations

from typing import Any


def value_bytes(value: dict[str, Any]) -> int:
    (kind, v), = value.items()
    if kind in ("S", "B"):
        return len(v.encode() if isinstance(v, str) else v)
    if kind == "N":
        return (len(v.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_bytes(x) + 1 for k, x in v.items())
    if kind == "L":
        return 3 + sum(value_bytes(x) + 1 for x in v)
    return sum(len(x.encode() if isinstance(x, str) else x) for x in v)  # SS / NS / BS


def attribute_bytes(name: str, value: dict[str, Any]) -> int:
    return len(name.encode()) + value_bytes(value)


def item_bytes(item: dict[str, dict[str, Any]]) -> int:
    return sum(attribute_bytes(k, v) for k, v in item.items())
