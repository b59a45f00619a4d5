"""HR's message templates (admin, recruiter): the invitation and each reminder round, per
locale; every save a new version, checked first; a campaign keeps the versions it pinned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import WRITERS, Caller, Query, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.errors import ValidationFailed

if TYPE_CHECKING:
    from chalicelib.delivery import template_schemas as schemas
else:
    schemas = schemas_of("chalicelib.delivery.template_schemas")

bp = Blueprint(__name__)
PATH = "/tenant/templates/{kind}/{locale}"
KIND = Query("kind", "the template", schema={
    "type": "string", "enum": ["invite", "due_tomorrow", "final_call", "no_show"]})
LOCALE = Query("locale", "the language", schema={"type": "string", "enum": ["en", "zh-CN"]})
INVALID = ((422, "invalid_template (details: part, code - template_syntax, unknown_variable, "
                 "unknown_filter, template_unsupported, missing_link, template_empty, "
                 "template_too_long, sms_too_long - message, line), empty_update"),)
VERSION = Query("version", "a saved version (default: the current one)",
                schema={"type": "integer", "minimum": 1, "maximum": 1_000_000})


@endpoint(bp, "GET", "/tenant/templates", summary="The effective message templates",
          roles=WRITERS, response=schemas.TemplateList, errors=(), authorizer=api_key)
def list_templates(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().templates.effective(caller.tenant_id)
    return result


@endpoint(bp, "GET", PATH, summary="One template: its parts, variables and version",
          roles=WRITERS, response=schemas.TemplateView, errors=(400, 404),
          query=(VERSION,), paths=(KIND, LOCALE), authorizer=api_key)
def get_template(caller: Caller, kind: str, locale: str) -> dict[str, Any]:
    raw = caller.param("version")
    if raw is not None and (not raw.isdigit() or not 1 <= int(raw) <= 1_000_000):
        raise ValidationFailed("version must be an integer from 1", code="invalid_version")
    result: dict[str, Any] = container().templates.get(
        caller.tenant_id, kind, locale, int(raw) if raw is not None else None)
    return result


@endpoint(bp, "PUT", PATH, summary="Save a new version (checked; parts left out are kept)",
          roles=WRITERS, body=schemas.SaveTemplate, response=schemas.TemplateView,
          errors=(400, 404, 409, 422), paths=(KIND, LOCALE), authorizer=api_key,
          codes=(*INVALID, (409, "template_conflict")))
def save_template(caller: Caller, kind: str, locale: str,
                  body: schemas.SaveTemplate) -> dict[str, Any]:
    result: dict[str, Any] = container().templates.save(
        caller.tenant_id, kind, locale, body.parts.model_dump(), body.expected_version,
        caller.key_id, caller.now)
    log_request(caller, "message template saved", template=f"{kind}/{locale}",
                version=result["version"])
    return result


@endpoint(bp, "POST", PATH + "/preview", summary="Render parts with sample or given values",
          roles=WRITERS, body=schemas.PreviewTemplate, optional_body=True,
          response=schemas.TemplatePreview, errors=(400, 404, 422), paths=(KIND, LOCALE),
          authorizer=api_key, codes=INVALID)
def preview_template(caller: Caller, kind: str, locale: str,
                     body: schemas.PreviewTemplate) -> dict[str, Any]:
    parts = body.parts.model_dump() if body.parts else {}
    variables = body.variables.model_dump(exclude_none=True) if body.variables else {}
    result: dict[str, Any] = container().templates.preview(caller.tenant_id, kind, locale,
                                                           parts, variables)
    return result


@endpoint(bp, "POST", PATH + "/reset", summary="Back to the shipped template (a new version)",
          roles=WRITERS, response=schemas.TemplateView, errors=(404, 409),
          paths=(KIND, LOCALE), authorizer=api_key, codes=((409, "template_conflict"),))
def reset_template(caller: Caller, kind: str, locale: str) -> dict[str, Any]:
    result: dict[str, Any] = container().templates.reset(caller.tenant_id, kind, locale,
                                                         caller.key_id, caller.now)
    log_request(caller, "message template reset", template=f"{kind}/{locale}",
                version=result["version"])
    return result
