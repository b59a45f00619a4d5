"""The chat-bot kinds (delivery/domain/chat_bots.py: the port). Adding a kind is a module
here and one entry in ADAPTERS; the API's `kind` enum is delivery/schemas.py: ChatBotKind."""

from __future__ import annotations

from chalicelib.delivery.adapters.chat_bots.dingtalk import DingTalkBot
from chalicelib.delivery.adapters.chat_bots.feishu import FeishuBot
from chalicelib.delivery.adapters.chat_bots.wecom import WeComBot
from chalicelib.delivery.domain.chat_bots import ChatBot

ADAPTERS: dict[str, ChatBot] = {bot.kind: bot for bot in (FeishuBot(), DingTalkBot(),
                                                          WeComBot())}
