"""Billing's entities: usage records and daily totals, price versions, budgets.

    entity          pk                       sk
    usage           T#<t>#USAGE#<YYYY-MM>    REC#<YYYY-MM-DD>#<usage key>
    usage_total     T#<t>#USAGE#<YYYY-MM>    TOTAL#<YYYY-MM-DD>
    price_version   T#<t>#BILLING            PRICE#<YYYY-MM-DD>#<version>
    budget          T#<t>#BILLING            BUDGET
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.shared.models import Item, register, tenant_pk


class UsageItem(Item, discriminator="usage"):
    """One billable operation (metering), written exactly once: its sort key derives from
    the effect it bills (outbox item + provider message id, webhook id, invitation id,
    export id) and it is written with "must not exist"."""

    tenant_id = UnicodeAttribute()
    month = UnicodeAttribute()
    day = UnicodeAttribute()
    operation = UnicodeAttribute()
    quantity = NumberAttribute()
    usage_key = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute()
    detail = JSONAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, month: str, day: str, usage_key: str) -> tuple[str, str]:
        """T#<tenant>#USAGE#<YYYY-MM> / REC#<YYYY-MM-DD>#<usage key>"""
        return f"{tenant_pk(tenant_id)}#USAGE#{month}", f"REC#{day}#{usage_key}"


class UsageTotalItem(Item, discriminator="usage_total"):
    """A tenant's usage quantities of one day, moved in the same transaction as the usage
    records they count (a statement reads at most 31 of these with one Query)."""

    tenant_id = UnicodeAttribute()
    day = UnicodeAttribute()
    records = NumberAttribute(default=0)
    n_invitation = NumberAttribute(default=0)
    n_email = NumberAttribute(default=0)
    n_sms_part = NumberAttribute(default=0)
    n_webhook_event = NumberAttribute(default=0)
    n_export = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, month: str, day: str) -> tuple[str, str]:
        """T#<tenant>#USAGE#<YYYY-MM> / TOTAL#<YYYY-MM-DD>"""
        return f"{tenant_pk(tenant_id)}#USAGE#{month}", f"TOTAL#{day}"

    @classmethod
    def counter(cls, operation: str) -> NumberAttribute:
        attribute: NumberAttribute = getattr(cls, f"n_{operation}")
        return attribute


class PriceVersionItem(Item, discriminator="price_version"):
    """One version of a tenant's price table (unit prices as decimal strings)."""

    tenant_id = UnicodeAttribute()
    version = NumberAttribute()
    effective_from = UnicodeAttribute()
    currency = UnicodeAttribute()
    unit_prices = JSONAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, effective_from: str, version: int) -> tuple[str, str]:
        """T#<tenant>#BILLING / PRICE#<YYYY-MM-DD>#<version, 6 digits>"""
        return f"{tenant_pk(tenant_id)}#BILLING", f"PRICE#{effective_from}#{version:06d}"


class BudgetItem(Item, discriminator="budget"):
    """A tenant's monthly budget: alert thresholds (percent) and the SMS hard cap."""

    tenant_id = UnicodeAttribute()
    monthly_amount = UnicodeAttribute()  # decimal string, the tenant's currency
    thresholds = ListAttribute(of=NumberAttribute)
    hard_cap_sms = NumberAttribute(default=0)  # 1 = pause SMS at 100 %
    updated_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """T#<tenant>#BILLING / BUDGET"""
        return f"{tenant_pk(tenant_id)}#BILLING", "BUDGET"


register([UsageItem, UsageTotalItem, PriceVersionItem, BudgetItem])
