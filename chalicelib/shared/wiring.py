"""The shared part of the wiring: settings, clock, AWS clients, the queue and the bucket.

Every feature's wiring (`<feature>/wiring.py`) extends this class and bootstrap.py composes
them. Properties build lazily and are cached (`cached_property`): nothing is built at import
time. `overrides` replaces a client or a port by name (tests, the local runner).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.config import Settings
    from chalicelib.shared.adapters.object_store import ObjectStore
    from chalicelib.shared.domain.ports import MessageQueue


class SharedWiring:
    settings: Settings
    clock: Clock
    overrides: dict[str, Any]

    def _client(self, service: str) -> Any:
        if service in self.overrides:
            return self.overrides[service]
        import boto3

        return boto3.session.Session().client(service, region_name=self.settings.region)

    def _signing_s3(self) -> Any:
        """An S3 client signing with SigV4: the bucket is KMS-encrypted, and its links carry
        X-Amz-Expires."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", region_name=self.settings.region, config=Config(signature_version="s3v4"))

    def _queue(self, name: str, override: str) -> MessageQueue:
        if override in self.overrides:
            queue: MessageQueue = self.overrides[override]
            return queue
        from chalicelib.shared.adapters.queue import SqsQueue

        return SqsQueue(self._client("sqs"), name)

    @cached_property
    def queue(self) -> MessageQueue:
        """The outbox queue (the sender reads it)."""
        return self._queue(self.settings.outbox_queue, "queue")

    @cached_property
    def objects(self) -> ObjectStore:
        """The reports bucket for plain objects (imports, the change feed, summaries)."""
        from chalicelib.shared.adapters.object_store import ObjectStore

        return ObjectStore(self._client("s3"), self.settings.reports_bucket)
