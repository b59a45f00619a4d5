"""The tenant's chat bot (admin): a Feishu, DingTalk or WeCom group bot that gets the daily
digests; its URL and secret are credentials and never shown back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, endpoint, log_request
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.delivery import schemas
else:
    schemas = schemas_of("chalicelib.delivery.schemas")

bp = Blueprint(__name__)
ADMIN = ("admin",)
PATH = "/tenant/chat-bot"


@endpoint(bp, "GET", PATH, summary="The tenant's chat bot (no URL or secret)", roles=ADMIN,
          response=schemas.ChatBotOut, errors=(404,), authorizer=api_key,
          codes=((404, "chat_bot_not_found"),))
def get_chat_bot(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().chat_bots.get(caller.tenant_id)
    return result


@endpoint(bp, "PUT", PATH, summary="Set the tenant's chat bot (replaces it)", roles=ADMIN,
          body=schemas.ChatBotIn, response=schemas.ChatBotOut, errors=(400, 422),
          authorizer=api_key,
          codes=((422, "insecure_url, forbidden_target, invalid_url, unexpected_bot_host: a "
                  "URL this stage will not call; secret_not_supported"),))
def put_chat_bot(caller: Caller, body: schemas.ChatBotIn) -> dict[str, Any]:
    result: dict[str, Any] = container().chat_bots.put(caller.tenant_id, body.kind, body.url,
                                                       body.secret, caller.now)
    log_request(caller, "chat bot set", kind=body.kind)
    return result


@endpoint(bp, "DELETE", PATH, summary="Remove the tenant's chat bot", roles=ADMIN,
          response=schemas.ChatBotDeleted, errors=(404,), authorizer=api_key,
          codes=((404, "chat_bot_not_found"),))
def delete_chat_bot(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().chat_bots.delete(caller.tenant_id)
    log_request(caller, "chat bot removed")
    return result


@endpoint(bp, "POST", PATH + "/test", summary="Post a test message to the tenant's chat bot "
          "now (counts against its rate limit)", roles=ADMIN, response=schemas.ChatBotTest,
          errors=(404,), authorizer=api_key, codes=((404, "chat_bot_not_found"),))
def test_chat_bot(caller: Caller) -> dict[str, Any]:
    settings = container().tenants.settings(caller.tenant_id)
    result: dict[str, Any] = container().chat_bots.test(
        caller.tenant_id, str(settings.get("default_locale") or "en"), caller.now)
    log_request(caller, "chat bot tested", sent=result["sent"], code=result["code"])
    return result
