"""Request and response models every feature shares: the strict base, the error body, the
channel, locale and status names. Each feature keeps its own in `<feature>/schemas.py`;
their JSON Schemas feed `/openapi.json` (api/openapi.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["email", "sms"]


Locale = Literal["en", "zh-CN"]


StatusName = Literal["invited", "sent", "opened", "started", "completed", "no_show",
                     "completed_late", "closed", "cancelled"]


class Model(BaseModel):
    """Every request and response model. `defer_build`: a model's validator is built the
    first time it is used, not when its module is imported (a cold start imports many)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ErrorBody(Model):
    code: str = Field(description="stable machine-readable code, e.g. invalid_channels")
    message: str = Field(description="for humans")
    details: list[dict[str, Any]] | None = None


class Error(Model):
    error: ErrorBody
