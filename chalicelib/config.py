"""Settings, read from the environment once and passed around as a value.

Every environment variable the functions read is named here and nowhere else. An explicit
argument beats an environment variable: tests and the local runner build `Settings` directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

ENV_STAGE = "TALENTLOOP_STAGE"
ENV_TABLE = "TALENTLOOP_TABLE"
ENV_OUTBOX_QUEUE = "TALENTLOOP_OUTBOX_QUEUE"
ENV_REPORTS_BUCKET = "TALENTLOOP_REPORTS_BUCKET"
ENV_SENDER_EMAIL = "TALENTLOOP_SENDER_EMAIL"
ENV_DUE_SHARDS = "TALENTLOOP_DUE_SHARDS"
ENV_VENDOR_BASE_URL = "TALENTLOOP_VENDOR_BASE_URL"
ENV_GRACE_HOURS = "TALENTLOOP_GRACE_HOURS"
ENV_SES_CONFIGURATION_SET = "TALENTLOOP_SES_CONFIGURATION_SET"
ENV_TOKEN_SIGNING_SECRET = "TALENTLOOP_TOKEN_SIGNING_SECRET"
ENV_PUBLIC_API_URL = "TALENTLOOP_PUBLIC_API_URL"
ENV_SEND_RATE_EMAIL = "TALENTLOOP_SEND_RATE_EMAIL"
ENV_SEND_RATE_SMS = "TALENTLOOP_SEND_RATE_SMS"
ENV_SENDER_INSTANCES = "TALENTLOOP_SENDER_INSTANCES"
ENV_ALERTS_TOPIC = "TALENTLOOP_ALERTS_TOPIC"
ENV_EXPORTS_QUEUE = "TALENTLOOP_EXPORTS_QUEUE"
ENV_IMPORTS_QUEUE = "TALENTLOOP_IMPORTS_QUEUE"
ENV_EXPORT_LINK_TTL_S = "TALENTLOOP_EXPORT_LINK_TTL_S"
ENV_HOOKS_QUEUE = "TALENTLOOP_HOOKS_QUEUE"
ENV_HOOKS_TIMEOUT_S = "TALENTLOOP_HOOKS_TIMEOUT_S"
ENV_HOOKS_ALLOW_LOOPBACK = "TALENTLOOP_HOOKS_ALLOW_LOOPBACK"
ENV_HOOKS_DISABLE_AFTER_MESSAGES = "TALENTLOOP_HOOKS_DISABLE_AFTER_MESSAGES"
ENV_HOOKS_DISABLE_AFTER_DAYS = "TALENTLOOP_HOOKS_DISABLE_AFTER_DAYS"
ENV_CHAT_TIMEOUT_S = "TALENTLOOP_CHAT_TIMEOUT_S"
ENV_CHAT_ALLOW_LOOPBACK = "TALENTLOOP_CHAT_ALLOW_LOOPBACK"
ENV_REGION = "AWS_REGION"
#: stages whose outbound webhooks may go to plain-http loopback receivers (tests, laptop)
LOOPBACK_STAGES = ("local", "test")


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    outbox_queue: str
    reports_bucket: str
    sender_email: str
    region: str = "us-east-1"
    due_shards: int = 8
    vendor_base_url: str = "https://interview.example.com"
    grace_hours: int = 48
    #: SES configuration set that routes bounce/complaint/delivery events (production)
    ses_configuration_set: str | None = None
    #: the self-service links' signing key: a Secrets Manager ARN (production) or the key
    token_signing_secret: str = "local-development-signing-key-not-a-secret"
    #: where candidates reach the API (self-service links)
    public_api_url: str = "http://127.0.0.1:8030"
    #: messages a second per channel for the whole sender fleet (SES / SNS quotas)
    send_rate_email: float = 14.0
    send_rate_sms: float = 20.0
    #: how many sender instances share those rates (the event source's max concurrency)
    sender_instances: int = 1
    #: budget alerts: the alerts topic's ARN (production) or its name (local)
    alerts_topic: str = "talentloop-local-alerts"
    #: where new export items are queued for the exporter (docs/exports.md)
    exports_queue: str = "talentloop-local-exports"
    #: where new import jobs are queued for the importer (docs/import-and-privacy.md)
    imports_queue: str = "talentloop-local-imports"
    #: how long an export's download link works
    export_link_ttl_s: int = 900
    #: outbound webhooks (docs/architecture.md, infra/DEPLOY.md): the sender's queue, the
    #: connect/read timeout, whether plain-http loopback targets are allowed (never in
    #: production), and when a failing endpoint is disabled
    hooks_queue: str = "talentloop-local-hooks"
    hooks_timeout_s: float = 10.0
    hooks_allow_loopback: bool = False
    hooks_disable_after_messages: int = 5
    hooks_disable_after_days: float = 5.0
    #: the tenant's chat bot (delivery/domain/chat_bots.py): connect/read timeout, and whether
    #: a bot URL may be plain http on loopback (the local stages' receiver; never production)
    chat_timeout_s: float = 5.0
    chat_allow_loopback: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        stage = env.get(ENV_STAGE, "local")
        return cls(
            stage=stage,
            table_name=env.get(ENV_TABLE, f"talentloop-{stage}-main"),
            outbox_queue=env.get(ENV_OUTBOX_QUEUE, f"talentloop-{stage}-outbox"),
            reports_bucket=env.get(ENV_REPORTS_BUCKET, f"talentloop-{stage}-reports"),
            sender_email=env.get(ENV_SENDER_EMAIL, "no-reply@talentloop.example.com"),
            region=env.get(ENV_REGION, env.get("AWS_DEFAULT_REGION", "us-east-1")),
            due_shards=int(env.get(ENV_DUE_SHARDS, "8")),
            vendor_base_url=env.get(ENV_VENDOR_BASE_URL, "https://interview.example.com"),
            grace_hours=int(env.get(ENV_GRACE_HOURS, "48")),
            ses_configuration_set=env.get(ENV_SES_CONFIGURATION_SET) or None,
            token_signing_secret=env.get(ENV_TOKEN_SIGNING_SECRET,
                                         "local-development-signing-key-not-a-secret"),
            public_api_url=env.get(ENV_PUBLIC_API_URL, "http://127.0.0.1:8030"),
            send_rate_email=float(env.get(ENV_SEND_RATE_EMAIL, "14")),
            send_rate_sms=float(env.get(ENV_SEND_RATE_SMS, "20")),
            sender_instances=int(env.get(ENV_SENDER_INSTANCES, "1")),
            alerts_topic=env.get(ENV_ALERTS_TOPIC, f"talentloop-{stage}-alerts"),
            exports_queue=env.get(ENV_EXPORTS_QUEUE, f"talentloop-{stage}-exports"),
            imports_queue=env.get(ENV_IMPORTS_QUEUE, f"talentloop-{stage}-imports"),
            export_link_ttl_s=int(env.get(ENV_EXPORT_LINK_TTL_S, "900")),
            hooks_queue=env.get(ENV_HOOKS_QUEUE, f"talentloop-{stage}-hooks"),
            hooks_timeout_s=float(env.get(ENV_HOOKS_TIMEOUT_S, "10")),
            hooks_allow_loopback=env.get(
                ENV_HOOKS_ALLOW_LOOPBACK, "1" if stage in LOOPBACK_STAGES else "0") == "1",
            hooks_disable_after_messages=int(env.get(ENV_HOOKS_DISABLE_AFTER_MESSAGES, "5")),
            hooks_disable_after_days=float(env.get(ENV_HOOKS_DISABLE_AFTER_DAYS, "5")),
            chat_timeout_s=float(env.get(ENV_CHAT_TIMEOUT_S, "5")),
            chat_allow_loopback=env.get(
                ENV_CHAT_ALLOW_LOOPBACK, "1" if stage in LOOPBACK_STAGES else "0") == "1",
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
