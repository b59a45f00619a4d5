"""The interview vendor, simulated in the local cloud (`<api>/vendor/...`).

The candidate's link `<api>/vendor/i/<invitation id>` is a small page (zh-CN / en) where the
candidate starts and completes the interview. Each step is sent to our inbound route the way
the configured vendor really sends it: Standard Webhooks (signed, `/webhooks/vendor`),
Hireflix-shaped (HMAC header) or Spark Hire-shaped (unsigned) on `/webhooks/vendors/<name>`.
A delivery our endpoint does not answer 2xx is retried on the Standard Webhooks schedule
(immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; `time_scale` shrinks it locally),
with the same message id; duplicates and reordering can be switched on (`SimConfig`).
The vendor's status API, which the reconciliation poller reads, is served at
`<api>/vendor/interviews` (standard) and `<api>/vendor/v1/interviews` (Spark Hire shape),
and notices we send are kept (`<api>/vendor/_sim/notices`).

Like a configured vendor, the simulator knows each tenant's current webhook secret
(`secret_of`, locally read from the table).
"""

from __future__ import annotations

import html
import json
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from chalicelib.invitations.adapters.vendors import hireflix, standard
from chalicelib.shared.domain.ids import tenant_of_invitation

#: Standard Webhooks' retry schedule (seconds after the previous attempt)
RETRY_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
STEPS = ("open", "start", "complete")

#: (status code, JSON body) of one POST to our API: path, headers, body
Transport = Callable[[str, dict[str, str], bytes], tuple[int, Any]]


@dataclass(frozen=True)
class SimConfig:
    vendor: str = "standard"  # standard | hireflix | sparkhire
    duplicates: float = 0.0  # share of deliveries sent twice (same message id)
    reorder: bool = False  # hold events back and deliver a candidate's in shuffled order
    time_scale: float = 0.001  # local: 5 minutes of the schedule is 0.3 s
    fail_first: int = 0  # answer this many deliveries 503 before our endpoint (an outage)
    seed: int = 7

    @classmethod
    def from_env(cls) -> SimConfig:
        """TALENTLOOP_SIM_VENDOR, _SIM_DUPLICATES, _SIM_REORDER (1/0), _SIM_TIME_SCALE."""
        import os

        env = os.environ
        return cls(vendor=env.get("TALENTLOOP_SIM_VENDOR", "standard"),
                   duplicates=float(env.get("TALENTLOOP_SIM_DUPLICATES", "0")),
                   reorder=env.get("TALENTLOOP_SIM_REORDER", "0") == "1",
                   time_scale=float(env.get("TALENTLOOP_SIM_TIME_SCALE", "0.001")))


@dataclass
class Interview:
    invitation_id: str
    status: str = "invited"
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    score: float | None = None
    held: list[dict[str, Any]] = field(default_factory=list)  # reorder: not yet sent


@dataclass
class Delivery:
    message_id: str
    kind: str
    invitation_id: str
    attempts: list[int] = field(default_factory=list)  # status codes, in order

    @property
    def delivered(self) -> bool:
        return bool(self.attempts) and 200 <= self.attempts[-1] < 300


class VendorSimulator:
    def __init__(self, transport: Transport, secret_of: Callable[[str], str | None],
                 config: SimConfig | None = None,
                 sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        import time

        self._post = transport
        self._secret_of = secret_of
        self.config = config or SimConfig()
        self._sleep = sleep or time.sleep
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rng = random.Random(self.config.seed)
        self._lock = threading.Lock()
        self.interviews: dict[str, Interview] = {}
        self.deliveries: list[Delivery] = []
        self.notices: list[dict[str, Any]] = []
        self._failures_left = self.config.fail_first

    def configure(self, **changes: Any) -> SimConfig:
        with self._lock:
            self.config = replace(self.config, **changes)
            self._failures_left = self.config.fail_first
            self._rng = random.Random(self.config.seed)
        return self.config

    # -- what the candidate does --------------------------------------------------------
    def act(self, invitation_id: str, step: str, score: float | None = None) -> list[Delivery]:
        """The candidate opens, starts or completes the interview; the vendor tells us."""
        if step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}")
        now = self._clock()
        with self._lock:
            interview = self.interviews.setdefault(invitation_id, Interview(invitation_id))
            interview.status = {"open": "opened", "start": "started",
                                "complete": "completed"}[step]
            interview.updated_at = now
            if step == "complete":
                interview.score = score if score is not None else 80.0
            event = {"id": f"msg_{uuid.uuid4().hex}", "lifecycle": interview.status,
                     "invitation_id": invitation_id, "at": now, "score": interview.score}
            if self.config.reorder and step != "complete":
                interview.held.append(event)
                return []
            batch = [*interview.held, event]
            interview.held = []
            if self.config.reorder:
                self._rng.shuffle(batch)
            twice = [e for e in batch if self._rng.random() < self.config.duplicates]
        return [self.deliver(e) for e in batch + twice]

    def flush(self) -> list[Delivery]:
        """Send what reordering still holds back (candidates who never completed)."""
        with self._lock:
            held = [e for i in self.interviews.values() for e in i.held]
            for interview in self.interviews.values():
                interview.held = []
        return [self.deliver(e) for e in held]

    def deliver(self, event: dict[str, Any]) -> Delivery:
        """One message, retried on the schedule until our endpoint answers 2xx."""
        path, body = render(self.config.vendor, event)
        delivery = Delivery(event["id"], event["lifecycle"], event["invitation_id"])
        for wait in RETRY_SCHEDULE:
            self._sleep(wait * self.config.time_scale)
            code = self._attempt(event, path, body)
            delivery.attempts.append(code)
            if 200 <= code < 300 or code in (400, 401, 403, 404):  # not worth a retry
                break
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def _attempt(self, event: dict[str, Any], path: str, body: bytes) -> int:
        with self._lock:
            if self._failures_left > 0:
                self._failures_left -= 1
                return 503
        secret = self._secret_of(tenant_of_invitation(event["invitation_id"]) or "")
        headers = sign(self.config.vendor, secret, event["id"], self._clock(), body)
        try:
            code, _ = self._post(path, headers, body)
        except OSError:
            return 599  # connection failed: retried like a 5xx
        return code

    # -- the vendor's own API (the poller, notices) ---------------------------------------
    def status(self, ids: list[str]) -> list[Interview]:
        with self._lock:
            return [self.interviews[i] for i in ids if i in self.interviews]

    # -- HTTP ------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, body: bytes) -> tuple[int, str, bytes]:
        """Answer a request under /vendor/: (status, content type, body)."""
        url = urlparse(raw_path)
        parts = [p for p in url.path.split("/") if p][1:]  # without "vendor"
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "POST" and body and not query:
            query = {k: v[0] for k, v in parse_qs(body.decode(errors="replace")).items()}
        if len(parts) == 2 and parts[0] == "i" and method == "GET":
            return 200, "text/html; charset=utf-8", self.page(parts[1], query.get("lang"))
        if len(parts) == 3 and parts[0] == "i" and method == "POST":
            score = float(query["score"]) if query.get("score") else None
            done = self.act(parts[1], parts[2], score)
            if "json" in query:
                return 200, "application/json", _json([d.__dict__ for d in done])
            return 200, "text/html; charset=utf-8", self.page(parts[1], query.get("lang"))
        if parts == ["interviews"] and method == "GET":
            found = self.status(query.get("ids", "").split(","))
            return 200, "application/json", _json({"items": [
                {"invitation_id": i.invitation_id, "status": i.status,
                 "updated_at": i.updated_at.isoformat(), "score": i.score} for i in found]})
        if parts == ["v1", "interviews"] and method == "GET":
            found = self.status(query.get("external_reference", "").split(","))
            return 200, "application/json", _json({"data": [
                {"external_reference": i.invitation_id,
                 "status": {"opened": "accepted", "started": "in_progress"}.get(i.status,
                                                                               i.status),
                 "updated_at": i.updated_at.isoformat(),
                 "rating": i.score / 20 if i.score is not None else None} for i in found]})
        if method == "POST" and parts[:1] in (["interviews"], ["v1"]):
            with self._lock:
                self.notices.append({"path": url.path, "body": json.loads(body or b"null")})
            return 200, "application/json", _json({"ok": True})
        if parts == ["_sim", "flush"] and method == "POST":
            return 200, "application/json", _json([d.__dict__ for d in self.flush()])
        if parts == ["_sim", "notices"]:
            return 200, "application/json", _json(self.notices)
        if parts == ["_sim", "deliveries"]:
            return 200, "application/json", _json([d.__dict__ | {"delivered": d.delivered}
                                                   for d in self.deliveries])
        if parts == ["_sim", "config"] and method == "POST":
            changes = json.loads(body or b"{}")
            return 200, "application/json", _json(self.configure(**changes).__dict__)
        return 404, "application/json", _json({"error": {"code": "not_found"}})

    def page(self, invitation_id: str, lang: str | None) -> bytes:
        zh = (lang or "").lower().startswith("zh")
        t = TEXT["zh-CN" if zh else "en"]
        interview = self.interviews.get(invitation_id)
        status = interview.status if interview else "invited"
        if interview is None:  # the link was opened: the vendor says so
            self.act(invitation_id, "open")
            status = "opened"
        step = {"invited": "start", "opened": "start", "started": "complete"}.get(status)
        action = "" if step is None else (
            f'<form method="post" action="/vendor/i/{html.escape(invitation_id)}/{step}'
            f'?lang={"zh-CN" if zh else "en"}"><button type="submit">{t[step]}</button></form>')
        return f"""<!doctype html><html lang="{'zh-CN' if zh else 'en'}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t['title']}</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:2em auto">
<h1>{t['title']}</h1><p>{t['status']}: <strong id="status">{t[status]}</strong></p>
{action}<p><small>{t['note']}</small></p></body></html>""".encode()


TEXT = {
    "en": {"title": "Your AI interview", "status": "Status", "start": "Start the interview",
           "complete": "Finish the interview", "invited": "not started", "opened": "not started",
           "started": "in progress", "completed": "completed - thank you!",
           "expired": "expired", "note": "Local vendor simulator (TalentLoop)."},
    "zh-CN": {"title": "您的 AI 面试", "status": "状态", "start": "开始面试",
              "complete": "完成面试", "invited": "未开始", "opened": "未开始",
              "started": "进行中", "completed": "已完成, 谢谢!", "expired": "已过期",
              "note": "本地面试供应商模拟器 (TalentLoop)。"},
}


def render(vendor: str, event: dict[str, Any]) -> tuple[str, bytes]:
    """The vendor's payload of one event, and the route it is posted to."""
    inv, lifecycle, at = event["invitation_id"], event["lifecycle"], event["at"]
    score = event.get("score") if lifecycle == "completed" else None
    if vendor == "hireflix":
        kind = "interview.finish" if lifecycle == "completed" else "interview.status-change"
        data = {"id": f"hfx_{inv}", "externalId": inv, "status": lifecycle}
        body: dict[str, Any] = {"event": kind, "date": int(at.timestamp() * 1000), "data": data}
        return "/webhooks/vendors/hireflix", _json(body)
    if vendor == "sparkhire":
        kind = {"opened": "interview.accepted", "started": "interview.accepted",
                "completed": "interview.completed"}[lifecycle]
        body = {"id": event["id"], "event": kind, "created_at": at.isoformat(),
                "data": {"interview": {"uuid": f"sh-{inv}", "status": lifecycle,
                                       "external_reference": inv}}}
        return "/webhooks/vendors/sparkhire", _json(body)
    data = {"invitation_id": inv, **({"score": score} if score is not None else {})}
    return "/webhooks/vendor", _json({"type": f"interview.{lifecycle}",
                                      "timestamp": at.isoformat(), "data": data})


def sign(vendor: str, secret: str | None, msg_id: str, at: datetime,
         body: bytes) -> dict[str, str]:
    if vendor == "sparkhire" or secret is None:
        return {"Content-Type": "application/json"}
    if vendor == "hireflix":
        return hireflix.sign(secret, body)
    return standard.sign(secret, msg_id, at, body.decode())


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str).encode()


def http_transport(api_url: str) -> Transport:
    """POST to the API over HTTP (the runner, the demo)."""
    import requests

    session = threading.local()

    def post(path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if not hasattr(session, "http"):
            session.http = requests.Session()
        response = session.http.post(api_url + path, data=body, headers=headers, timeout=60,
                                     allow_redirects=False)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None

    return post


def table_secrets() -> Callable[[str], str | None]:
    """Each tenant's current webhook secret, read from the (local) table."""
    from chalicelib.invitations.stores.tenant_store import TenantStore

    store = TenantStore()

    def secret_of(tenant_id: str) -> str | None:
        tenant = store.get(tenant_id, consistent=True) if tenant_id else None
        return tenant.webhook_secret if tenant else None

    return secret_of
