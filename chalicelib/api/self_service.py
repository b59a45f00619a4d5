"""Candidate self-service (no API key: the signed token in the link is the authentication)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.http import Caller, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.delivery import schemas
else:
    schemas = schemas_of("chalicelib.delivery.schemas")

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/self-service/{token}", summary="The candidate's invitation: status, "
          "deadline, what they can do", roles=None, response=schemas.SelfServiceView,
          errors=(401, 404))
def self_service_view(caller: Caller, token: str) -> dict[str, Any]:
    result: dict[str, Any] = container().self_service.view(token, caller.now)
    return result


@endpoint(bp, "POST", "/self-service/{token}/reason", summary="Why the candidate missed it",
          roles=None, body=schemas.ReasonIn, response=schemas.SelfServiceResult,
          errors=(400, 401, 404))
def self_service_reason(caller: Caller, token: str, body: schemas.ReasonIn) -> dict[str, Any]:
    result: dict[str, Any] = container().self_service.give_reason(token, body.reason,
                                                                  body.text, caller.now)
    return result


@endpoint(bp, "POST", "/self-service/{token}/extension", summary="Ask for more time "
          "(approved once automatically, then queued for HR)", roles=None,
          response=schemas.SelfServiceResult, errors=(401, 404))
def self_service_extension(caller: Caller, token: str) -> dict[str, Any]:
    result: dict[str, Any] = container().self_service.ask_extension(token, caller.now)
    return result


@endpoint(bp, "POST", "/self-service/{token}/opt-out", summary="Stop all messages to me",
          roles=None, response=schemas.SelfServiceResult, errors=(401, 404))
def self_service_opt_out(caller: Caller, token: str) -> dict[str, Any]:
    result: dict[str, Any] = container().self_service.opt_out(token, caller.now)
    return result
