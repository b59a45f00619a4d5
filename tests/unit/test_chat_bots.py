"""The chat-bot seam without a network: each kind's signature and payload as its docs give
them, the reading of the bots' answers (error codes with HTTP 200), the rate windows (time
passed in) and the service's checks with an in-memory store and a recording poster."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest

from chalicelib.delivery.adapters.chat_bots import ADAPTERS, dingtalk, feishu, wecom
from chalicelib.delivery.domain.chat_bots import (
    ChatMessage,
    RateLimit,
    Window,
    admits,
    wait_until,
    windows,
)
from chalicelib.delivery.models import ChatBotItem
from chalicelib.delivery.services.chat_bot import ChatBots, url_hint
from chalicelib.shared.adapters.http_poster import Answer
from chalicelib.shared.domain.errors import Unprocessable
from chalicelib.shared.domain.ports import PermanentSendError, TransientSendError
from chalicelib.shared.domain.targets import Target

NOW = datetime(2026, 11, 29, 9, 0, 30, tzinfo=UTC)
MESSAGE = ChatMessage("TalentLoop · Campus: 2 no-shows", "- A\n- B")
FEISHU_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/0f5c-token"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"


def test_the_registry_names_every_kind_once() -> None:
    assert sorted(ADAPTERS) == ["dingtalk", "feishu", "wecom"]
    assert all(kind == bot.kind for kind, bot in ADAPTERS.items())


# -- Feishu -------------------------------------------------------------------------------

def test_feishu_signs_an_empty_message_keyed_with_timestamp_newline_secret() -> None:
    # GIVEN Feishu's documented algorithm: HMAC-SHA256(key=f"{ts}\n{secret}", msg=b"")
    expected = base64.b64encode(hmac.new(b"1764406830\nsecret-x", b"",
                                         hashlib.sha256).digest()).decode()
    # WHEN / THEN the adapter's sign matches, and it is not DingTalk's (key and message swapped)
    assert feishu.sign(1764406830, "secret-x") == expected
    swapped = base64.b64encode(hmac.new(b"secret-x", b"1764406830\nsecret-x",
                                        hashlib.sha256).digest()).decode()
    assert expected != swapped


def test_feishu_puts_timestamp_in_seconds_and_sign_in_the_body() -> None:
    request = feishu.FeishuBot().request(FEISHU_URL, "secret-x", MESSAGE, NOW)
    body = json.loads(request.body)
    assert request.url == FEISHU_URL  # nothing in the URL
    assert body["timestamp"] == str(int(NOW.timestamp()))
    assert body["sign"] == feishu.sign(int(NOW.timestamp()), "secret-x")
    assert body["msg_type"] == "text"
    assert body["content"]["text"].startswith("TalentLoop · Campus: 2 no-shows\n\n- A")


def test_feishu_without_a_secret_sends_no_signature() -> None:
    body = json.loads(feishu.FeishuBot().request(FEISHU_URL, None, MESSAGE, NOW).body)
    assert set(body) == {"msg_type", "content"}


@pytest.mark.parametrize(("status", "answer", "sent", "retry", "code"), [
    (200, {"code": 0, "msg": "success", "data": {}}, True, False, "0"),
    (200, {"StatusCode": 0, "StatusMessage": "success"}, True, False, "0"),
    (200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"},
     False, False, "19021"),
    (400, {"code": 11232, "msg": "frequency limited"}, False, True, "11232"),
    (429, {}, False, True, "http_429"),
    (502, {}, False, True, "http_502"),
])
def test_feishu_answers_are_read_by_their_code(status: int, answer: dict[str, object],
                                               sent: bool, retry: bool, code: str) -> None:
    reply = feishu.FeishuBot().read(status, json.dumps(answer).encode(), None)
    assert (reply.sent, reply.retry, reply.code) == (sent, retry, code)


# -- DingTalk -----------------------------------------------------------------------------

def test_dingtalk_signs_timestamp_newline_secret_keyed_with_the_secret() -> None:
    ts = 1764406830000
    raw = hmac.new(b"SECxyz", f"{ts}\nSECxyz".encode(), hashlib.sha256).digest()
    assert unquote_plus(dingtalk.sign(ts, "SECxyz")) == base64.b64encode(raw).decode()


def test_dingtalk_adds_millisecond_timestamp_and_url_encoded_sign_to_the_query() -> None:
    request = dingtalk.DingTalkBot().request(DINGTALK_URL, "SECxyz", MESSAGE, NOW)
    query = parse_qs(urlsplit(request.url).query)
    ts = int(NOW.timestamp() * 1000)
    assert query["access_token"] == ["abc123"]
    assert query["timestamp"] == [str(ts)]
    assert query["sign"] == [unquote_plus(dingtalk.sign(ts, "SECxyz"))]  # decoded once = b64
    assert "+" not in request.url.split("sign=", 1)[1]  # base64's + / = are encoded
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == MESSAGE.title
    assert body["markdown"]["text"].startswith("### TalentLoop")


@pytest.mark.parametrize(("answer", "sent", "retry"), [
    ({"errcode": 0, "errmsg": "ok"}, True, False),
    ({"errcode": 310000, "errmsg": "keywords not in content"}, False, False),
    ({"errcode": 300001, "errmsg": "token is not exist"}, False, False),
    ({"errcode": 410100, "errmsg": "send too fast"}, False, True),
])
def test_dingtalk_errors_come_with_http_200(answer: dict[str, object], sent: bool,
                                            retry: bool) -> None:
    reply = dingtalk.DingTalkBot().read(200, json.dumps(answer).encode(), None)
    assert (reply.sent, reply.retry) == (sent, retry)
    assert reply.code == str(answer["errcode"])


# -- WeCom --------------------------------------------------------------------------------

def test_wecom_posts_markdown_to_the_keyed_url_without_a_signature() -> None:
    request = wecom.WeComBot().request(WECOM_URL, None, MESSAGE, NOW)
    assert request.url == WECOM_URL
    body = json.loads(request.body)
    assert body == {"msgtype": "markdown",
                    "markdown": {"content": "### TalentLoop · Campus: 2 no-shows\n- A\n- B"}}


def test_wecom_content_is_cut_to_4096_bytes_on_a_character_boundary() -> None:
    long = ChatMessage("TalentLoop", "未到场" * 2000)
    content = json.loads(wecom.WeComBot().request(WECOM_URL, None, long, NOW).body)
    assert len(content["markdown"]["content"].encode()) <= 4096


@pytest.mark.parametrize(("answer", "sent", "retry"), [
    ({"errcode": 0, "errmsg": "ok"}, True, False),
    ({"errcode": 45009, "errmsg": "api freq out of limit"}, False, True),
    ({"errcode": 93000, "errmsg": "invalid webhook url"}, False, False),
    ({"errcode": -1, "errmsg": "system busy"}, False, True),
])
def test_wecom_answers(answer: dict[str, object], sent: bool, retry: bool) -> None:
    reply = wecom.WeComBot().read(200, json.dumps(answer).encode(), None)
    assert (reply.sent, reply.retry) == (sent, retry)


def test_no_answer_is_retried_and_a_non_json_200_counts_as_sent() -> None:
    bot = wecom.WeComBot()
    assert bot.read(None, b"", "timeout").retry
    # a host that resolves to a private address stays refused (DNS pointed at the VPC)
    assert not bot.read(None, b"", "forbidden_target").retry
    assert bot.read(200, b"ok", None).sent
    assert not bot.read(404, b"<html>", None).retry


# -- rate windows -------------------------------------------------------------------------

def test_windows_are_fixed_and_aligned_on_the_epoch() -> None:
    (minute, second) = windows((RateLimit(100, 60), RateLimit(5, 1)), NOW)
    start = int(NOW.timestamp()) - 30
    assert minute == Window(f"60s#{start}", 100, datetime.fromtimestamp(start + 60, UTC))
    assert second.key == f"1s#{int(NOW.timestamp())}"


def test_the_21st_dingtalk_message_in_a_minute_waits_for_the_next_minute() -> None:
    limits = dingtalk.DingTalkBot.limits
    (window,) = windows(limits, NOW)
    assert admits({window.key: 19}, limits, NOW)
    assert not admits({window.key: 20}, limits, NOW)
    assert wait_until({window.key: 20}, limits, NOW) == window.ends
    later = NOW + timedelta(seconds=30)  # the next minute: a fresh window
    assert admits({window.key: 20}, limits, later)


def test_feishu_has_a_per_second_limit_too() -> None:
    limits = feishu.FeishuBot.limits
    minute, second = windows(limits, NOW)
    assert not admits({minute.key: 3, second.key: 5}, limits, NOW)
    assert admits({minute.key: 3, second.key: 5}, limits, NOW + timedelta(seconds=1))
    assert not admits({minute.key: 100}, limits, NOW + timedelta(seconds=1))


# -- the service --------------------------------------------------------------------------

class MemoryStore:
    def __init__(self) -> None:
        self.bots: dict[str, ChatBotItem] = {}
        self.counts: dict[str, int] = {}
        self.notes: list[str | None] = []

    def get(self, tenant_id: str) -> ChatBotItem | None:
        return self.bots.get(tenant_id)

    def put(self, item: ChatBotItem) -> None:
        self.bots[item.tenant_id] = item

    def delete(self, tenant_id: str) -> bool:
        return self.bots.pop(tenant_id, None) is not None

    def note(self, item: ChatBotItem, now: datetime, error: str | None) -> None:
        self.notes.append(error)

    def take(self, tenant_id: str, windows: Sequence[Window]) -> bool:
        if any(self.counts.get(w.key, 0) >= w.limit for w in windows):
            return False
        for w in windows:
            self.counts[w.key] = self.counts.get(w.key, 0) + 1
        return True


class RecordingPoster:
    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.posts: list[tuple[Target, bytes]] = []

    def post(self, target: Target, headers: dict[str, str], body: bytes) -> Answer:
        self.posts.append((target, body))
        return self.answers.pop(0) if self.answers else Answer(200, body=b'{"errcode":0}')


def bots(poster: RecordingPoster, allow_loopback: bool = False) -> ChatBots:
    return ChatBots(MemoryStore(), poster, allow_loopback)


def test_settings_never_show_the_url_or_the_secret() -> None:
    service = bots(RecordingPoster())
    shown = service.put("t1", "dingtalk", DINGTALK_URL, "SECsecret", NOW)
    assert "abc123" not in json.dumps(shown) and "SECsecret" not in json.dumps(shown)
    assert shown["url_hint"] == url_hint(DINGTALK_URL) == "https://oapi.dingtalk.com/…c123"
    assert shown["signed"] is True


@pytest.mark.parametrize(("kind", "url", "code"), [
    ("feishu", "https://evil.example.com/open-apis/bot/v2/hook/x", "unexpected_bot_host"),
    ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "insecure_url"),
    ("dingtalk", "https://169.254.169.254/latest/meta-data", "forbidden_target"),
    ("feishu", "http://127.0.0.1:9000/hook", "insecure_url"),  # production: no loopback
])
def test_a_bot_url_must_be_the_kinds_own_https_host(kind: str, url: str, code: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        bots(RecordingPoster()).put("t1", kind, url, None, NOW)
    assert refused.value.code == code


def test_a_wecom_bot_takes_no_secret() -> None:
    with pytest.raises(Unprocessable) as refused:
        bots(RecordingPoster()).put("t1", "wecom", WECOM_URL, "s", NOW)
    assert refused.value.code == "secret_not_supported"


def test_the_local_stage_may_post_to_a_loopback_receiver() -> None:
    poster = RecordingPoster()
    service = bots(poster, allow_loopback=True)
    service.put("t1", "wecom", "http://127.0.0.1:9000/cgi-bin/webhook/send?key=k", None, NOW)
    assert service.send("t1", MESSAGE, NOW).startswith("wecom:")
    assert poster.posts[0][0].path == "/cgi-bin/webhook/send?key=k"


def test_send_maps_the_bots_answers_onto_retry_or_fail() -> None:
    poster = RecordingPoster(Answer(200, body=b'{"errcode":45009,"errmsg":"freq"}'),
                             Answer(200, body=b'{"errcode":93000,"errmsg":"invalid url"}'))
    service = bots(poster)
    service.put("t1", "wecom", WECOM_URL, None, NOW)
    with pytest.raises(TransientSendError):
        service.send("t1", MESSAGE, NOW)
    with pytest.raises(PermanentSendError, match="93000"):
        service.send("t1", MESSAGE, NOW)
    assert service.store.notes[-1] == "93000: invalid url"  # type: ignore[attr-defined]


def test_our_limit_stops_the_21st_post_before_the_bot_sees_it() -> None:
    poster = RecordingPoster()
    service = bots(poster)
    service.put("t1", "dingtalk", DINGTALK_URL, None, NOW)
    start = NOW.replace(second=0)
    for i in range(20):
        service.send("t1", MESSAGE, start + timedelta(seconds=i))
    with pytest.raises(TransientSendError, match="rate_limited"):
        service.send("t1", MESSAGE, start + timedelta(seconds=59))
    assert len(poster.posts) == 20
    service.send("t1", MESSAGE, start + timedelta(seconds=60))  # the next minute
    assert len(poster.posts) == 21
    test = service.test("t1", "zh-CN", start + timedelta(seconds=61))
    assert test["sent"] is True
