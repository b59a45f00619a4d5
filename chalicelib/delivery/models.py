"""Delivery's own entities: the campaign owners' daily digests, the sweep's watermark and the
short links that SMS carries to the candidate's page.

    entity       pk                          sk
    digest       T#<t>#DIGEST#<c>            <day>                  (due keys until claimed)
    sweep_state  SWEEP                       WATERMARK
    short_link   SHORT#<code>                SHORT                  (TTL: expiration)
    chat_bot     T#<t>#CHATBOT               BOT
    chat_rate    T#<t>#CHATBOT               RATE#<seconds>s#<start>  (TTL: expiration)

A short link's key is global (the URL `/s/<code>` names no tenant); the item names its tenant
and invitation, so resolving it can only ever lead to that one invitation.
"""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
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
    """One campaign's daily digest: created (idempotently) when an invitation turns no_show,
    due the next morning; the sweep turns it into outbox items, one email for the owner and
    one per interviewer, and one chat message if the tenant has a chat bot."""

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    day = UnicodeAttribute()
    owner_email = UnicodeAttribute(null=True)  # None: interviewers or the chat bot only
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


class ChatBotItem(Item, discriminator="chat_bot"):
    """The tenant's incoming-webhook group bot (delivery/domain/chat_bots.py). The URL and the
    signing secret are credentials: the API never shows them back (only a hint)."""

    tenant_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # feishu | dingtalk | wecom (adapters/chat_bots: ADAPTERS)
    url = UnicodeAttribute()
    secret = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    last_sent_at = UTCDateTimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)  # the bot's last refusal (code: message)
    last_error_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """T#<tenant>#CHATBOT / BOT: one bot per tenant."""
        return f"{tenant_pk(tenant_id)}#CHATBOT", "BOT"


class ChatRateItem(Item, discriminator="chat_rate"):
    """Messages posted to the tenant's bot in one fixed window of one of its kind's limits;
    shared by every sender instance, gone (TTL) after the window."""

    n = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, window: str) -> tuple[str, str]:
        """T#<tenant>#CHATBOT / RATE#<window> (window: "<seconds>s#<start epoch s>")."""
        return f"{tenant_pk(tenant_id)}#CHATBOT", f"RATE#{window}"


register([DigestItem, SweepStateItem, ShortLinkItem, ChatBotItem, ChatRateItem])
