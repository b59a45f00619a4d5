"""Outbound webhooks' entities: a tenant's endpoints and one delivery per endpoint and event.

    entity          pk                       sk                 gsi1pk / gsi1sk
    hook_endpoint   T#<t>#HOOKS              EP#<endpoint id>
    hook_delivery   T#<t>#HOOKS#<endpoint>   MSG#<message id>   T#<t>#HOOKLOG#<endpoint> /
                                                                <created instant>#<message id>
                                                                (TTL: expiration)

A delivery's message id derives from (endpoint, event id), so a stream record seen twice
creates it once (a "must not exist" put); the id is the `webhook-id` of every attempt.
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


class HookEndpointItem(Item, discriminator="hook_endpoint"):
    tenant_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    alert_email = UnicodeAttribute(null=True)  # told when the endpoint is disabled
    secret = UnicodeAttribute()  # whsec_...: tenant data, the table is KMS-encrypted
    previous_secret = UnicodeAttribute(null=True)  # still signs until previous_until
    previous_until = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    disabled_at = UTCDateTimeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)  # gone / failing / by_tenant
    failing_since = UTCDateTimeAttribute(null=True)  # first failure since the last success
    exhausted_in_a_row = NumberAttribute(default=0)  # messages that used every attempt
    last_success_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, endpoint_id: str) -> tuple[str, str]:
        """T#<tenant>#HOOKS / EP#<endpoint id>"""
        return f"{tenant_pk(tenant_id)}#HOOKS", f"EP#{endpoint_id}"


class HookDeliveryItem(Item, discriminator="hook_delivery"):
    tenant_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    event_id = UnicodeAttribute()
    body = UnicodeAttribute()  # the JSON exactly as signed and sent
    status = UnicodeAttribute(default="pending")  # pending / delivered / failed
    attempts = NumberAttribute(default=0)  # all attempts, replays included
    round_start = NumberAttribute(default=0)  # attempts before this round (a replay)
    next_attempt_at = UTCDateTimeAttribute()
    claim_until = UTCDateTimeAttribute(null=True)
    last_status_code = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    log = JSONAttribute(null=True)  # the attempts, newest last (at most LOG_KEPT)
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, endpoint_id: str, message_id: str) -> tuple[str, str]:
        """T#<tenant>#HOOKS#<endpoint id> / MSG#<message id>"""
        return f"{tenant_pk(tenant_id)}#HOOKS#{endpoint_id}", f"MSG#{message_id}"

    @classmethod
    def log_key(cls, tenant_id: str, endpoint_id: str) -> str:
        """gsi1pk of an endpoint's delivery log: a Query newest first, a page at a time."""
        return f"{tenant_pk(tenant_id)}#HOOKLOG#{endpoint_id}"


register([HookEndpointItem, HookDeliveryItem])
