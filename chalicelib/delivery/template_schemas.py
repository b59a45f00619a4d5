"""Request and response models of HR's message templates (`/tenant/templates`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.shared.schemas import Locale, Model, Strict

TemplateKind = Literal["invite", "due_tomorrow", "final_call", "no_show"]


class TemplatePartsIn(Strict):
    """The parts to change; a part left out (or null) keeps its current text. Jinja text:
    variables, the filters upper, lower, title, capitalize, trim, default, truncate, e, and
    if/else (checked on save: 422 invalid_template)."""

    subject: str | None = Field(default=None, max_length=300)
    txt: str | None = Field(default=None, max_length=10_000)
    html: str | None = Field(default=None, max_length=20_000)
    sms: str | None = Field(default=None, max_length=1_000)


class SaveTemplate(Strict):
    parts: TemplatePartsIn
    expected_version: int | None = Field(
        default=None, ge=0, le=1_000_000,
        description="the version the edit started from: 409 template_conflict when the "
                    "template moved on meanwhile (0: the shipped one)")


class TemplateVariablesIn(Strict):
    """Values for a preview instead of the samples."""

    name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    position_title: str | None = Field(default=None, max_length=200)
    interview_url: str | None = Field(default=None, max_length=2000)
    deadline: str | None = Field(default=None, max_length=100)
    grace_end: str | None = Field(default=None, max_length=100)
    self_service_url: str | None = Field(default=None, max_length=2000)
    short_url: str | None = Field(default=None, max_length=200)


class PreviewTemplate(Strict):
    parts: TemplatePartsIn | None = None
    variables: TemplateVariablesIn | None = None


class TemplateParts(Model):
    subject: str
    txt: str
    html: str
    sms: str


class TemplateVariable(Model):
    name: str
    description: str
    sms_only: bool


class TemplateWarning(Model):
    part: str
    code: str = Field(description="sms_parts: more SMS parts than the shipped template")
    message: str


class TemplateSummary(Model):
    kind: TemplateKind
    locale: Locale
    version: int = Field(description="0: the shipped template, never edited")
    custom: bool
    updated_at: str | None


class TemplateList(Model):
    items: list[TemplateSummary]


class TemplateView(TemplateSummary):
    parts: TemplateParts
    variables: list[TemplateVariable]
    required: dict[str, list[str]] = Field(description="the variables each part must use")
    warnings: list[TemplateWarning]


class TemplatePreview(Model):
    kind: TemplateKind
    locale: Locale
    subject: str
    text: str
    html: str = Field(description="rendered HTML (autoescaped): show it in a sandboxed frame")
    sms: str
    sms_parts: int
    sms_encoding: Literal["GSM-7", "UCS-2"]
    variables: dict[str, str]
    warnings: list[TemplateWarning]
