"""Delivery's own entities: the campaign owners' daily digests and the sweep's watermark.

    entity       pk                          sk
    digest       T#<t>#DIGEST#<c>            <day>                  (due keys until claimed)
    sweep_state  SWEEP                       WATERMARK
"""

from __future__ import annotations

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.shared.models import Item, register, tenant_pk


class DigestItem(Item, discriminator="digest"):
    """One campaign's daily digest for its owner: created (idempotently) when an invitation
    turns no_show, due the next morning; the sweep turns it into an outbox email."""

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    day = UnicodeAttribute()
    owner_email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str, day: str) -> tuple[str, str]:
        """T#<tenant>#DIGEST#<campaign> / <day>"""
        return f"{tenant_pk(tenant_id)}#DIGEST#{campaign_id}", day

    @property
    def item_id(self) -> str:
        return f"digest/{self.campaign_id}/{self.day}"


class SweepStateItem(Item, discriminator="sweep_state"):
    watermark = UnicodeAttribute()

    @classmethod
    def key(cls) -> tuple[str, str]:
        """SWEEP / WATERMARK: the last hour bucket the sweep finished."""
        return "SWEEP", "WATERMARK"


register([DigestItem, SweepStateItem])
