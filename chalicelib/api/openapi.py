"""`GET /openapi.json`: an OpenAPI 3.1 document built from the route registry and the
pydantic models, so the spec cannot drift from the code (a test checks every Chalice route
is described)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.http import REGISTRY, RouteDoc
from chalicelib.shared import schemas

bp = Blueprint(__name__)

REASONS = {400: "invalid input", 401: "not authenticated", 403: "role not allowed",
           404: "not found (or another tenant's)", 409: "conflict; retry",
           413: "too large", 422: "unprocessable"}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    models: list[type[BaseModel]] = [schemas.Error]
    for route in REGISTRY:
        models += [m for m in (route.body, route.response) if m is not None]
    unique = list(dict.fromkeys(models))
    _, top = models_json_schema([(m, "validation") for m in unique],
                                ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for route in REGISTRY:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "TalentLoop API", "version": "1.0.0",
                 "description": "AI-interview invitations, reminders, talent pool."},
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                           "description": "Authorization: Bearer tlk_..."}},
        },
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(route: RouteDoc) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": route.summary,
                          "operationId": f"{route.method.lower()}_{route.path.strip('/')}"
                          .replace("/", "_").replace("{", "").replace("}", "").replace("-", "_")}
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in _path_params(route.path)]
    params += [{"name": q.name, "in": "query", "required": q.required, "schema": q.schema,
                "description": q.description} for q in route.query]
    params += [{"name": h.name, "in": "header", "required": h.required, "schema": h.schema,
                "description": h.description} for h in route.headers]
    if params:
        op["parameters"] = params
    if route.body is not None:
        op["requestBody"] = {"required": route.body_required,
                             "content": {"application/json": {"schema": _ref(route.body)}}}
    ok: dict[str, Any] = {"description": "success"}
    if route.response is not None:
        ok["content"] = {"application/json": {"schema": _ref(route.response)}}
    responses: dict[str, Any] = {str(route.status): ok}
    errors = set(route.errors) | ({401, 403} if route.roles else set())
    for code in sorted(errors):
        named = [text for status, text in route.codes if status == code]
        description = REASONS[code] + "".join(f"; {text}" for text in named)
        responses[str(code)] = {"description": description, "content": {
            "application/json": {"schema": _ref(schemas.Error)}}}
    op["responses"] = responses
    op["security"] = [{"apiKey": []}] if route.roles else []
    return op


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


@bp.route("/openapi.json", methods=["GET"])
def openapi_json() -> Response:
    return Response(document(), status_code=200, headers={"Content-Type": "application/json"})
