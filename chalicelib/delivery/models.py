"""Delivery's own entities: the campaign owners' daily digests, the sweep's watermark and the
short links that SMS carries to the candidate's page.

    entity       pk                          sk
    digest       T#<t>#DIGEST#<c>            <day>                  (due keys until claimed)
    sweep_state  SWEEP                       WATERMARK
    short_link   SHORT#<code>                SHORT                  (TTL: expiration)

A short link's key is global (the URL `/s/<code>` names no tenant); the item names its tenant
and invitation, so resolving it can only ever lead to that one invitation.
"""

from __future__ import annotations

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.shared.models import Item, register, tenant_pk


class ShortLinkItem(Item, discriminator="short_link"):
    """`/s/<code>` -> one invitation's self-service page (written when an SMS is rendered)."""

    tenant_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()  # the self-service link's own expiry
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, code: str) -> tuple[str, str]:
        """SHORT#<code> / SHORT (code: shared/domain/tokens.py short_code)"""
        return f"SHORT#{code}", "SHORT"


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


register([DigestItem, SweepStateItem, ShortLinkItem])
