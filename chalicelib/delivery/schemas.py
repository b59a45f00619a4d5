"""Request and response models of the candidate's self-service page and of the tenant's
chat bot settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.shared.schemas import Model, StatusName, Strict


class SelfServiceView(Model):
    invitation_id: str
    status: StatusName
    company: str | None
    position: str | None
    deadline_at: str
    interview_url: str | None
    reason: str | None
    reasons: list[str]
    can_extend: bool
    extension_requested: bool


class ReasonIn(Strict):
    reason: Literal["schedule_conflict", "technical_problem", "did_not_see_message",
                    "not_interested", "accepted_other_offer", "other"]
    text: str | None = Field(default=None, max_length=1000)


class SelfServiceResult(Model):
    invitation_id: str
    result: str | None = None
    reason: str | None = None
    status: StatusName | None = None
    deadline_at: str | None = None


class ExtensionForm(Strict):
    """The page's extension form: a button, no fields."""


class OptOutForm(Strict):
    """The page's opt-out form: the box ticked to confirm (JSON clients post no body)."""

    confirm: Literal["yes"]


ChatBotKind = Literal["feishu", "dingtalk", "wecom"]  # delivery/adapters/chat_bots: ADAPTERS
BOT_URL_DOC = ("the bot's webhook URL as the chat tool shows it (a credential: never shown "
               "back). https on open.feishu.cn / open.larksuite.com (feishu), "
               "oapi.dingtalk.com (dingtalk) or qyapi.weixin.qq.com (wecom); "
               "http://127.0.0.1 only in the local stages")


class ChatBotIn(Strict):
    kind: ChatBotKind
    url: str = Field(min_length=8, max_length=2048, pattern=r"^https?://[^\s/?#]+(/[^\s#]*)?$",
                     description=BOT_URL_DOC)
    secret: str | None = Field(default=None, min_length=1, max_length=200,
                               description="the signing secret (Feishu 签名校验, DingTalk 加签: "
                                           "SEC...), if the bot has one; never shown back. "
                                           "WeCom bots have none (422 secret_not_supported)")


class ChatBotOut(Model):
    kind: ChatBotKind
    url_hint: str = Field(description="host and the URL's last 4 characters")
    signed: bool = Field(description="whether a signing secret is set")
    created_at: str
    updated_at: str
    last_sent_at: str | None
    last_error: str | None = Field(description="the bot's last refusal: its error code and "
                                               "message (e.g. 19021, 310000, 93000)")
    last_error_at: str | None


class ChatBotDeleted(Model):
    deleted: Literal[True]


class ChatBotTest(Model):
    sent: bool
    code: str = Field(description='"0" when sent; the bot\'s error code, http_<status>, '
                                  "rate_limited (ours, before the bot's), timeout, "
                                  "forbidden_target ...")
    message: str | None
    retry: bool = Field(description="a refusal for now (rate limit, busy): trying later may work")
