"""Outbound webhooks' request and response models (they feed /openapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.shared.schemas import Model, Strict

EventType = Literal["invitation.no_show", "invitation.completed", "invitation.completed_late",
                    "invitation.reason_given", "invitation.extension_requested",
                    "candidate.tags_changed", "export.ready", "budget.threshold"]
URL_PATTERN = r"^https?://[^\s/?#]+(/[^\s#]*)?$"
URL_DOC = ("https only in production, to a public address (checked on every delivery too); "
           "http://127.0.0.1 only in the local stages")
EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,255}$"


class CreateEndpoint(Strict):
    url: str = Field(min_length=8, max_length=2048, pattern=URL_PATTERN, description=URL_DOC)
    events: list[EventType] = Field(min_length=1, max_length=8,
                                    description="the events to deliver (at least one)")
    description: str | None = Field(default=None, max_length=200, description="for humans")
    alert_email: str | None = Field(default=None, max_length=320, pattern=EMAIL,
                                    description="told by email when the endpoint is disabled")


class UpdateEndpoint(Strict):
    """At least one field."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    url: str | None = Field(default=None, min_length=8, max_length=2048, pattern=URL_PATTERN,
                            description=URL_DOC)
    events: list[EventType] | None = Field(default=None, min_length=1, max_length=8)
    description: str | None = Field(default=None, max_length=200)
    alert_email: str | None = Field(default=None, max_length=320, pattern=EMAIL)
    enabled: bool | None = Field(default=None, description="true re-enables a disabled "
                                 "endpoint (failure counts start again); false pauses it")


class RotateEndpointSecret(Strict):
    overlap_hours: float | None = Field(
        default=None, ge=0, le=168,
        description="how long the old secret keeps signing beside the new one "
                    "(default 24; 0: not at all)")


class Endpoint(Model):
    id: str
    url: str
    events: list[EventType]
    description: str | None
    alert_email: str | None
    status: Literal["enabled", "disabled"]
    disabled_at: str | None
    disabled_reason: Literal["gone", "failing", "by_tenant"] | None = Field(
        description="gone: it answered 410; failing: persistent failure; by_tenant")
    failing_since: str | None
    last_success_at: str | None
    previous_secret_valid_until: str | None
    created_at: str
    updated_at: str


class EndpointCreated(Endpoint):
    secret: str = Field(pattern=r"^whsec_[A-Za-z0-9+/]{43}=$",
                        description="whsec_ + base64 of 32 bytes: shown in this answer only")


class Endpoints(Model):
    items: list[Endpoint]


class EndpointDeleted(Model):
    id: str
    deleted: bool


class SecretRotated(Model):
    id: str
    secret: str = Field(pattern=r"^whsec_[A-Za-z0-9+/]{43}=$", description="shown once")
    previous_secret_valid_until: str | None


class Attempt(Model):
    attempt: int
    at: str
    status_code: int | None = Field(description="the receiver's answer; null: none")
    error: str | None = Field(description="timeout, connection_error:..., forbidden_target")
    duration_ms: int


class Delivery(Model):
    id: str = Field(description="the webhook-id header of every attempt")
    event_type: str
    event_id: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    finished_at: str | None
    attempt_log: list[Attempt] = Field(description="the last 20 attempts, oldest first")


class Deliveries(Model):
    items: list[Delivery]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


def changes_of(body: UpdateEndpoint) -> dict[str, Any]:
    return body.model_dump(exclude_unset=True)
