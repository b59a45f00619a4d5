"""The invitation core's entities: tenants, API keys, positions, campaigns, candidate
profiles and timelines, invitations, their outbox messages and the suppression list.

    entity       pk                          sk                     gsi1pk / gsi1sk
    tenant       TENANT#<t>                  TENANT                 TENANTS / <t>
    api_key      APIKEY#<sha256 of key>      APIKEY
    key_summary  T#<t>#KEYS                  KEY#<key id>
    position     T#<t>                       POSITION#<id>
    campaign     T#<t>#CAMPAIGN#<c>          CAMPAIGN               T#<t>#CAMPAIGNS / <c>
    candidate    T#<t>#CAND#<k>              PROFILE                T#<t>#PHONE#<E.164> / <k>
    timeline     T#<t>#CAND#<k>              EVT#<instant>#<id>
    invitation   T#<t>#INV#<i>               INV                    T#<t>#C#<c>#S#<status> / <i>
    outbox       T#<t>#INV#<i>               OUTBOX#<kind>#<channel>
    webhook mark T#<t>#INV#<i>               HOOK#<webhook-id>      (a MarkerItem: dedupe)
    suppression  T#<t>#SUPPRESS              <channel>#<address>
    extension_request
                 T#<t>#EXTREQ#<r>            EXTREQ                 T#<t>#EXTREQS#<status> /
                                                                    <requested instant>#<r>

The outbox lives here, not in delivery: an invitation's move and the outbox items it causes are
written in one transaction (invitations/stores/invitation_store.py). Invitations carry
due_pk/due_sk (shared/domain/due.py) only while a timed action is pending. An extension
request waiting for HR is its own item (written with the invitation's
`extension_requested_at`), so HR's queue is one Query on gsi1 per status, newest first.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.extension_request_item import ExtensionRequestItem
from chalicelib.shared.models import Item, register, tenant_pk


class TenantItem(Item, discriminator="tenant"):
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    default_locale = UnicodeAttribute(default="en")
    timezone = UnicodeAttribute(default="UTC")
    #: the tenant's default quiet hours for new campaigns ({"start","end"}; None = 21-08)
    quiet_hours = JSONAttribute(null=True)
    #: days without activity (and without consent) after which a candidate is anonymised
    retention_days = NumberAttribute(null=True)  # None: invitations/domain/retention.py's default
    pool_rules = JSONAttribute(null=True)  # talent-pool tag rules (pool/domain/tag_rules.py)
    webhook_secret = UnicodeAttribute()
    #: older secrets still verifying until their retire_at (domain/webhook_secrets.py)
    retiring_webhook_secrets = JSONAttribute(null=True)
    webhook_secret_rotated_at = UTCDateTimeAttribute(null=True)
    #: a disabled tenant's keys are refused and its vendor webhooks rejected
    disabled_at = UTCDateTimeAttribute(null=True)
    #: which interview vendor and where (domain/vendors.py: VendorConfig); None: standard
    vendor = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        """TENANT#<tenant> / TENANT"""
        return f"TENANT#{tenant_id}", "TENANT"

    @classmethod
    def registry_keys(cls, tenant_id: str) -> tuple[str, str]:
        """gsi1: TENANTS / <tenant> (the operator's list; tenant ids sort by creation)"""
        return "TENANTS", tenant_id


class ApiKeyItem(Item, discriminator="api_key"):
    tenant_id = UnicodeAttribute()
    key_id = UnicodeAttribute()
    role = UnicodeAttribute()
    campaign_ids = ListAttribute(of=UnicodeAttribute, null=True)  # interviewer keys only
    label = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute(null=True)  # refused from then on (request clock)

    @classmethod
    def key(cls, key_hash: str) -> tuple[str, str]:
        """APIKEY#<sha256 of the key> / APIKEY: the key itself is never stored."""
        return f"APIKEY#{key_hash}", "APIKEY"


class KeySummaryItem(Item, discriminator="key_summary"):
    """What a tenant's key listing shows (never the key), written in the same transaction
    as the hashed-key item. Revoking deletes the hashed item and stamps `revoked_at` here."""

    tenant_id = UnicodeAttribute()
    key_id = UnicodeAttribute()
    key_hash = UnicodeAttribute()  # the hashed item's key, to revoke it
    role = UnicodeAttribute()
    campaign_ids = ListAttribute(of=UnicodeAttribute, null=True)
    label = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute(null=True)
    revoked_at = UTCDateTimeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)  # a key id, or "operator"

    @classmethod
    def key(cls, tenant_id: str, key_id: str) -> tuple[str, str]:
        """T#<tenant>#KEYS / KEY#<key id>: one Query lists a tenant's keys."""
        return cls.partition(tenant_id), f"KEY#{key_id}"

    @classmethod
    def partition(cls, tenant_id: str) -> str:
        return f"{tenant_pk(tenant_id)}#KEYS"


class PositionItem(Item, discriminator="position"):
    tenant_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    title = UnicodeAttribute()
    department = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, position_id: str) -> tuple[str, str]:
        """T#<tenant> / POSITION#<position>"""
        return tenant_pk(tenant_id), f"POSITION#{position_id}"


class CampaignItem(Item, discriminator="campaign"):
    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    name = UnicodeAttribute()
    channels = ListAttribute(of=UnicodeAttribute)
    locale = UnicodeAttribute(null=True)
    deadline_at = UTCDateTimeAttribute(null=True)
    window_hours = NumberAttribute(null=True)
    audience_windows = JSONAttribute(null=True)  # {"new_graduate": 72, "employed": 120}
    grace_hours = NumberAttribute()
    reminder_policy = JSONAttribute(null=True)  # invitations/domain/reminders.py; None: default
    owner_email = UnicodeAttribute(null=True)  # gets the daily digest of new no-shows
    #: get the same digest (the people interviewing for the campaign; normalised, unique)
    interviewer_emails = ListAttribute(of=UnicodeAttribute, null=True)
    # the tenant's message-template versions when the campaign was created ("invite/en": 3);
    # a template not named, or a campaign from before templates: the shipped files
    template_versions = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    closed_at = UTCDateTimeAttribute(null=True)  # closed early by HR: no new invitations
    # live counts per status, kept by the stream handler (idempotently, see services/counts)
    n_invited = NumberAttribute(default=0)
    n_sent = NumberAttribute(default=0)
    n_opened = NumberAttribute(default=0)
    n_started = NumberAttribute(default=0)
    n_completed = NumberAttribute(default=0)
    n_no_show = NumberAttribute(default=0)
    n_completed_late = NumberAttribute(default=0)
    n_closed = NumberAttribute(default=0)
    n_cancelled = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str, campaign_id: str) -> tuple[str, str]:
        """T#<tenant>#CAMPAIGN#<campaign> / CAMPAIGN: its own partition (hot counters)."""
        return f"{tenant_pk(tenant_id)}#CAMPAIGN#{campaign_id}", "CAMPAIGN"

    @classmethod
    def counter(cls, status: Status) -> NumberAttribute:
        attribute: NumberAttribute = getattr(cls, f"n_{status.value}")
        return attribute

    def counts(self) -> dict[str, int]:
        return {s.value: int(getattr(self, f"n_{s.value}") or 0) for s in Status}


class CandidateItem(Item, discriminator="candidate"):
    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    opted_out_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    # privacy (docs/import-and-privacy.md): the retention clock, consent, erasure. A profile
    # without consent carries due_pk/due_sk = RETAIN#<day>#<shard>
    # (invitations/domain/retention.py).
    last_activity_at = UTCDateTimeAttribute(null=True)
    consent_at = UTCDateTimeAttribute(null=True)
    erased_at = UTCDateTimeAttribute(null=True)  # anonymised: PII fields are gone
    erased_by = UnicodeAttribute(null=True)  # "user:<key id>" or "retention"

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / PROFILE"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", "PROFILE"

    @classmethod
    def phone_index_keys(cls, tenant_id: str, phone: str,
                         candidate_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#PHONE#<E.164> / <candidate>: who has this phone number (a
        phone-only row finds a candidate first seen with an email)."""
        return f"{tenant_pk(tenant_id)}#PHONE#{phone}", candidate_id

    def index_phone(self) -> None:
        """Give a profile with a phone number its phone lookup keys (once)."""
        if self.phone and self.gsi1pk is None:
            self.gsi1pk, self.gsi1sk = self.phone_index_keys(self.tenant_id, self.phone,
                                                             self.candidate_id)


class TimelineItem(Item, discriminator="timeline"):
    tenant_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    type = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute()
    source_id = UnicodeAttribute()
    applied = UnicodeAttribute(null=True)
    #: what else the vendor said (lifecycle, vendor, verified, score, report URL, lateness)
    detail = JSONAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, candidate_id: str, occurred: str,
            source_id: str) -> tuple[str, str]:
        """T#<tenant>#CAND#<candidate> / EVT#<instant>#<source id>"""
        return f"{tenant_pk(tenant_id)}#CAND#{candidate_id}", f"EVT#{occurred}#{source_id}"


class InvitationItem(Item, discriminator="invitation"):
    tenant_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    position_id = UnicodeAttribute()
    candidate_id = UnicodeAttribute()
    status = UnicodeAttribute()
    channels = ListAttribute(of=UnicodeAttribute)
    locale = UnicodeAttribute()
    deadline_at = UTCDateTimeAttribute()
    grace_hours = NumberAttribute()
    #: the campaign's reminder policy, copied as text (domain/policy_text.py): re-planned per
    #: item without reading the campaign; `reminder_policy` (JSON) on items written before
    policy = UnicodeAttribute(null=True)
    reminder_policy = JSONAttribute(null=True)
    # counters absent while 0 (bytes on every write of the item and of its index entries)
    rounds_done = NumberAttribute(null=True)  # reminder rounds gone past (sent or skipped)
    epoch = NumberAttribute(null=True)  # deadline extensions: new outbox ids per epoch
    timezone = UnicodeAttribute(null=True)  # the candidate's, for quiet hours
    interview_url = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    status_changed_at = UTCDateTimeAttribute()
    score = NumberAttribute(null=True)
    delivery_problem = UnicodeAttribute(null=True)  # "bounce" or "complaint", from SES
    reason = UnicodeAttribute(null=True)  # why the candidate missed it (self-service)
    reason_text = UnicodeAttribute(null=True)
    self_extensions = NumberAttribute(null=True)  # extensions the candidate took themself
    extension_requested_at = UTCDateTimeAttribute(null=True)  # waiting for HR
    #: the vendor's word on an unfinished interview: "expired" or "abandoned" (it feeds
    #: the inferred no-show reason)
    vendor_signal = UnicodeAttribute(null=True)
    #: the status it had when it turned no_show (the inferred reason is judged from it)
    no_show_from = UnicodeAttribute(null=True)
    #: a completion that came late: after_deadline, after_close or after_cancel
    late_result = UnicodeAttribute(null=True)
    version = VersionAttribute()

    @classmethod
    def key(cls, tenant_id: str, invitation_id: str) -> tuple[str, str]:
        """T#<tenant>#INV#<invitation> / INV"""
        return f"{tenant_pk(tenant_id)}#INV#{invitation_id}", "INV"

    def status_enum(self) -> Status:
        return Status(self.status)

    @classmethod
    def status_index_keys(cls, tenant_id: str, campaign_id: str, status: str,
                          invitation_id: str) -> tuple[str, str]:
        """gsi1: T#<tenant>#C#<campaign>#S#<status> / <invitation>"""
        return f"{tenant_pk(tenant_id)}#C#{campaign_id}#S#{status}", invitation_id


class OutboxItem(Item, discriminator="outbox"):
    tenant_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel = UnicodeAttribute()
    template = UnicodeAttribute(null=True)  # None: the kind names the template ("invite")
    sms_parts = NumberAttribute(null=True)  # as carriers bill it (shared/domain/sms.py)
    sms_encoding = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="pending")
    attempts = NumberAttribute(default=0)
    claim_until = UTCDateTimeAttribute(null=True)
    provider_message_id = UnicodeAttribute(null=True)
    recipient = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)  # SES delivery event
    clicked_at = UTCDateTimeAttribute(null=True)  # first SES click event (a link in it)
    last_error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, invitation_id: str, kind: str,
            channel: str) -> tuple[str, str]:
        """T#<tenant>#INV#<invitation> / OUTBOX#<kind>#<channel>: deterministic, so a
        retried sweep or stream record can never create a second message."""
        return f"{tenant_pk(tenant_id)}#INV#{invitation_id}", f"OUTBOX#{kind}#{channel}"

    @property
    def item_id(self) -> str:
        """Its id in the due index (where a message not sent in time is found again)."""
        return f"{self.invitation_id}/{self.kind}/{self.channel}"


class SuppressionItem(Item, discriminator="suppression"):
    """An address the tenant must not message again (bounced for good, or complained)."""

    tenant_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    address = UnicodeAttribute()
    reason = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)
    source_message_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, tenant_id: str, channel: str, address: str) -> tuple[str, str]:
        """T#<tenant>#SUPPRESS / <channel>#<address>"""
        return f"{tenant_pk(tenant_id)}#SUPPRESS", f"{channel}#{address}"


register([
    TenantItem,
    ApiKeyItem,
    KeySummaryItem,
    PositionItem,
    CampaignItem,
    CandidateItem,
    TimelineItem,
    InvitationItem,
    OutboxItem,
    SuppressionItem,
    ExtensionRequestItem,
])
