"""Delivery's own entities: the campaign owners' daily digests, the sweep's watermark, the
short links that SMS carries to the candidate's page and the tenants' message templates.

    entity                 pk                    sk
    digest                 T#<t>#DIGEST#<c>      <day>                  (due keys until claimed)
    sweep_state            SWEEP                 WATERMARK
    short_link             SHORT#<code>          SHORT                  (TTL: expiration)
    chat_bot               T#<t>#CHATBOT         BOT
    chat_rate              T#<t>#CHATBOT         RATE#<seconds>s#<start>  (TTL: expiration)
    message_template       T#<t>#TEMPLATES       V#<kind>#<locale>#<version, 6 digits>
    message_template_head  T#<t>#TEMPLATES       HEAD#<kind>#<locale>

A template version is immutable (written once, "must not exist"); the head names the current
one and moves only from the version it was read at (conditional), in the same transaction.
One Query of `HEAD#` lists a tenant's effective templates; a campaign pins their versions when
it is created (`CampaignItem.template_versions`), so it keeps sending what it started with.

A short link's key is global (the URL `/s/<code>` names no tenant); the item names its tenant
and invitation, so resolving it can only ever lead to that one invitation.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
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




def templates_pk(tenant_id: str) -> str:
    return f"{tenant_pk(tenant_id)}#TEMPLATES"


class TemplateVersionItem(Item, discriminator="message_template"):
    """One saved version of a tenant's template (kind x locale, every part). `custom` false:
    a reset, the shipped files again (the parts are then empty)."""

    tenant_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    locale = UnicodeAttribute()
    version = NumberAttribute()
    custom = BooleanAttribute()
    subject = UnicodeAttribute(null=True)
    txt = UnicodeAttribute(null=True)
    html = UnicodeAttribute(null=True)
    sms = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)  # the API key id that saved it

    @classmethod
    def key(cls, tenant_id: str, kind: str, locale: str, version: int) -> tuple[str, str]:
        """T#<tenant>#TEMPLATES / V#<kind>#<locale>#<000042>"""
        return templates_pk(tenant_id), f"V#{kind}#{locale}#{version:06d}"


class TemplateHeadItem(Item, discriminator="message_template_head"):
    """The current version of a tenant's template (absent: never edited, the shipped one)."""

    tenant_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    locale = UnicodeAttribute()
    version = NumberAttribute()
    custom = BooleanAttribute()
    updated_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, kind: str, locale: str) -> tuple[str, str]:
        """T#<tenant>#TEMPLATES / HEAD#<kind>#<locale>"""
        return templates_pk(tenant_id), f"HEAD#{kind}#{locale}"



register([DigestItem, SweepStateItem, ShortLinkItem, ChatBotItem, ChatRateItem,
          TemplateVersionItem, TemplateHeadItem])
