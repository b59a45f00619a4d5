"""The seed's scenario through the HR console in Chromium, at full size (500 invited).

An HR user signs in (browser in Chinese), creates a position and a campaign with its reminder
policy, uploads a CSV of 500 candidates (Chinese headers) and sees the per-row report; the
local glue delivers the invitation emails; the vendor's signed webhooks complete 428 of them
(85.6 %); the clock is ticked past the deadline; the dashboard then shows 72 no-shows (and 72
reminded), the no-show group lists those 72, an invitation's timeline shows its no-show and
reminder, and 72 reminder emails are in SES's outbox; HR re-invites 10 of the no-shows into a
new campaign in one decision (a dry run first, then confirmed). axe-core checks every page and
each is screenshot into test-artifacts/e2e/.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.local.demo import signed_event
from tests.e2e.browser import ARTIFACTS, check_page, console_page
from tests.e2e.conftest import LocalStack

INVITED, COMPLETED, WINDOW_HOURS = 500, 428, 72
TIMINGS: dict[str, float] = {}


def stat(page: Any, section: str, name: str) -> str:
    value: str = page.locator(f"#{section} [data-stat='{name}'] dd").inner_text()
    return value


def complete_by_webhooks(stack: LocalStack, ids: list[str]) -> None:
    """428 candidates open, start and complete; about 40 % of the others only open. One
    candidate's events in order, candidates in parallel (as a vendor sends them)."""
    rng = random.Random(7)
    finishers = set(rng.sample(ids, COMPLETED))
    now = datetime.now(UTC)
    journeys: list[tuple[str, list[tuple[str, float | None]]]] = []
    for inv in ids:
        if inv in finishers:
            journeys.append((inv, [("interview.opened", None), ("interview.started", None),
                                   ("interview.completed", round(rng.uniform(55, 98), 1))]))
        elif rng.random() < 0.4:
            journeys.append((inv, [("interview.opened", None)]))
    local = threading.local()

    def deliver(journey: tuple[str, list[tuple[str, float | None]]]) -> None:
        if not hasattr(local, "http"):
            local.http = requests.Session()
        inv, events = journey
        for kind, score in events:
            headers, body = signed_event(stack.tenant["webhook_secret"], kind, inv, now, score)
            answer = local.http.post(f"{stack.api_url}/webhooks/vendor", data=body,
                                     headers=headers, timeout=60)
            assert answer.status_code == 200, answer.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(deliver, journeys))


@pytest.mark.e2e
@pytest.mark.timeout(1500)
def test_seed_scenario_through_the_console(stack: LocalStack, chromium_browser: Any,
                                           tmp_path: Path) -> None:
    started = time.perf_counter()
    context, page, errors = console_page(chromium_browser, locale="zh-CN")
    page.on("dialog", lambda dialog: dialog.accept())
    # GIVEN an HR user signed in (the browser's language: Chinese)
    page.goto(stack.console_url)
    page.fill("#api-key", stack.tenant["api_key"])
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('面试活动')")
    # WHEN they create a position and a campaign with its reminder policy
    page.goto(f"{stack.console_url}#/campaigns/new")
    page.wait_for_selector("#campaign-name")
    page.fill("#position-title", "后端工程师 校招")
    page.fill("#position-department", "工程部")
    page.fill("#campaign-name", "2026 校园招聘")
    page.fill("#window-hours", str(WINDOW_HOURS))
    page.select_option("#campaign-locale", "zh-CN")
    page.fill("#grace-hours", "48")
    page.fill("#quiet-start", "21:00")
    page.fill("#quiet-end", "08:00")
    check_page(page, "seed 01 new campaign (zh-CN)")
    page.click("#create-campaign")
    page.wait_for_selector("#funnel-stats")
    campaign_id = page.url.rsplit("/", 1)[1]
    assert campaign_id.startswith("cmp"), page.url
    check_page(page, "seed 02 empty dashboard")
    # AND upload a CSV of 500 candidates (Chinese headers), seeing the per-row report
    run = campaign_id[-6:]
    csv = tmp_path / "candidates.csv"
    csv.write_text("姓名,邮箱,时区\n" + "".join(
        f"候选人 {i:03d},cand{i:03d}.{run}@example.com,Asia/Shanghai\n"
        for i in range(INVITED)), encoding="utf-8")
    page.click("a[href$='/invite']")
    page.wait_for_selector("#csv-file")
    page.set_input_files("#csv-file", str(csv))
    upload = time.perf_counter()
    page.click("#upload")
    page.wait_for_selector("#invite-status .msg.ok", timeout=600_000)
    TIMINGS["csv upload and invite (500 rows, browser)"] = time.perf_counter() - upload
    summary = page.locator("#invite-status .msg.ok").inner_text()
    assert summary.startswith(f"{INVITED} 已邀请"), summary
    assert page.locator("#invite-report tbody tr").count() == INVITED
    assert page.locator("#invite-status progress").get_attribute("value") == "100"
    check_page(page, "seed 03 csv invite report")
    # THEN the local glue delivers the 500 invitation emails
    stack.drain()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {stack.tenant['api_key']}"
    ids: list[str] = []
    cursor = None
    while True:
        listing = api.get(f"{stack.api_url}/campaigns/{campaign_id}/invitations",
                          params={"limit": 100, **({"cursor": cursor} if cursor else {})},
                          timeout=60).json()
        ids += [i["id"] for i in listing["items"]]
        cursor = listing["next_cursor"]
        if not cursor:
            break
    assert len(ids) == INVITED
    # WHEN the vendor's signed webhooks complete 428 (85.6 %)
    hooks = time.perf_counter()
    complete_by_webhooks(stack, sorted(ids))
    stack.drain()
    TIMINGS["signed webhooks (428 completions + opens)"] = time.perf_counter() - hooks
    page.goto(f"{stack.console_url}#/campaigns/{campaign_id}")
    page.wait_for_selector("#funnel-stats")
    assert stat(page, "funnel-stats", "completed") == str(COMPLETED)
    # AND the clock is ticked past the deadline (the next morning: quiet hours end 08:00)
    after = datetime.now(UTC) + timedelta(hours=WINDOW_HOURS + 12)
    stack.tick(after.isoformat())
    # THEN the dashboard shows the no-shows and the reminders
    page.reload()
    page.wait_for_selector("#funnel-stats")
    assert stat(page, "funnel-stats", "invited") == str(INVITED)
    assert stat(page, "funnel-stats", "sent") == str(INVITED)
    assert stat(page, "funnel-stats", "completed") == str(COMPLETED)
    assert stat(page, "funnel-stats", "no_show") == str(INVITED - COMPLETED)
    assert stat(page, "reminder-stats", "reminded") == str(INVITED - COMPLETED)
    assert stat(page, "live-stats", "no_show") == str(INVITED - COMPLETED)
    assert stat(page, "reason-stats", "never_opened") != "0"
    page.wait_for_selector("#funnel-chart svg")
    assert "no_show 72" in (page.locator("#outcome-chart").get_attribute("aria-label") or "")
    check_page(page, "seed 04 dashboard after the deadline")
    # AND the no-show group lists exactly those 72
    page.click("a[href*='status=no_show']")
    page.wait_for_selector("#invitation-list tbody tr")
    assert page.locator("#invitation-list tbody tr").count() == INVITED - COMPLETED
    assert page.locator("#inv-count").inner_text() == str(INVITED - COMPLETED)
    check_page(page, "seed 05 no-show group")
    # AND a search by name finds one of them
    first_name = page.locator("#invitation-list tbody tr td a").first.inner_text()
    page.fill("#inv-q", first_name)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#invitation-list tbody tr')"
                           ".length === 1")
    # AND the invitation's timeline shows the invitation, its no-show and the reminder
    page.click("#invitation-list tbody tr td a")
    page.wait_for_selector("#timeline")
    kinds = page.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.type)")
    assert kinds[0] == "invitation.created" and "status.no_show" in kinds, kinds
    assert kinds.count("message.sent") == 2, kinds  # the invitation and the no_show round
    check_page(page, "seed 06 invitation timeline")
    # AND SES's outbox holds 72 reminder emails, one to each no-show
    outbox = requests.get(f"{stack.control_url}/outbox", timeout=60).json()["messages"]
    mine = [m for m in outbox if m["channel"] == "email"
            and any(f".{run}@example.com" in to for to in m["to"])]
    reminders = [m for m in mine if "错过" in (m.get("subject") or "")]
    assert len(reminders) == INVITED - COMPLETED
    # AND the talent pool's no_show segment of this campaign has the 72
    page.goto(f"{stack.console_url}#/pool")
    page.wait_for_selector("#seg-all")
    page.fill("#seg-campaign", campaign_id)
    page.click("form button[type=submit]")
    page.wait_for_selector("#segment-count")
    assert page.locator("#segment-count").inner_text().endswith(str(INVITED - COMPLETED))
    check_page(page, "seed 07 talent pool no-show segment")
    # AND HR re-invites 10 of the no-shows in one decision, into a new campaign
    decided = time.perf_counter()
    target = api.post(f"{stack.api_url}/campaigns", timeout=60, json={
        "position_id": api.get(f"{stack.api_url}/campaigns/{campaign_id}", timeout=60
                               ).json()["position_id"],
        "name": "2026 校园招聘 第二轮", "window_hours": WINDOW_HOURS, "channels": ["email"]}).json()
    page.goto(f"{stack.console_url}#/campaigns/{campaign_id}/invitations?status=no_show")
    page.wait_for_selector("#decision-panel")
    picks = page.locator("#invitation-list input.pick")
    assert picks.count() == INVITED - COMPLETED
    chosen = [picks.nth(i).get_attribute("value") for i in range(10)]
    for i in range(10):
        picks.nth(i).check()
    page.select_option("#decision-action", "reinvite")
    page.select_option("#decision-target", target["id"])
    page.click("#decision-preview")  # the dry run first: what would happen, per row
    page.wait_for_selector("#decision-results tbody tr")
    outcomes = page.locator("#decision-results [data-outcome]").evaluate_all(
        "els => els.map(e => e.dataset.outcome)")
    assert outcomes == ["reinvited"] * 10, outcomes
    assert requests.get(f"{stack.api_url}/campaigns/{target['id']}/invitations", timeout=60,
                        headers=api.headers).json()["items"] == []  # the dry run wrote nothing
    check_page(page, "seed 08 no-show decision preview")
    page.click("#decision-confirm")
    page.wait_for_selector("#decision-status .msg.ok:has-text('已完成')")
    assert page.locator("#decision-status progress").get_attribute("value") == "100"
    assert page.locator("#decision-results [data-outcome=reinvited]").count() == 10
    assert page.locator("#decision-results a[href^='#/invitations/']").count() == 10
    check_page(page, "seed 09 no-show decision done")
    TIMINGS["no-show decision (10 re-invited, browser)"] = time.perf_counter() - decided
    invited = api.get(f"{stack.api_url}/campaigns/{target['id']}/invitations",
                      timeout=60).json()["items"]
    assert len(invited) == 10
    old = {api.get(f"{stack.api_url}/invitations/{i}", timeout=60).json()["candidate_id"]
           for i in chosen}
    assert {i["candidate_id"] for i in invited} == old
    assert not errors, errors
    context.close()
    TIMINGS["whole scenario in the browser"] = time.perf_counter() - started
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "seed-timings.txt").write_text(
        "".join(f"{k}: {v:.1f} s\n" for k, v in TIMINGS.items()))
