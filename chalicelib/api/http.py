"""One decorator per route: registers it with Chalice and with the OpenAPI registry, resolves
the caller (tenant, role) from the authorizer's context, parses and validates the JSON body,
maps domain errors through one table, and serialises the result. Route functions stay short.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib.api.errors import error_response, from_domain
from chalicelib.bootstrap import container
from chalicelib.observability import logger
from chalicelib.shared.domain.errors import DomainError, NotFound, ValidationFailed
from chalicelib.shared.domain.secrets import CAMPAIGN_SCOPED

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
    body_required: bool = True  # False: the body may be left out (its fields all default)


REGISTRY: list[RouteDoc] = []


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
             body_doc: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
             query: tuple[Query, ...] = (), headers: tuple[Query, ...] = (),
             errors: tuple[int, ...] = (400,), codes: tuple[tuple[int, str], ...] = (),
             authorizer: Any = None, body_required: bool = True,
             content_types: tuple[str, ...] = ("application/json", "text/plain",
                                               "application/x-www-form-urlencoded"),
             ) -> Callable[..., Any]:
    """`roles=None` makes a public route (the vendor webhook authenticates by signature)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY.append(RouteDoc(method, path, summary, status, roles, body_doc or body,
                                 response, query, headers, errors, codes, body_required))

        @functools.wraps(fn)
        def view(**params: Any) -> Response:
            request = bp.current_request
            try:
                caller = _caller(request, roles)
                if isinstance(caller, Response):
                    return caller
                if body is not None:
                    params["body"] = _parse(request.raw_body, body)
                result = fn(caller, **params)
            except DomainError as err:
                return from_domain(err)
            except ValidationError as err:
                return error_response(400, "validation_failed", _summary(err), _details(err))
            except Exception:  # ours, not the client's: uniform body, details in the log
                logger.exception("unhandled error", extra={"route": f"{method} {path}"})
                return error_response(500, "internal_error",
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


def _parse(raw: str | bytes | None, model: type[BaseModel]) -> BaseModel:
    if not raw:
        raise ValidationFailed("a JSON body is required", code="missing_body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise ValidationFailed(f"body is not valid JSON: {err}", code="invalid_json") from err
    if not isinstance(data, dict):
        raise ValidationFailed("body must be a JSON object", code="invalid_body")
    return model.model_validate(data)


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
