"""One decorator per route: registers it with Chalice and with the OpenAPI registry, resolves
the caller (tenant, role) from the authorizer's context, parses and validates the JSON body,
maps domain errors through one table, and serialises the result. Route functions stay short.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from chalicelib.api.errors import error_response, from_domain, status_of
from chalicelib.api.lazy import resolve
from chalicelib.bootstrap import container
from chalicelib.invitations.domain.invitation import Status
from chalicelib.observability import logger
from chalicelib.shared.domain.errors import DomainError, NotFound, ValidationFailed
from chalicelib.shared.domain.secrets import CAMPAIGN_SCOPED

if TYPE_CHECKING:  # pydantic is imported when the first body is parsed (chalicelib/api/lazy.py)
    from pydantic import BaseModel, ValidationError

WRITERS = ("admin", "recruiter")
READERS = ("admin", "recruiter", "interviewer")  # interviewers: their campaigns only


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    required: bool = False
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class RouteDoc:
    method: str
    path: str
    summary: str
    status: int
    roles: tuple[str, ...] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    query: tuple[Query, ...]
    headers: tuple[Query, ...]
    errors: tuple[int, ...]
    #: error codes worth naming per status in the OpenAPI document (409: "campaign_closed")
    codes: tuple[tuple[int, str], ...] = ()
    #: an optional body: no body means the model's defaults
    body_required: bool = True
    #: path parameters with more than "a string" to say (a pattern)
    path_schemas: tuple[Query, ...] = ()
    #: the route also answers text/html (browsers), and takes this model as a form post
    html: bool = False
    form: type[BaseModel] | None = None
    #: the route also answers text/csv (a download), as a string
    csv: bool = False


REGISTRY: list[RouteDoc] = []
FORM = "application/x-www-form-urlencoded"
#: renders an error for a browser (request, status, code, message, details); None: JSON
ErrorPage = Callable[[Any, int, str, str, list[dict[str, Any]] | None], Response | None]

#: the JSON Schemas of the parameters many routes share (the document states every limit
#: the code checks, so a generated client never sends what will be refused)
DAY = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
MONTH = {"type": "string", "pattern": r"^(2\d{3})-(0[1-9]|1[0-2])$"}
ID = {"type": "string"}
IDEMPOTENCY_KEY = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}
INVITATION_STATUSES = tuple(s.value for s in Status)


def limit_query(default: int, maximum: int = 100) -> Query:
    return Query("limit", f"1-{maximum}, default {default}",
                 schema={"type": "integer", "minimum": 1, "maximum": maximum})


CURSOR = Query("cursor", "next_cursor of the previous page",
               schema={"type": "string", "minLength": 1, "maxLength": 2048})


def flag_query(name: str, description: str) -> Query:
    return Query(name, description, schema={"type": "string", "enum": ["true", "false"]})


@dataclass(frozen=True)
class Caller:
    tenant_id: str
    role: str
    key_id: str
    now: datetime
    request: Any
    campaign_ids: tuple[str, ...] = ()

    def check_campaign(self, campaign_id: str | None) -> None:
        """Interviewer keys see only their campaigns; another campaign is `not found`."""
        if self.role in CAMPAIGN_SCOPED and campaign_id not in self.campaign_ids:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")

    def flag(self, name: str) -> bool:
        """A `flag_query`: true or false (left out or empty: false); anything else is a 400."""
        value = self.param(name)
        if value not in (None, "true", "false"):
            raise ValidationFailed(f"{name} must be true or false", code="invalid_flag")
        return value == "true"

    def param(self, name: str) -> str | None:
        params = self.request.query_params or {}
        value = params.get(name)
        return value if value not in (None, "") else None

    def limit(self, default: int = 50, maximum: int = 100) -> int:
        raw = self.param("limit")
        if raw is None:
            return default
        if not raw.isdigit() or not 1 <= int(raw) <= maximum:
            raise ValidationFailed(f"limit must be an integer from 1 to {maximum}",
                                   code="invalid_limit")
        return int(raw)


def endpoint(bp: Blueprint, method: str, path: str, *, summary: str, status: int = 200,
             roles: tuple[str, ...] | None = WRITERS, body: type[BaseModel] | None = None,
             body_doc: type[BaseModel] | None = None, optional_body: bool = False,
             response: type[BaseModel] | None = None,
             query: tuple[Query, ...] = (), headers: tuple[Query, ...] = (),
             errors: tuple[int, ...] = (400,), codes: tuple[tuple[int, str], ...] = (),
             paths: tuple[Query, ...] = (),
             authorizer: Any = None,
             content_types: tuple[str, ...] = ("application/json", "text/plain", FORM),
             html: bool = False, form: type[BaseModel] | None = None,
             pages: ErrorPage | None = None, csv: bool = False) -> Callable[..., Any]:
    """`roles=None` makes a public route (the vendor webhook authenticates by signature).
    `body`, `body_doc`, `response` and `form` may be `SchemaRef`s (chalicelib/api/lazy.py).

    `form`: a form-encoded body is validated with this model too (and passed as `body` when
    the route takes one); without it a form body is refused as today. `pages`: errors go to
    it first, so a browser gets an HTML page and JSON clients the uniform body. `html`: the
    OpenAPI document lists text/html next to JSON; `csv`: it lists text/csv (a download)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        # a cursor we did not issue (or that has expired) is 422 invalid_cursor
        declared = tuple(sorted(set(errors) | ({422} if CURSOR in query else set())))
        REGISTRY.append(RouteDoc(method, path, summary, status, roles, body_doc or body,
                                 response, query, headers, declared, codes, not optional_body,
                                 paths, html, form, csv))

        def fail(request: Any, status_code: int, code: str, message: str,
                 details: list[dict[str, Any]] | None = None) -> Response:
            page = pages(request, status_code, code, message, details) if pages else None
            return page if page is not None else error_response(status_code, code, message,
                                                                details)

        @functools.wraps(fn)
        def view(**params: Any) -> Response:
            request = bp.current_request
            try:
                caller = _caller(request, roles)
                if isinstance(caller, Response):
                    return caller
                if form is not None and is_form(request):
                    parsed = resolve(form).model_validate(parse_form(request.raw_body))
                    if body is not None:
                        params["body"] = parsed
                elif body is not None:
                    params["body"] = _parse(request.raw_body, resolve(body), optional_body)
                result = fn(caller, **params)
            except DomainError as err:
                if pages is None:
                    return from_domain(err)
                details = err.details if isinstance(err, ValidationFailed) else None
                return fail(request, status_of(err), err.code, err.message, details)
            except Exception as err:  # ours, not the client's: uniform body, details in the log
                if _is_validation_error(err):
                    return fail(request, 400, "validation_failed", _summary(err), _details(err))
                logger.exception("unhandled error", extra={"route": f"{method} {path}"})
                return fail(request, 500, "internal_error",
                            "something went wrong on our side; retrying is safe")
            if isinstance(result, Response):
                return result
            return Response(json.dumps(result, ensure_ascii=False), status_code=status,
                            headers={"Content-Type": "application/json"})

        bp.route(path, methods=[method], authorizer=authorizer if roles else None,
                 content_types=list(content_types))(view)
        return fn

    return decorate


def _caller(request: Any, roles: tuple[str, ...] | None) -> Caller | Response:
    now = container().clock.now()
    context = (request.context or {}).get("authorizer") or {}
    tenant_id = context.get("tenant_id") or ""
    role = context.get("role") or ""
    if roles is None:
        return Caller("", "", "", now, request)
    if not tenant_id:
        return error_response(401, "unauthenticated",
                              "send a valid API key: Authorization: Bearer <key>")
    if role not in roles:
        return error_response(403, "forbidden",
                              f"role {role} may not do this (needs {' or '.join(roles)})")
    scope = tuple(c for c in str(context.get("campaign_ids") or "").split(",") if c)
    return Caller(tenant_id, role, context.get("key_id", ""), now, request, scope)


def _is_validation_error(err: Exception) -> TypeGuard[ValidationError]:
    """A pydantic ValidationError, without importing pydantic to find out (if it is not
    loaded yet, no model has validated anything, so this is not one)."""
    core = sys.modules.get("pydantic_core")
    return core is not None and isinstance(err, core.ValidationError)


def _parse(raw: str | bytes | None, model: type[BaseModel], optional: bool = False) -> BaseModel:
    if optional and (not raw or not raw.strip()):
        return model()
    if not raw:
        raise ValidationFailed("a JSON body is required", code="missing_body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise ValidationFailed(f"body is not valid JSON: {err}", code="invalid_json") from err
    if not isinstance(data, dict):
        raise ValidationFailed("body must be a JSON object", code="invalid_body")
    return model.model_validate(data)


def is_form(request: Any) -> bool:
    content_type = (request.headers or {}).get("content-type", "")
    return str(content_type).split(";")[0].strip().lower() == FORM


def parse_form(raw: str | bytes | None) -> dict[str, str]:
    """A form post as a dict: empty fields are left out (an optional text left blank is
    absent), and a field sent twice is refused rather than silently picked."""
    data: dict[str, str] = {}
    seen: set[str] = set()
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else (raw or "")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text),
                          errors="strict")
    except (ValueError, UnicodeDecodeError) as err:
        raise ValidationFailed("the form could not be read", code="invalid_form") from err
    for name, value in pairs:
        if name in seen:
            raise ValidationFailed(f"{name} was sent twice", code="invalid_form")
        seen.add(name)
        if value.strip():
            data[name] = value
    return data


def _details(err: ValidationError) -> list[dict[str, Any]]:
    return [{"field": ".".join(str(p) for p in e["loc"]), "code": e["type"], "message": e["msg"]}
            for e in err.errors(include_url=False, include_input=False)]


def _summary(err: ValidationError) -> str:
    first = err.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    extra = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{where}: {first['msg']}{extra}"


def log_request(caller: Caller, action: str, **fields: Any) -> None:
    """Structured, PII-free request log (ids and counts only). Field names must not be
    LogRecord attributes (`created`, `name`, `msg`...): logging refuses to overwrite them."""
    logger.info(action, extra={"tenant_id": caller.tenant_id, "key_id": caller.key_id, **fields})
