"""The seed's scenario, end to end, through the HTTP API of the local cloud.

500 engineering candidates are invited with a 3-day window; 428 of them open their link on
the vendor simulator (`<api>/vendor/i/<id>`, infra/local/vendor_sim.py), start and complete
the interview there, and the simulator sends its really signed webhooks (with retries, and
duplicates and reordering when configured: TALENTLOOP_SIM_*); some others only open it;
the clock is moved past the deadline with a tick; exactly 72
invitations must be no_show, exactly 72 reminder emails must be in SES's outbox, and the
talent-pool query must return exactly those 72. If no local cloud is running, the demo starts
one and stops what it started.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

INVITED = 500
COMPLETED = 428
WINDOW_HOURS = 72


@dataclass
class DemoResult:
    campaign_id: str
    no_show_ids: set[str]
    counts: dict[str, int]
    reminders: int
    pool: set[str]
    invite_seconds: float
    webhook_seconds: float


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.base + path, timeout=120, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def all_pages(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.call("GET", path, params={**params, "limit": 100,
                                                  **({"cursor": cursor} if cursor else {})})
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items


def signed_event(secret: str, kind: str, invitation_id: str, at: datetime,
                 score: float | None = None) -> tuple[dict[str, str], bytes]:
    """One Standard Webhooks event, signed now (for callers that post events directly; the
    demo itself goes through the vendor simulator)."""
    import json

    from chalicelib.invitations.adapters.vendors.standard import sign

    data: dict[str, Any] = {"invitation_id": invitation_id}
    if score is not None:
        data["score"] = score
    body = json.dumps({"type": kind, "timestamp": at.isoformat(), "data": data})
    return sign(secret, f"msg_{uuid.uuid4().hex}", datetime.now(UTC), body), body.encode()


def scenario(api_url: str, control_url: str, tenant: dict[str, Any],
             seed: int = 7) -> DemoResult:
    api = Api(api_url, tenant["api_key"])
    run = uuid.uuid4().hex[:8]
    position = api.call("POST", "/positions", json={"title": "Backend Engineer (campus)",
                                                    "department": "Engineering"})
    campaign = api.call("POST", "/campaigns", json={
        "position_id": position["id"], "name": f"Campus hiring {run}",
        "window_hours": WINDOW_HOURS, "channels": ["email"], "locale": "zh-CN"})
    candidates = [{"name": f"候选人 {i:03d}", "email": f"cand{i:03d}.{run}@example.com",
                   "timezone": "Asia/Shanghai"} for i in range(INVITED)]
    started = time.perf_counter()
    created = api.call("POST", f"/campaigns/{campaign['id']}/invitations",
                       json={"candidates": candidates},
                       headers={"Idempotency-Key": f"demo-{run}"})
    invite_seconds = time.perf_counter() - started
    assert created["created"] == INVITED, created
    ids = [item["invitation_id"] for item in created["items"]]
    requests.post(f"{control_url}/drain", params={"timeout": 1200}, timeout=1300)

    rng = random.Random(seed)
    finishers = set(rng.sample(ids, COMPLETED))
    started = time.perf_counter()
    journeys: list[tuple[str, list[tuple[str, float | None]]]] = []
    for inv in ids:
        if inv in finishers:
            journeys.append((inv, [("start", None), ("complete", round(rng.uniform(55, 98), 1))]))
        elif rng.random() < 0.4:
            journeys.append((inv, []))
    local = threading.local()

    def candidate(journey: tuple[str, list[tuple[str, float | None]]]) -> None:
        """One candidate on the vendor's page: open the link, then each step; candidates in
        parallel. The simulator sends the vendor's signed webhooks for each."""
        if not hasattr(local, "http"):
            local.http = requests.Session()
        inv, steps = journey
        page = local.http.get(f"{api_url}/vendor/i/{inv}", params={"lang": "zh-CN"}, timeout=60)
        if page.status_code != 200:
            raise RuntimeError(f"vendor page: {page.status_code} {page.text[:200]}")
        for step, score in steps:
            params = {"json": "1", **({"score": str(score)} if score is not None else {})}
            done = local.http.post(f"{api_url}/vendor/i/{inv}/{step}", params=params,
                                   timeout=120)
            failed = [d for d in done.json() if not 200 <= d["attempts"][-1] < 300]
            if done.status_code != 200 or failed:
                raise RuntimeError(f"vendor {step}: {done.status_code} {done.text[:300]}")

    with ThreadPoolExecutor(max_workers=8) as people:
        list(people.map(candidate, journeys))
    requests.post(f"{api_url}/vendor/_sim/flush", timeout=600)  # what reordering held back
    webhook_seconds = time.perf_counter() - started
    requests.post(f"{control_url}/drain", params={"timeout": 1200}, timeout=1300)

    # the next morning after the deadline: the no-show round may have been deferred by the
    # candidates' quiet hours (21:00-08:00 in Asia/Shanghai)
    after_deadline = datetime.now(UTC) + timedelta(hours=WINDOW_HOURS + 12)
    tick = requests.post(f"{control_url}/tick", params={"at": after_deadline.isoformat()},
                         timeout=1300).json()
    counts = api.call("GET", f"/campaigns/{campaign['id']}")["counts"]
    no_shows = api.all_pages(f"/campaigns/{campaign['id']}/invitations", {"status": "no_show"})
    pool = api.all_pages("/talent-pool/candidates",
                         {"tag": "no_show", "campaign_id": campaign["id"]})
    outbox = requests.get(f"{control_url}/outbox", timeout=60).json()["messages"]
    no_show_emails = {p["email"] for p in pool}
    reminders = [m for m in outbox if m["channel"] == "email"
                 and set(m["to"]) & no_show_emails and "错过" in (m.get("subject") or "")]
    del tick
    return DemoResult(campaign["id"], {i["id"] for i in no_shows}, counts, len(reminders),
                      {p["candidate_id"] for p in pool}, invite_seconds, webhook_seconds)


def run_demo() -> int:
    from infra.local.__main__ import ensure_demo_tenant, running
    from infra.local.runner import LocalRunner, RunnerConfig

    config = RunnerConfig.from_env()
    runner = None
    if not running():
        print("no local cloud running: starting one for the demo...", flush=True)
        runner = LocalRunner(RunnerConfig(cloud=config.cloud, stage=config.stage,
                                          api_port=config.api_port,
                                          control_port=config.control_port, schedule=False))
        runner.start()
    try:
        tenant = ensure_demo_tenant(config)
        result = scenario(config.api_url, config.control_url, tenant)
    finally:
        if runner is not None:
            runner.stop()
    expected = INVITED - COMPLETED
    ok = (len(result.no_show_ids) == expected and result.counts["no_show"] == expected
          and result.reminders == expected and len(result.pool) == expected)
    print(f"""
The seed's scenario (campaign {result.campaign_id}):
  invited                 {INVITED}   (one bulk request: {result.invite_seconds:.2f} s)
  completed (simulator)   {result.counts['completed']}   (candidates on the vendor page, its \
signed webhooks: {result.webhook_seconds:.1f} s)
  no_show after deadline  {result.counts['no_show']}   (listed: {len(result.no_show_ids)})
  reminder emails sent    {result.reminders}
  talent pool `no_show`   {len(result.pool)}
  counts                  {result.counts}
  {'OK: exactly 72 no-shows, 72 reminders, 72 in the pool' if ok else 'MISMATCH'}""")
    return 0 if ok else 1
