"""Vendor payload fixtures (tests/fixtures/vendors/<vendor>/<event>.json), loaded by name with
our invitation id put where the vendor puts its external reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "vendors"
PLACEHOLDER = "INVITATION_ID"


def names(vendor: str) -> list[str]:
    return sorted(p.stem for p in (FIXTURES / vendor).glob("*.json"))


def payload(vendor: str, name: str, invitation_id: str = PLACEHOLDER) -> dict[str, Any]:
    text = (FIXTURES / vendor / f"{name}.json").read_text().replace(PLACEHOLDER, invitation_id)
    data: dict[str, Any] = json.loads(text)
    return data


def body(vendor: str, name: str, invitation_id: str = PLACEHOLDER) -> bytes:
    return json.dumps(payload(vendor, name, invitation_id)).encode()
