"""Request and response models every feature shares: the strict base, the error body, the
channel, locale and status names. Each feature keeps its own in `<feature>/schemas.py`;
their JSON Schemas feed `/openapi.json` (api/openapi.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Channel = Literal["email", "sms"]


Locale = Literal["en", "zh-CN"]


StatusName = Literal["invited", "sent", "opened", "started", "completed", "no_show",
                     "completed_late", "closed", "cancelled"]


def documented(schema: dict[str, Any] | Callable[[], dict[str, Any]],
               ) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` that states a field's JSON Schema exactly, for rules the feature
    checks itself (with its own error codes) and for optional fields that refuse null: the
    document then says what the code accepts, no more (schemathesis holds both to it)."""

    def apply(generated: dict[str, Any]) -> None:
        keep = {k: v for k, v in generated.items() if k in ("description", "title")}
        generated.clear()
        generated.update({**(schema() if callable(schema) else schema), **keep})

    return apply




class Model(BaseModel):
    """Every request and response model. `defer_build`: a model's validator is built the
    first time it is used, not when its module is imported (a cold start imports many)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """Request bodies: no unknown fields, and no coercion the document does not state: a
    `false` is not the integer 0 and a number is not an instant (pydantic's lax mode takes
    both; its strict mode would also refuse 157.0 for an integer, which JSON Schema allows)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_silent_coercion(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool | int | float) and info.field_name in cls.model_fields:
            annotation = str(cls.model_fields[info.field_name].annotation)
            if isinstance(value, bool) and "bool" not in annotation:
                raise ValueError("a boolean is not allowed here")
            if not isinstance(value, bool) and "bool" in annotation \
                    and not any(t in annotation for t in ("int", "float")):
                raise ValueError("a boolean is true or false, not a number")
            if not isinstance(value, bool) and "datetime" in annotation.lower():
                raise ValueError("an instant is an ISO 8601 string, not a number")
        return value


class ErrorBody(Model):
    code: str = Field(description="stable machine-readable code, e.g. invalid_channels")
    message: str = Field(description="for humans")
    details: list[dict[str, Any]] | None = None


class Error(Model):
    error: ErrorBody
