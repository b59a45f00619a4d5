"""Outbound webhooks' wiring: the store, the hooks queue, the HTTP poster (SSRF guard,
timeouts), the disabled-endpoint email, the endpoint API and the sender."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.shared.wiring import SharedWiring

if TYPE_CHECKING:
    from chalicelib.hooks.services.endpoints import EndpointService
    from chalicelib.hooks.services.fanout import HookFanout
    from chalicelib.hooks.services.sender import HookSender, Notice, Poster, Queue
    from chalicelib.hooks.stores.hook_store import HookStore


class HooksWiring(SharedWiring):
    @cached_property
    def hook_store(self) -> HookStore:
        from chalicelib.hooks.stores.hook_store import HookStore

        return HookStore()

    @cached_property
    def hook_queue(self) -> Queue:
        if "hook_queue" in self.overrides:
            queue: Queue = self.overrides["hook_queue"]
            return queue
        from chalicelib.shared.adapters.queue import SqsQueue

        return SqsQueue(self._client("sqs"), self.settings.hooks_queue)

    @cached_property
    def hook_poster(self) -> Poster:
        if "hook_poster" in self.overrides:
            poster: Poster = self.overrides["hook_poster"]
            return poster
        from chalicelib.shared.adapters.http_poster import HttpPoster

        return HttpPoster(self.settings.hooks_timeout_s, self.settings.hooks_allow_loopback)

    @cached_property
    def hook_notice(self) -> Notice:
        if "hook_notice" in self.overrides:
            notice: Notice = self.overrides["hook_notice"]
            return notice
        from chalicelib.shared.adapters.mail import SesNotice

        return SesNotice(self._client("ses"), self.settings.sender_email,
                         self.settings.ses_configuration_set)

    @cached_property
    def webhook_endpoints(self) -> EndpointService:
        from chalicelib.hooks.services.endpoints import EndpointService

        return EndpointService(self.hook_store, self.hook_poster, self.hook_queue,
                               self.settings.hooks_allow_loopback)

    @cached_property
    def hook_sender(self) -> HookSender:
        from chalicelib.hooks.domain.retries import DisableRule
        from chalicelib.hooks.services.sender import HookSender

        rule = DisableRule(self.settings.hooks_disable_after_messages,
                           timedelta(days=self.settings.hooks_disable_after_days))
        return HookSender(self.hook_store, self.hook_poster, self.hook_queue,
                          self.hook_notice, self.settings.hooks_allow_loopback, rule)

    def hook_fanout(self) -> HookFanout:
        """One per stream batch (it caches the batch's tenants' endpoints)."""
        from chalicelib.hooks.services.fanout import HookFanout

        return HookFanout(self.hook_store, self.hook_queue)
