"""Vendor webhooks at `/webhooks/vendor`: the Standard Webhooks format, as it always was.

The format itself is the `standard` adapter (adapters/vendors/standard.py: HMAC-SHA256 over
`id.timestamp.body` with the tenant's `whsec_` secret, ±5 minutes around the receipt time,
several signatures, every secret live at the receipt time); receiving, dedupe and ordering
are the shared path of every vendor (services/vendor_events.py). This module keeps the old
entry point and the old names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.invitations.adapters.vendors.standard import TYPES
from chalicelib.invitations.domain.vendors import EVENT_OF
from chalicelib.invitations.services.vendor_events import DEDUPE_FOR, SECRET_CACHE, VendorEvents

#: the vendor's event names that move the state machine (the rest of TYPES is kept too)
EVENTS = {name: EVENT_OF[lifecycle] for name, lifecycle in TYPES.items()
          if lifecycle in EVENT_OF}


class VendorWebhookService:
    def __init__(self, events: VendorEvents) -> None:
        self._events = events

    def receive(self, headers: Mapping[str, str], body: bytes,
                received_at: datetime) -> dict[str, Any]:
        return self._events.receive("standard", headers, body, received_at)


__all__ = ["DEDUPE_FOR", "EVENTS", "SECRET_CACHE", "VendorWebhookService"]
