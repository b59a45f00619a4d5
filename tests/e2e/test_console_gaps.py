"""The console's finance, pool and campaign gaps closed, in Chromium: the dashboard's
completion per day and completions recovered by each reminder round; the pool's rows linked
to their timelines with each cooperation score explained and the activity filter; billing's
margin, the admin's budget and the statement CSV; a new campaign's audience windows. axe and a
screenshot on each page. Data is set up through the API; ticks never run ahead of the wall
clock (the shared stack's other tests have due items of their own)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from infra.local.demo import signed_event
from tests.e2e.browser import check_page, console_page, new_context
from tests.e2e.conftest import LocalStack
from tests.e2e.test_console_pages import sign_in


def admin_session(stack: LocalStack) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {stack.tenant['api_key']}"
    return session


def webhook(stack: LocalStack, kind: str, invitation_id: str) -> None:
    headers, body = signed_event(stack.tenant["webhook_secret"], kind, invitation_id,
                                 datetime.now(UTC))
    answer = requests.post(f"{stack.api_url}/webhooks/vendor", data=body, headers=headers,
                           timeout=60)
    assert answer.status_code == 200, answer.text


def stat(page: Any, section: str, name: str) -> str:
    value: str = page.locator(f"#{section} [data-stat='{name}'] dd").inner_text()
    return value


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_dashboard_per_day_and_per_round_and_the_pool_explains_scores(
        stack: LocalStack, chromium_browser: Any) -> None:
    # GIVEN a campaign whose deadline passes on the wall clock in 20 s, one reminder round at
    # the deadline, three candidates: one completes in time, two miss it, get the round-1
    # reminder and one of them completes after it (recovered by round 1)
    admin = admin_session(stack)
    api = stack.api_url
    position = admin.post(f"{api}/positions", json={"title": "Gaps Engineer"}, timeout=60).json()
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    campaign = admin.post(f"{api}/campaigns", timeout=60, json={
        "position_id": position["id"], "name": "Gaps per day", "channels": ["email"],
        "deadline_at": deadline.isoformat(),
        "reminder_policy": {"rounds": [{"offset_hours": 0, "channels": ["email"],
                                        "template": "no_show"}],
                            "grace_hours": 48, "quiet_hours": None}}).json()
    assert "id" in campaign, campaign
    cid = campaign["id"]
    made = admin.post(f"{api}/campaigns/{cid}/invitations", timeout=60, json={"candidates": [
        {"name": f"Gap {n}", "email": f"gap{n}.{cid[-6:]}@example.com"}
        for n in ("Ontime", "Recovered", "Silent")]})
    assert made.status_code == 201, made.text
    ids = [i["invitation_id"] for i in made.json()["items"]]
    stack.drain()
    webhook(stack, "interview.completed", ids[0])
    stack.drain()
    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1)
    stack.tick(datetime.now(UTC).isoformat())
    stack.drain()
    webhook(stack, "interview.completed", ids[1])
    stack.drain()
    funnel = admin.get(f"{api}/reports/campaigns/{cid}/funnel", timeout=60).json()
    assert funnel["counts"]["recovered"] == 1, funnel
    assert funnel["recovered_by_round"][0] == {"round": 1, "recovered": 1}, funnel
    days = [d["day"] for d in funnel["by_day"]]

    context, page, errors = console_page(chromium_browser, locale="en-US")
    sign_in(page, stack, stack.tenant["api_key"])
    # WHEN HR opens the dashboard
    page.goto(f"{stack.console_url}#/campaigns/{cid}")
    page.wait_for_selector("#daily-chart svg")
    # THEN completion over time is a line per day (the chart's label carries every point),
    # with its table; and the completions recovered by round 1 are shown
    label = page.locator("#daily-chart").get_attribute("aria-label") or ""
    assert label.startswith("Completion over time:") and all(d in label for d in days), label
    assert "completed_late" in label
    table = page.locator("#daily-table").inner_text()
    assert all(d in table for d in days), table
    assert stat(page, "round-stats", "round_1") == "1"
    assert "Round 1 1" in (page.locator("#round-chart").get_attribute("aria-label") or "")
    assert stat(page, "reminder-stats", "recovered") == "1"
    check_page(page, "20 dashboard per day and per round")
    # AND in Chinese the new sections are translated
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("h2:has-text('完成情况随时间变化')")
    page.wait_for_selector("#round-stats [data-stat='round_1'] dt:has-text('第 1 轮')")
    page.select_option("#lang", "en")

    # WHEN HR queries the campaign's no-show segment, active since today, in the pool
    page.goto(f"{stack.console_url}#/pool")
    page.wait_for_selector("h1:has-text('Talent pool')")
    page.fill("#seg-campaign", cid)
    page.fill("#seg-active", datetime.now(UTC).date().isoformat())
    page.click("form button[type=submit]")
    page.wait_for_selector("#segment-result a.candidate-link")
    # THEN each row links to the candidate's timeline
    link = page.locator("#segment-result a.candidate-link", has_text="Gap Silent")
    href = link.get_attribute("href") or ""
    assert href.startswith("#/candidates/"), href
    candidate_id = href.removeprefix("#/candidates/")
    # AND its score is explained part by part, as the API explains it
    page.click("#segment-result button.explain-score[aria-label$='Gap Silent']")
    page.wait_for_selector("#score-explanation table")
    explained = page.locator("#score-explanation").inner_text()
    profile = admin.get(f"{api}/talent-pool/candidates/{candidate_id}", timeout=60).json()
    assert f"{profile['score']['value']} / 100" in explained, explained
    no_show = next(p for p in profile["score"]["parts"] if p["name"] == "no_show")
    assert no_show["points"] < 0 and str(no_show["points"]) in explained, explained
    assert "No-shows" in explained and "Base" in explained and "-35" in explained
    check_page(page, "21 pool score explained")
    # AND a segment active only from tomorrow is empty
    page.fill("#seg-active", (datetime.now(UTC) + timedelta(days=2)).date().isoformat())
    page.click("form button[type=submit]")
    page.wait_for_selector("#segment-count:has-text('Total: 0')")
    # AND the timeline link opens the candidate's timeline
    page.fill("#seg-active", "")
    page.click("form button[type=submit]")
    page.wait_for_selector("#segment-result a.candidate-link")
    page.locator("#segment-result a.candidate-link", has_text="Gap Silent").click()
    page.wait_for_selector("h1:has-text('Gap Silent')")
    assert page.url.endswith(f"#/candidates/{candidate_id}")
    assert not errors, errors
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_billing_shows_the_margin_sets_the_budget_and_downloads_the_statement(
        stack: LocalStack, chromium_browser: Any) -> None:
    admin = admin_session(stack)
    month = datetime.now(UTC).strftime("%Y-%m")
    margin = admin.get(f"{stack.api_url}/billing/margin", params={"month": month},
                       timeout=60).json()
    context, page, errors = console_page(chromium_browser, locale="en-US")
    sign_in(page, stack, stack.tenant["api_key"])
    # WHEN the admin opens billing
    page.goto(f"{stack.console_url}#/billing")
    page.wait_for_selector("#margin")
    # THEN the month's margin: revenue against the estimated AWS cost
    assert page.locator("#margin [data-stat='revenue'] dd").get_attribute("data-value") == \
        margin["revenue"]
    assert page.locator("#margin [data-stat='aws_cost'] dd").get_attribute("data-value") == \
        margin["aws_cost"]["total"]
    assert page.locator("#margin [data-stat='margin'] dd").get_attribute("data-value") == \
        (margin["margin"] or "")
    assert "Margin" in page.locator("#margin h2").inner_text()
    # AND the admin sets the budget (large: no alert fires for the other tests)
    page.fill("#budget-amount", "100000.00")
    page.fill("#budget-thresholds", "50, 90")
    page.click("#budget-save")
    page.wait_for_selector("#budget-now:has-text('100000')")
    budget = admin.get(f"{stack.api_url}/billing/budget", timeout=60).json()
    assert (budget["monthly_amount"], budget["thresholds"], budget["hard_cap_sms"]) == (
        "100000.00", [50, 90], False), budget
    check_page(page, "22 billing margin and budget")
    # AND downloads the statement as CSV (a presigned link)
    page.click("#statement-csv")
    page.wait_for_selector("#statement-link")
    url = page.locator("#statement-link").get_attribute("href") or ""
    csv = requests.get(url, timeout=60)
    assert csv.status_code == 200 and "operation" in csv.text.splitlines()[0], csv.text[:200]
    # AND in Chinese
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("#margin h2:has-text('毛利')")
    page.select_option("#lang", "en")
    context.close()
    # AND finance sees the margin but cannot set the budget (the API's PUT is the admin's)
    finance = stack.create_key("finance")
    context = new_context(chromium_browser, locale="en-US")
    page = context.new_page()
    sign_in(page, stack, finance)
    page.goto(f"{stack.console_url}#/billing")
    page.wait_for_selector("#margin [data-stat='margin']")
    assert page.locator("#budget-form").count() == 0
    assert "100000" in page.locator("#budget-now").inner_text()
    check_page(page, "23 billing (finance)")
    assert not errors, errors
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_a_new_campaign_sends_its_audience_windows(stack: LocalStack,
                                                    chromium_browser: Any) -> None:
    admin = admin_session(stack)
    position = admin.post(f"{stack.api_url}/positions", json={"title": "Audience Analyst"},
                          timeout=60).json()
    context, page, errors = console_page(chromium_browser, locale="en-US")
    sign_in(page, stack, stack.tenant["api_key"])
    # WHEN HR creates a campaign with two audience windows (and removes a third)
    page.goto(f"{stack.console_url}#/campaigns/new")
    page.wait_for_selector("#add-audience")
    page.select_option("#position", position["id"])
    page.fill("#campaign-name", "Campus and experienced 2026")
    for _ in range(3):
        page.click("#add-audience")
    page.fill("#audience-1-name", "new_graduate")
    page.fill("#audience-1-hours", "72")
    page.fill("#audience-2-name", "employed")
    page.fill("#audience-2-hours", "120")
    page.click("#audiences button:has-text('Audience 3')")
    assert page.locator("#audiences .audience").count() == 2
    check_page(page, "24 new campaign with audience windows")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/campaigns")) \
            as info:
        page.click("#create-campaign")
    # THEN the request carries them, and the campaign keeps them
    sent = info.value.post_data_json
    assert sent["audience_windows"] == {"new_graduate": 72, "employed": 120}, sent
    page.wait_for_selector("h1:has-text('Campus and experienced 2026')")
    assert "new_graduate 72 h, employed 120 h" in page.locator("p.meta").inner_text()
    cid = page.url.rsplit("/", 1)[-1]
    saved = admin.get(f"{stack.api_url}/campaigns/{cid}", timeout=60).json()
    assert saved["audience_windows"] == {"new_graduate": 72, "employed": 120}, saved
    # AND the editor is translated
    page.goto(f"{stack.console_url}#/campaigns/new")
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("legend:has-text('受众完成时限')")
    page.select_option("#lang", "en")
    assert not errors, errors
    context.close()
