"""The channels a message can go by, and which contact field holds each one's address.

The one list: campaigns and reminder policies accept these names, and every place that asks
"can this candidate be reached on channel c" (invitations, re-engagement, suggestions,
erasure, opt-out) reads the address through `address_of` / `addresses`. A new channel adds
one `Channel` here; delivery adds its sender and templates (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Channel:
    name: str  # stored on campaigns, invitations and outbox items
    address_field: str  # the profile / import row / request row attribute with the address


CHANNELS = (Channel("email", "email"), Channel("sms", "phone"))
NAMES = tuple(c.name for c in CHANNELS)
_BY_NAME = {c.name: c for c in CHANNELS}


def address_of(contact: Any, channel: str) -> str | None:
    """The contact's address on `channel` (None: none, or no such channel)."""
    known = _BY_NAME.get(channel)
    value = getattr(contact, known.address_field, None) if known else None
    return str(value) if value else None


def addresses(contact: Any) -> list[tuple[str, str | None]]:
    """(channel, address or None) for every channel, in the channel list's order."""
    return [(c.name, getattr(contact, c.address_field, None)) for c in CHANNELS]
