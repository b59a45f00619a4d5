"""Request and response models of a tenant's own API keys and webhook secrets (admin)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from chalicelib.api.schemas import Strict

Role = Literal["admin", "recruiter", "finance", "interviewer"]


class CreateApiKey(Strict):
    role: Role
    label: str | None = Field(default=None, max_length=200, description="for humans")
    campaign_ids: list[str] | None = Field(
        default=None, max_length=100,
        description="interviewer keys only (required for them): the campaigns it may read")
    expires_at: AwareDatetime | None = Field(
        default=None, description="refused from then on (within 5 years); none: no expiry")


class ApiKey(BaseModel):
    key_id: str
    role: Role
    campaign_ids: list[str]
    label: str | None
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    revoked_by: str | None = Field(description="the key id that revoked it, or operator")
    status: Literal["active", "expired", "revoked"]


class ApiKeyCreated(ApiKey):
    tenant_id: str
    api_key: str = Field(description="tlk_...: shown in this answer only, stored hashed")


class ApiKeys(BaseModel):
    items: list[ApiKey]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


class CurrentSecret(BaseModel):
    fingerprint: str = Field(description="whfp_...: names the secret, reveals nothing")
    since: str | None


class RetiringSecret(BaseModel):
    fingerprint: str
    rotated_at: str
    retire_at: str = Field(description="still verifies until then")


class WebhookSecrets(BaseModel):
    current: CurrentSecret
    retiring: list[RetiringSecret]


class RotateSecretIn(Strict):
    overlap_hours: float | None = Field(
        default=None, ge=0, le=168,
        description="how long the old secret keeps verifying (default 24; 0: not at all)")


class SecretRotated(WebhookSecrets):
    webhook_secret: str = Field(description="whsec_...: the new secret, shown only here")


class RetireSecretIn(Strict):
    fingerprint: str | None = Field(
        default=None, description="the older secret to retire; none: every older secret")
