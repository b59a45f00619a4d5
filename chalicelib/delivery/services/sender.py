"""The sender: one outbox item -> one email (SES) or SMS (SNS), or a digest's chat message
(the tenant's group bot, services/chat_bot.py).

Claim, then act: the item moves pending -> sending with a lease; then the provider is called;
then the item is marked sent *with the provider's message id* - never without one. If the
process dies between the provider accepting and the mark, the lease expires and a redelivered
queue message sends again: at least once, never marked sent without an id. Throttling and
other transient errors release the claim and fail the queue message, so SQS retries it with
its visibility timeout and finally moves it to the dead-letter queue; permanent errors mark the
item failed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.delivery.adapters.message_templates import MessageRenderer, Rendered, folder_of
from chalicelib.delivery.domain.chat_bots import ChatMessage, ChatSender
from chalicelib.delivery.domain.pacing import Pacer
from chalicelib.delivery.domain.relevance import still_due
from chalicelib.invitations.domain.invitation import Event
from chalicelib.invitations.domain.reminders import zone_of
from chalicelib.invitations.models import CandidateItem, InvitationItem, OutboxItem
from chalicelib.invitations.services.transitions import apply_event
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore, TxResult
from chalicelib.invitations.stores.outbox_store import OutboxStore, SentMark
from chalicelib.invitations.stores.suppression_store import SuppressionStore
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.pool.stores.pool_store import PoolStore
from chalicelib.shared.domain.channels import address_of
from chalicelib.shared.domain.ports import (
    EmailSender,
    PermanentSendError,
    SmsSender,
    TransientSendError,
)
from chalicelib.shared.domain.sms import sms_length

LEASE = timedelta(minutes=5)
DIGEST_NAMES = 50  # a digest lists this many of the day's no-shows by name


class Busy(Exception):
    """Another sender holds the claim; the queue message is retried later."""


@dataclass(frozen=True)
class SenderPorts:
    email: EmailSender
    sms: SmsSender
    renderer: MessageRenderer
    links: Callable[[InvitationItem], str]  # the candidate's signed self-service link
    #: the same page's short link for SMS (stores the code: one write per SMS rendered)
    short_links: Callable[[InvitationItem, datetime], str]
    chat: ChatSender | None = None  # the tenant's group bot (digests)
    #: (tenant, template, locale, the campaign's pinned versions) -> the tenant's parts to
    #: render in the sandbox, or None: the shipped files (delivery/services/templates.py)
    templates: Callable[[str, str, str, dict[str, Any] | None], dict[str, str] | None] = \
        lambda _tenant, _kind, _locale, _pins: None


#: "not prefetched" (a prefetched profile may be None: no such profile)
MISSING: Any = object()


@dataclass(frozen=True)
class Prefetched:
    """What `SenderService.prefetch` read for one queued message."""

    item: OutboxItem | None
    invitation: InvitationItem | None
    profile: CandidateItem | None
    suppressed: set[tuple[str, str, str]]

    def is_suppressed(self, tenant_id: str, channel: str, address: str) -> bool:
        return (tenant_id, channel, address) in self.suppressed


class SenderService:
    def __init__(self, invitations: InvitationStore, outbox: OutboxStore, catalog: CatalogStore,
                 tenants: TenantStore, pool: PoolStore, ports: SenderPorts,
                 suppressions: SuppressionStore, pacer: Pacer | None = None,
                 hold: Callable[[OutboxItem, datetime], bool] | None = None) -> None:
        self._pacer = pacer
        self._hold = hold  # budget hard cap: an SMS that must wait (paused, stays pending)
        self._suppressions = suppressions
        self._invitations = invitations
        self._outbox = outbox
        self._catalog = catalog
        self._tenants = tenants
        self._pool = pool
        self._ports = ports
        self._cache: dict[tuple[str, ...], Any] = {}
        self._prefetched: dict[tuple[str, str], Prefetched] = {}

    def prefetch(self, keys: Sequence[tuple[str, str]]) -> None:
        """A queue batch's reads up front: the outbox items with their invitations, then
        every recipient's profile and every address's suppression entries, one BatchGetItem
        each, where `deliver` read them one message at a time. Only reads: the claim still
        decides who sends. Entries are taken by `deliver` (concurrent invocations of a warm
        process prefetch distinct messages)."""
        found = self._outbox.with_invitations(keys)
        by_tenant: dict[str, list[str]] = {}
        for _, inv in found.values():
            if inv is not None:
                by_tenant.setdefault(inv.tenant_id, []).append(inv.candidate_id)
        profiles = {(t, c): p for t, ids in by_tenant.items()
                    for c, p in self._pool.profiles(t, ids).items()}
        wanted = []
        for item, inv in found.values():
            profile = profiles.get((inv.tenant_id, inv.candidate_id)) if inv else None
            address = address_of(profile, item.channel) if item and profile else None
            if item is not None and inv is not None and address:
                wanted.append((inv.tenant_id, item.channel, address))
        suppressed = self._suppressions.suppressed(wanted) if wanted else set()
        for key, (item, inv) in found.items():
            profile = profiles.get((inv.tenant_id, inv.candidate_id)) if inv else None
            self._prefetched[key] = Prefetched(item, inv, profile, suppressed)

    def deliver(self, pk: str, sk: str, now: datetime) -> str:
        ready = self._prefetched.pop((pk, sk), None)
        if ready is None:
            item, inv = self._outbox.with_invitation(pk, sk)  # one request
        else:
            item, inv = ready.item, ready.invitation
        if item is None or item.status == "failed":
            return "skipped"
        if item.kind.startswith("digest"):
            return self._deliver_digest(item, now)
        if item.status == "sent":
            self._after_send(item, inv, now)
            return "already_sent"
        if inv is not None and not still_due(item.kind, inv.status):
            # cancelled, closed with its campaign or completed since the round was claimed
            self._outbox.skip(item, f"not sent: the invitation is {inv.status}")
            return "skipped"
        if self._hold is not None and self._hold(item, now):
            return "paused"
        if not self._outbox.claim(item, now, now + LEASE):
            raise Busy(f"{pk} {sk} is claimed by another sender")
        recipient, rendered = (self._render(item, inv, now, ready.profile if ready else MISSING)
                               if inv else (None, None))
        if inv is None or recipient is None or rendered is None:
            # nothing can ever be sent: fail it (and leave the due index) instead of retrying
            self._outbox.release(item, "no invitation or recipient", final=True)
            return "failed"
        if (ready.is_suppressed(item.tenant_id, item.channel, recipient) if ready
                else self._suppressions.is_suppressed(item.tenant_id, item.channel, recipient)):
            self._outbox.release(item, "suppressed: bounced or complained",
                                             final=True)
            return "suppressed"
        provider_id = self._provider(item, lambda: self._send(item, recipient, rendered))
        if provider_id is None:
            return "failed"
        sms = sms_length(rendered.text) if item.channel == "sms" else None
        mark = SentMark(item, provider_id, rendered.subject, now, sms)
        if item.kind == "invite":  # the invitation becomes `sent` in the same transaction
            applied = apply_event(self._invitations, inv, Event.MESSAGE_SENT, now, sent=mark,
                                  reload=lambda: self._invitations.get(inv.tenant_id,
                                                                       inv.invitation_id))
            if applied.result is TxResult.APPLIED:
                return "sent"
        self._outbox.mark_sent(mark)
        self._after_send(item, inv, now)
        return "sent"

    def _deliver_digest(self, item: OutboxItem, now: datetime) -> str:
        """A campaign's digest (to the owner, an interviewer or the chat bot): where the
        campaign stands, with the no-show group."""
        if item.status == "sent":
            return "already_sent"
        if not self._outbox.claim(item, now, now + LEASE):
            raise Busy(f"{item.pk} {item.sk} is claimed by another sender")
        campaign = self._catalog.get_campaign(item.tenant_id, item.invitation_id)
        tenant = self._tenants.get(item.tenant_id)
        chat = item.channel == "chat"
        if campaign is None or not (item.recipient or chat) or (chat and not self._ports.chat):
            self._outbox.release(item, "no campaign or recipient", final=True)
            return "failed"
        counts = campaign.counts()
        day = item.kind.removeprefix("digest-")[:10]  # digest-<day>[-<interviewer>]
        no_shows, total = self._no_shows_of(item.tenant_id, campaign.campaign_id, day,
                                            zone_of(tenant.timezone if tenant else None))
        context = {"company": tenant.name if tenant else "", "campaign": campaign.name,
                   "day": day, "counts": counts, "invited": sum(counts.values()),
                   "campaign_id": campaign.campaign_id, "no_shows": no_shows,
                   "no_show_total": total}
        locale = (tenant.default_locale if tenant else None) or "en"
        rendered = self._ports.renderer.render("digest", item.channel, locale, context)
        if chat and self._ports.chat is not None:
            bot = self._ports.chat
            # the title starts with "TalentLoop": a DingTalk keyword rule can match it; no
            # candidate contacts in a group chat (names and reasons only, see digest.chat.j2)
            message = ChatMessage(f"TalentLoop · {rendered.subject}", rendered.text)
            provider_id = self._provider(item, lambda: bot.send(item.tenant_id, message, now))
            if provider_id is None:
                return "failed"
            self._outbox.mark_sent(SentMark(item, provider_id, rendered.subject,
                                                        now))
            return "sent"
        recipient = item.recipient or ""
        if self._suppressions.is_suppressed(item.tenant_id, "email", recipient):
            # an interviewer's or owner's address that bounced or complained (SES events)
            self._outbox.release(item, "suppressed: bounced or complained",
                                             final=True)
            return "suppressed"
        provider_id = self._provider(item, lambda: self._ports.email.send_email(
            to=recipient, subject=rendered.subject or "", text=rendered.text,
            html=rendered.html or "", tags={"tenant": item.tenant_id,
                                            "outbox": f"{item.kind}_email"}))
        if provider_id is None:
            return "failed"
        self._outbox.mark_sent(SentMark(item, provider_id, rendered.subject, now))
        return "sent"

    def _no_shows_of(self, tenant_id: str, campaign_id: str, day: str,
                     zone: tzinfo) -> tuple[list[dict[str, str]], int]:
        """Who turned no_show on `day` (the tenant's calendar day) and is still a no-show:
        the first DIGEST_NAMES with name, contact and reason, and how many in all."""
        picked: list[InvitationItem] = []
        total = 0
        cursor: str | None = None
        while True:
            page = self._invitations.list_by_status(tenant_id, campaign_id, "no_show", 100,
                                                    cursor)
            for inv in page.items:
                if inv.status_changed_at.astimezone(zone).strftime("%Y-%m-%d") == day:
                    total += 1
                    if len(picked) < DIGEST_NAMES:
                        picked.append(inv)
            cursor = page.next_cursor
            if not cursor:
                break
        profiles = self._pool.profiles(tenant_id, [i.candidate_id for i in picked]) \
            if picked else {}
        rows = []
        for inv in sorted(picked, key=lambda i: i.status_changed_at):
            profile = profiles.get(inv.candidate_id)
            erased = profile is None or profile.erased_at is not None
            rows.append({"name": "(erased)" if erased or profile is None else profile.name,
                         "contact": "" if erased or profile is None
                         else profile.email or profile.phone or "",
                         "reason": inv.reason or ""})
        return rows, total

    def _provider(self, item: OutboxItem, send: Callable[[], str]) -> str | None:
        """Hand a claimed item to the provider: its message id, or None after a permanent
        refusal (item failed). A transient error releases the claim and propagates, so the
        queue retries the message. Sends are paced per channel (the provider's quota)."""
        if self._pacer is not None:
            self._pacer.wait(item.channel)
        try:
            return send()
        except TransientSendError as err:
            self._outbox.release(item, f"transient: {err}", final=False)
            raise
        except PermanentSendError as err:
            self._outbox.release(item, f"permanent: {err}", final=True)
            return None

    def _send(self, item: OutboxItem, to: str, message: Rendered) -> str:
        if item.channel == "email":
            tags = {"tenant": item.tenant_id, "invitation": item.invitation_id,
                    "outbox": f"{item.kind}_{item.channel}"}
            return self._ports.email.send_email(to=to, subject=message.subject or "",
                                                text=message.text, html=message.html or "",
                                                tags=tags)
        return self._ports.sms.send_sms(to=to, text=message.text)

    def _after_send(self, item: OutboxItem, inv: InvitationItem | None, now: datetime) -> None:
        """The invitation is `sent` once its first message went out (idempotent)."""
        if item.kind != "invite" or inv is None:
            return

        def reload() -> InvitationItem | None:
            return self._invitations.get(inv.tenant_id, inv.invitation_id)

        apply_event(self._invitations, inv, Event.MESSAGE_SENT, now, reload=reload)

    def _render(self, item: OutboxItem, inv: InvitationItem, now: datetime,
                known: Any = MISSING) -> tuple[str | None, Rendered]:
        profile = (self._pool.profile(inv.tenant_id, inv.candidate_id) if known is MISSING
                   else known)
        recipient = None
        if profile is not None:
            recipient = address_of(profile, item.channel)
        campaign = self._cached(("campaign", inv.tenant_id, inv.campaign_id),
                                lambda: self._catalog.get_campaign(inv.tenant_id, inv.campaign_id))
        position = self._cached(("position", inv.tenant_id, inv.position_id),
                                lambda: self._catalog.get_position(inv.tenant_id, inv.position_id))
        tenant = self._cached(("tenant", inv.tenant_id),
                              lambda: self._tenants.get(inv.tenant_id))
        grace_end = inv.deadline_at + timedelta(hours=int(inv.grace_hours))
        context = {
            "name": profile.name if profile else "",
            "company": tenant.name if tenant else "",
            "position_title": position.title if position else (campaign.name if campaign else ""),
            "interview_url": inv.interview_url,
            # the candidate's zone, else the tenant's (copied onto the invitation)
            "deadline": _local(inv.deadline_at, inv.timezone),
            "grace_end": _local(grace_end, inv.timezone),
            "self_service_url": self._ports.links(inv),
            # SMS bills per part: the short link; its length is in the parts counted below
            "short_url": self._ports.short_links(inv, now) if item.channel == "sms" else "",
        }
        template = item.template or item.kind
        locale = folder_of(inv.locale)
        pins = campaign.template_versions if campaign else None
        custom = self._cached(("template", inv.tenant_id, template, locale, repr(pins)),
                              lambda: self._ports.templates(inv.tenant_id, template, locale,
                                                            pins)) if pins else None
        return recipient, self._ports.renderer.render(template, item.channel, locale, context,
                                                      custom)

    def _cached(self, key: tuple[str, ...], load: Any) -> Any:
        if key not in self._cache:
            if len(self._cache) > 1000:  # a warm function lives long: stay bounded
                self._cache.clear()
            self._cache[key] = load()
        return self._cache[key]


def _local(at: datetime, timezone: str | None) -> str:
    """A deadline as the candidate reads it: their time zone, with the offset shown."""
    zone = ZoneInfo(timezone) if timezone else ZoneInfo("UTC")
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
