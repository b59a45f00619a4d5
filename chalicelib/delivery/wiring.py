"""Delivery's wiring: the channels' senders (email, SMS, the tenant's chat bot), templates,
pacing, the sender, SES events, the candidate's self-service page (JSON and HTML) and its
short links. The sweep is composed in bootstrap.py, from every feature's due-item consumers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.reports.wiring import ReportsWiring

if TYPE_CHECKING:
    from chalicelib.delivery.services.candidate_page import CandidatePage
    from chalicelib.delivery.services.chat_bot import ChatBots, Poster
    from chalicelib.delivery.services.self_service import SelfService
    from chalicelib.delivery.services.sender import SenderService
    from chalicelib.delivery.services.ses_events import SesEventService
    from chalicelib.delivery.services.templates import TemplateService
    from chalicelib.invitations.models import OutboxItem
    from chalicelib.shared.domain.ports import EmailSender, SmsSender


class DeliveryWiring(ReportsWiring):
    @cached_property
    def email(self) -> EmailSender:
        if "email" in self.overrides:
            email: EmailSender = self.overrides["email"]
            return email
        from chalicelib.delivery.adapters.aws_senders import SesEmailSender

        return SesEmailSender(self._client("ses"), self.settings.sender_email,
                              self.settings.ses_configuration_set)

    @cached_property
    def sms(self) -> SmsSender:
        if "sms" in self.overrides:
            sms: SmsSender = self.overrides["sms"]
            return sms
        from chalicelib.delivery.adapters.aws_senders import SnsSmsSender

        return SnsSmsSender(self._client("sns"))

    @cached_property
    def chat_poster(self) -> Poster:
        if "chat_poster" in self.overrides:
            poster: Poster = self.overrides["chat_poster"]
            return poster
        from chalicelib.shared.adapters.http_poster import HttpPoster

        return HttpPoster(self.settings.chat_timeout_s, self.settings.chat_allow_loopback)

    @cached_property
    def chat_bots(self) -> ChatBots:
        from chalicelib.delivery.services.chat_bot import ChatBots
        from chalicelib.delivery.stores.chat_bot_store import ChatBotStore

        return ChatBots(ChatBotStore(), self.chat_poster, self.settings.chat_allow_loopback)

    def _sms_hold(self) -> Callable[[OutboxItem, datetime], bool] | None:
        """Whether an SMS must wait (billing's budget cap); bootstrap.py supplies it."""
        return None

    @cached_property
    def sender(self) -> SenderService:
        import time

        from chalicelib.delivery.adapters.message_templates import MessageRenderer
        from chalicelib.delivery.domain.pacing import Pacer
        from chalicelib.delivery.services.sender import SenderPorts, SenderService

        ports = SenderPorts(self.email, self.sms, MessageRenderer(), self.self_service.link,
                            self.self_service.short_link, chat=self.chat_bots,
                            templates=self.templates.pinned)
        rates = {"email": self.settings.send_rate_email, "sms": self.settings.send_rate_sms}
        pacer = Pacer(rates, time.monotonic, time.sleep, self.settings.sender_instances)
        return SenderService(self.invitation_store, self.outbox_store, self.catalog_store,
                             self.tenant_store,
                             self.pool_store, ports, self.suppression_store, pacer,
                             hold=self._sms_hold())

    @cached_property
    def templates(self) -> TemplateService:
        from chalicelib.delivery.adapters.message_templates import MessageRenderer
        from chalicelib.delivery.services.templates import TemplateService
        from chalicelib.delivery.stores.template_store import TemplateStore

        def company(tenant_id: str) -> str:
            tenant = self.tenant_store.get(tenant_id)
            return tenant.name if tenant else ""

        return TemplateService(TemplateStore(), MessageRenderer(), company)

    def _template_pins(self) -> Callable[[str], dict[str, int]] | None:
        return self.templates.pins

    @cached_property
    def ses_events(self) -> SesEventService:
        from chalicelib.delivery.services.ses_events import SesEventService

        return SesEventService(self.suppression_store)

    @cached_property
    def self_service(self) -> SelfService:
        from chalicelib.delivery.services.self_service import SelfService
        from chalicelib.delivery.stores.short_link_store import ShortLinkStore
        from chalicelib.shared.adapters.signing_key import SigningKey

        key = SigningKey(self.settings.token_signing_secret,
                         lambda: self._client("secretsmanager"))
        return SelfService(self.invitation_store, self.catalog_store, self.tenant_store,
                           self.pool_store, self.suppression_store, self.invitation_actions,
                           key, self.settings.public_api_url, ShortLinkStore())

    @cached_property
    def candidate_page(self) -> CandidatePage:
        from chalicelib.delivery.adapters.page_renderer import PageRenderer
        from chalicelib.delivery.services.candidate_page import CandidatePage

        return CandidatePage(self.self_service, PageRenderer())
