"""Reports' entities: exports and their schedules, funnel aggregates, summary throttles.

    entity          pk                       sk                     gsi1pk / gsi1sk
    export          T#<t>#EXPORT             <export>               T#<t>#EXPORTS / <at>#<export>
    export_schedule T#<t>#SETTINGS           EXPORT_SCHEDULE        EXPORT_SCHEDULES / <t>
    aggregate       T#<t>#AGG#<c>            <day>#<position>#<ch>  T#<t>#AGG / <day>#<c>#<p>#<ch>
    summary_state   T#<t>#SUMMARY#<c>        SUMMARY                (due keys while throttled)
    call_list_audit T#<t>#AUDIT              CALLLIST#<at>#<id>     -
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.shared.models import Item, register, tenant_pk


class ExportItem(Item, discriminator="export"):
    """One export to S3 (docs/exports.md). Its INSERT on the stream queues the work; its
    MODIFY to `done` (with rows and bytes) is the "export produced" event metering counts."""

    tenant_id = UnicodeAttribute()
    export_id = UnicodeAttribute()
    report = UnicodeAttribute()
    format = UnicodeAttribute()
    campaign_id = UnicodeAttribute(null=True)
    range_start = UTCDateTimeAttribute(null=True)
    range_end = UTCDateTimeAttribute(null=True)
    origin = UnicodeAttribute()  # "api" or "schedule"
    request_hash = UnicodeAttribute(null=True)  # Idempotency-Key: the request it was for
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    lease_until = UTCDateTimeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)
    rows = NumberAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)  # an error class name, never data
    created_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, export_id: str) -> tuple[str, str]:
        """T#<tenant>#EXPORT / <export>"""
        return f"{tenant_pk(tenant_id)}#EXPORT", export_id

    @classmethod
    def index_keys(cls, tenant_id: str, created: str, export_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#EXPORTS / <created instant>#<export> (recent first)"""
        return f"{tenant_pk(tenant_id)}#EXPORTS", f"{created}#{export_id}"


class ExportScheduleItem(Item, discriminator="export_schedule"):
    """A tenant's opt-in to scheduled exports. Listed by the daily schedule through gsi1
    (EXPORT_SCHEDULES / <tenant>): the one cross-tenant partition, holding settings only."""

    tenant_id = UnicodeAttribute()
    daily = ListAttribute(of=UnicodeAttribute)
    weekly = ListAttribute(of=UnicodeAttribute)
    format = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """T#<tenant>#SETTINGS / EXPORT_SCHEDULE"""
        return f"{tenant_pk(tenant_id)}#SETTINGS", "EXPORT_SCHEDULE"

    @classmethod
    def index_keys(cls, tenant_id: str) -> tuple[str, str]:
        """gsi1: EXPORT_SCHEDULES / <tenant>"""
        return "EXPORT_SCHEDULES", tenant_id


class AggregateItem(Item, discriminator="aggregate"):
    """Funnel counters of one tenant x campaign x position x channel mix x day, kept from the
    stream exactly once per change (reports/stores/aggregates_store.py; reports/domain/funnel.py).

        pk T#<t>#AGG#<campaign> / sk <day>#<position>#<channel>
        gsi1 T#<t>#AGG / <day>#<campaign>#<position>#<channel>   (a tenant's days in order)
    """

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    day = UnicodeAttribute()
    n_invited = NumberAttribute(default=0)
    n_sent = NumberAttribute(default=0)
    n_delivered = NumberAttribute(default=0)
    n_opened = NumberAttribute(default=0)
    n_started = NumberAttribute(default=0)
    n_completed = NumberAttribute(default=0)
    n_completed_late = NumberAttribute(default=0)
    n_no_show = NumberAttribute(default=0)
    n_reminded = NumberAttribute(default=0)
    n_recovered = NumberAttribute(default=0)
    n_closed = NumberAttribute(default=0)
    n_cancelled = NumberAttribute(default=0)
    # minutes from invitation to completion, histogram (domain/funnel.MINUTE_BUCKETS)
    h_0 = NumberAttribute(default=0)
    h_1 = NumberAttribute(default=0)
    h_2 = NumberAttribute(default=0)
    h_3 = NumberAttribute(default=0)
    h_4 = NumberAttribute(default=0)
    h_5 = NumberAttribute(default=0)
    h_6 = NumberAttribute(default=0)
    h_7 = NumberAttribute(default=0)
    h_8 = NumberAttribute(default=0)
    h_9 = NumberAttribute(default=0)
    h_10 = NumberAttribute(default=0)
    h_11 = NumberAttribute(default=0)
    h_12 = NumberAttribute(default=0)
    # no-show reasons the candidates gave (self-service)
    rg_schedule_conflict = NumberAttribute(default=0)
    rg_technical_problem = NumberAttribute(default=0)
    rg_did_not_see_message = NumberAttribute(default=0)
    rg_not_interested = NumberAttribute(default=0)
    rg_accepted_other_offer = NumberAttribute(default=0)
    rg_other = NumberAttribute(default=0)
    # no-show reasons inferred from behaviour when the invitation turned no_show
    ri_not_delivered = NumberAttribute(default=0)
    ri_never_opened = NumberAttribute(default=0)
    ri_opened_not_started = NumberAttribute(default=0)
    ri_started_not_completed = NumberAttribute(default=0)
    # the vendor said so (InvitationItem.vendor_signal)
    ri_link_expired = NumberAttribute(default=0)
    ri_abandoned = NumberAttribute(default=0)
    # recovered completions by the reminder round they followed (domain/funnel.round_counter)
    rr_1 = NumberAttribute(default=0)
    rr_2 = NumberAttribute(default=0)
    rr_3 = NumberAttribute(default=0)
    rr_4 = NumberAttribute(default=0)
    rr_5 = NumberAttribute(default=0)
    rr_6 = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str, day: str, position_id: str,
            channel: str) -> tuple[str, str]:
        """T#<tenant>#AGG#<campaign> / <day>#<position>#<channel>"""
        return f"{tenant_pk(tenant_id)}#AGG#{campaign_id}", f"{day}#{position_id}#{channel}"

    @classmethod
    def index_keys(cls, tenant_id: str, campaign_id: str, day: str, position_id: str,
                   channel: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#AGG / <day>#<campaign>#<position>#<channel>"""
        return f"{tenant_pk(tenant_id)}#AGG", f"{day}#{campaign_id}#{position_id}#{channel}"

    @classmethod
    def number(cls, name: str) -> NumberAttribute:
        """A counter by its attribute name (n_opened, h_3, rg_other, ri_never_opened)."""
        attribute = getattr(cls, name, None)
        if not isinstance(attribute, NumberAttribute):
            raise ValueError(f"no aggregate counter {name}")
        return attribute


class SummaryStateItem(Item, discriminator="summary_state"):
    """When a campaign's S3 summary was last refreshed (the throttle), and - while a change
    waits for the next minute - due keys that make the sweep refresh it.

        pk T#<t>#SUMMARY#<campaign> / sk SUMMARY
    """

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    minute = UnicodeAttribute(null=True)  # YYYY-MM-DDTHH:MM (UTC) of the last refresh

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str) -> tuple[str, str]:
        """T#<tenant>#SUMMARY#<campaign> / SUMMARY"""
        return f"{tenant_pk(tenant_id)}#SUMMARY#{campaign_id}", "SUMMARY"

    @property
    def item_id(self) -> str:
        return f"summary/{self.campaign_id}"


class CallListAuditItem(Item, discriminator="call_list_audit"):
    """Who pulled which campaign's no-show call list (names and contacts), when, in which
    format and how many rows - never the rows themselves. Kept (no TTL), like the pool's
    audits; in the tenant's audit partition beside the erasure audit.

        pk T#<t>#AUDIT / sk CALLLIST#<instant>#<pull id>
    """

    tenant_id = UnicodeAttribute()
    pull_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    key_id = UnicodeAttribute()  # the API key that pulled it
    role = UnicodeAttribute()
    format = UnicodeAttribute()  # json or csv
    rows = NumberAttribute()
    excluded_opted_out = NumberAttribute(default=0)
    at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, at: str, pull_id: str) -> tuple[str, str]:
        """T#<tenant>#AUDIT / CALLLIST#<instant>#<pull id>"""
        return f"{tenant_pk(tenant_id)}#AUDIT", f"CALLLIST#{at}#{pull_id}"


register([ExportItem, ExportScheduleItem, AggregateItem, SummaryStateItem, CallListAuditItem])
