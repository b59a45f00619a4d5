"""Schemas by reference, so a cold start does not build them.

Every Lambda function imports `app.py`, so every route module's imports are paid on every
cold start, by the sender and the stream too. Building the pydantic request and response
models was most of that time (issue 11: `import app` took 2.47x a bare `import boto3`). A route
module imports its feature's schemas through `schemas_of(...)`: naming `schemas.CampaignIn`
then costs nothing, and the module (pydantic included) is imported the first time a request
needs a body parsed or `/openapi.json` is built. Type checkers see the real module:

    if TYPE_CHECKING:
        from chalicelib.invitations import schemas
    else:
        schemas = schemas_of("chalicelib.invitations.schemas")
"""

from __future__ import annotations

import importlib
from typing import Any


class SchemaRef:
    """`module.name`, imported on first use; attribute access and calls pass through."""

    __slots__ = ("_target", "module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._target: Any = None

    def resolve(self) -> Any:
        if self._target is None:
            self._target = getattr(importlib.import_module(self.module), self.name)
        return self._target

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.resolve(), attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"SchemaRef({self.module}.{self.name})"


class _LazySchemas:
    def __init__(self, module: str) -> None:
        self._module = module
        self._refs: dict[str, SchemaRef] = {}

    def __getattr__(self, name: str) -> SchemaRef:
        if name.startswith("__"):
            raise AttributeError(name)
        if name not in self._refs:
            self._refs[name] = SchemaRef(self._module, name)
        return self._refs[name]


def schemas_of(module: str) -> Any:
    """A stand-in for `module` whose attributes are `SchemaRef`s."""
    return _LazySchemas(module)


def resolve(schema: Any) -> Any:
    """The model class behind `schema` (a `SchemaRef`, a class, or None)."""
    return schema.resolve() if isinstance(schema, SchemaRef) else schema
