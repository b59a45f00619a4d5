"""`GET /openapi.json`: an OpenAPI 3.1 document built from the route registry and the
pydantic models, so the spec cannot drift from the code (a test checks every Chalice route
is described)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.api.http import REGISTRY, RouteDoc
from chalicelib.api.lazy import resolve, schemas_of

if TYPE_CHECKING:
    from pydantic import BaseModel

    from chalicelib.shared import schemas
else:
    schemas = schemas_of("chalicelib.shared.schemas")

bp = Blueprint(__name__)

REASONS = {400: "invalid input", 401: "not authenticated", 403: "role not allowed",
           404: "not found (or another tenant's)", 409: "conflict; retry",
           413: "too large", 422: "unprocessable"}
HTML = {"schema": {"type": "string"},
        "description": "an HTML page, when Accept prefers text/html or a form was posted"}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema  # built once, on the first request

    models: list[type[BaseModel]] = [resolve(schemas.Error)]
    for route in REGISTRY:
        models += [resolve(m) for m in (route.body, route.form, route.response)
                   if m is not None]
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
    return {"$ref": f"#/components/schemas/{resolve(model).__name__}"}


def _operation(route: RouteDoc) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": route.summary,
                          "operationId": f"{route.method.lower()}_{route.path.strip('/')}"
                          .replace("/", "_").replace("{", "").replace("}", "").replace("-", "_")}
    declared = {p.name: p for p in route.path_schemas}
    params = [{"name": name, "in": "path", "required": True,
               "schema": declared[name].schema if name in declared else {"type": "string"}}
              for name in _path_params(route.path)]
    params += [{"name": q.name, "in": "query", "required": q.required,
                "schema": q.schema if q.required else _or_empty(q.schema),
                "description": q.description} for q in route.query]
    params += [{"name": h.name, "in": "header", "required": h.required, "schema": h.schema,
                "description": h.description} for h in route.headers]
    if params:
        op["parameters"] = params
    bodies: dict[str, Any] = {}
    if route.body is not None:
        bodies["application/json"] = {"schema": _ref(route.body)}
    if route.form is not None:
        bodies["application/x-www-form-urlencoded"] = {"schema": _ref(route.form)}
    if bodies:
        op["requestBody"] = {"required": route.body is not None and route.body_required,
                             "content": bodies}
    ok: dict[str, Any] = {"description": "success"}
    if 300 <= route.status < 400:
        ok = {"description": "redirect", "headers": {"Location": {"schema": {"type": "string"}}}}
    if route.response is not None:
        ok["content"] = {"application/json": {"schema": _ref(route.response)}}
    if route.html:  # Accept: text/html (a browser): the candidate's page
        ok.setdefault("content", {})["text/html"] = HTML
    if route.csv:  # a download (?format=csv)
        ok.setdefault("content", {})["text/csv"] = {"schema": {"type": "string"}}
    responses: dict[str, Any] = {str(route.status): ok}
    errors = set(route.errors) | ({401, 403} if route.roles else set())
    for code in sorted(errors):
        named = [text for status, text in route.codes if status == code]
        description = REASONS[code] + "".join(f"; {text}" for text in named)
        content: dict[str, Any] = {"application/json": {"schema": _ref(schemas.Error)}}
        if route.html:
            content["text/html"] = HTML
        responses[str(code)] = {"description": description, "content": content}
    op["responses"] = responses
    op["security"] = [{"apiKey": []}] if route.roles else []
    return op


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter given empty (`?cursor=`) is the same as leaving it out
    (api/http.py `Caller.param`), and the document says so."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


@bp.route("/openapi.json", methods=["GET"])
def openapi_json() -> Response:
    return Response(document(), status_code=200, headers={"Content-Type": "application/json"})
