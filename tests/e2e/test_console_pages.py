"""The HR console in Chromium: sign-in (the key stays in sessionStorage, never in the URL),
both languages, every page for the roles that may see it, axe-core on each page, and a
screenshot of each in test-artifacts/e2e/."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.browser import check_page, console_page, new_context
from tests.e2e.conftest import LocalStack


def sign_in(page: Any, stack: LocalStack, key: str) -> None:
    page.goto(stack.console_url)
    page.fill("#api-key", key)
    page.click("button[type=submit]")
    page.wait_for_selector("header nav")


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_every_page_signs_in_switches_language_and_passes_axe(stack: LocalStack,
                                                             chromium_browser: Any) -> None:
    context, page, errors = console_page(chromium_browser, locale="en-US")
    # GIVEN `make run`'s banner, which names the console next to the demo key
    banner = stack.log.read_text()
    assert f"HR console     {stack.console_url}" in banner
    assert stack.tenant["api_key"] in banner
    # AND the sign-in page (the browser's language: English)
    page.goto(stack.console_url)
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "01 sign in (en)")
    # WHEN a wrong key is given THEN the API's message is shown and nothing is kept
    page.fill("#api-key", "tlk_wrong")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert page.evaluate("() => sessionStorage.getItem('talentloop.apiKey')") is None
    # WHEN the admin key is given THEN the campaigns page, the key only in sessionStorage
    sign_in(page, stack, stack.tenant["api_key"])
    page.wait_for_selector("h1:has-text('Campaigns')")
    assert stack.tenant["api_key"] not in page.url
    assert page.evaluate("() => sessionStorage.getItem('talentloop.apiKey')") == \
        stack.tenant["api_key"]
    assert page.evaluate("() => localStorage.length") == 0
    check_page(page, "02 campaigns (en)")
    for route, heading, name in [("#/campaigns/new", "New campaign", "03 new campaign"),
                                 ("#/pool", "Talent pool", "04 talent pool"),
                                 ("#/exports", "Exports", "05 exports"),
                                 ("#/billing", "Billing", "06 billing"),
                                 ("#/settings", "Settings", "07 settings")]:
        page.goto(f"{stack.console_url}{route}")
        page.wait_for_selector(f"h1:has-text('{heading}')")
        page.wait_for_load_state("networkidle")
        check_page(page, name)
    # the segment query and an export with its progress
    page.goto(f"{stack.console_url}#/pool")
    page.click("form button[type=submit]")
    page.wait_for_selector("#segment-count")
    page.goto(f"{stack.console_url}#/exports")
    page.click("form button[type=submit]")
    page.wait_for_selector("#export-status progress")
    page.wait_for_selector("#export-list button.link", timeout=60_000)
    check_page(page, "08 export done")
    # WHEN the language is switched THEN the page is in Chinese, html lang too
    page.goto(f"{stack.console_url}#/campaigns")
    page.wait_for_selector("h1:has-text('Campaigns')")
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("h1:has-text('面试活动')")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    check_page(page, "09 campaigns (zh-CN)")
    assert not errors, errors
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_roles_see_their_pages(stack: LocalStack, chromium_browser: Any) -> None:
    finance = stack.create_key("finance")
    context = new_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    # GIVEN a browser in Chinese THEN the console starts in Chinese
    page.goto(stack.console_url)
    page.wait_for_selector("button:has-text('登录')")
    sign_in(page, stack, finance)
    page.wait_for_selector("h1:has-text('计费')")  # finance lands on billing
    nav = page.locator("header nav").inner_text()
    assert "计费" in nav and "面试活动" not in nav and "人才库" not in nav
    check_page(page, "10 billing (finance, zh-CN)")
    page.goto(f"{stack.console_url}#/pool")
    page.wait_for_selector("[role=alert]")  # not for finance
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_an_interviewer_sees_only_its_campaign(stack: LocalStack, chromium_browser: Any) -> None:
    # GIVEN two campaigns and an interviewer key for one of them
    admin = requests.Session()
    admin.headers["Authorization"] = f"Bearer {stack.tenant['api_key']}"
    position = admin.post(f"{stack.api_url}/positions", json={"title": "Data Engineer"},
                          timeout=60).json()
    made = [admin.post(f"{stack.api_url}/campaigns", timeout=60, json={
        "position_id": position["id"], "name": name, "window_hours": 48,
        "channels": ["email"]}).json() for name in ("Visible to interviewer", "Hidden")]
    key = stack.create_key("interviewer", made[0]["id"])
    context = new_context(chromium_browser)
    page = context.new_page()
    sign_in(page, stack, key)
    # THEN its campaign only, no creation, and the other campaign's page is not found
    page.wait_for_selector("#campaign-list a")
    names = page.locator("#campaign-list tbody a").all_inner_texts()
    assert names == ["Visible to interviewer"], names
    assert "New campaign" not in page.locator("header nav").inner_text()
    check_page(page, "11 campaigns (interviewer)")
    page.goto(f"{stack.console_url}#/campaigns/{made[1]['id']}")
    page.wait_for_selector("[role=alert]:has-text('campaign_not_found')")
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_reports_page_shows_names_by_position_and_channel_and_downloads_the_call_list(
        stack: LocalStack, chromium_browser: Any) -> None:
    import csv
    import io
    import time
    from datetime import UTC, datetime, timedelta

    # GIVEN a campaign whose deadline passes on the wall clock in a few seconds (then a tick
    # at the wall clock's now, as the local cloud's own minute sweep does: never ahead of it,
    # so the shared sweep watermark does not skip the other tests' due items)
    admin = requests.Session()
    admin.headers["Authorization"] = f"Bearer {stack.tenant['api_key']}"
    position = admin.post(f"{stack.api_url}/positions", timeout=60,
                          json={"title": "Platform Engineer 平台工程师"}).json()
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    campaign = admin.post(f"{stack.api_url}/campaigns", timeout=60, json={
        "position_id": position["id"], "name": "Reports check 2026",
        "deadline_at": deadline.isoformat(), "channels": ["email", "sms"]}).json()
    made = admin.post(f"{stack.api_url}/campaigns/{campaign['id']}/invitations", timeout=60,
                      json={"candidates": [
                          {"name": "赵雷", "email": f"zhao.{campaign['id'][-6:]}@example.com",
                           "phone": "13800138011"},
                          {"name": "Ada Reports", "email": f"ada.{campaign['id'][-6:]}@example.com",
                           "phone": "13800138012"}]})
    assert made.status_code == 201, made.text
    stack.drain()
    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1)
    stack.tick(datetime.now(UTC).isoformat())
    stack.drain()
    counts = admin.get(f"{stack.api_url}/campaigns/{campaign['id']}", timeout=60).json()
    assert counts["counts"]["no_show"] == 2, counts
    context, page, errors = console_page(chromium_browser, locale="en-US")
    sign_in(page, stack, stack.tenant["api_key"])
    # WHEN HR opens the reports page
    page.goto(f"{stack.console_url}#/reports")
    page.wait_for_selector("#rates-table table")
    # THEN the position x channel table names the position and the channel mix
    rates = page.locator("#rates-table").inner_text()
    assert "Platform Engineer 平台工程师" in rates and "email+sms" in rates, rates
    page.wait_for_selector("#rates-chart svg")
    assert "Platform Engineer" in (page.locator("#rates-chart").get_attribute("aria-label")
                                   or "")
    # AND the call list says it is audited, and downloads as CSV with names and contacts
    assert "Audited" in page.locator("#audit-note").inner_text()
    page.select_option("#call-campaign", campaign["id"])
    check_page(page, "12 reports")
    with page.expect_download() as info:
        page.click("#call-list-csv")
    saved = info.value.path()
    with open(saved, encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert sorted(r["name"] for r in rows) == ["Ada Reports", "赵雷"]
    assert {r["phone"] for r in rows} == {"+8613800138011", "+8613800138012"}
    page.wait_for_selector("#call-list [role=status]")
    # AND the download is in the audit: who pulled which list, when
    audit = admin.get(f"{stack.api_url}/reports/call-list-audit", timeout=60).json()["items"]
    assert (audit[0]["campaign_id"], audit[0]["format"], audit[0]["rows"]) == (
        campaign["id"], "csv", 2)
    # AND in Chinese the page and its audit note are translated
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("h1:has-text('报表')")
    assert "已审计" in page.locator("#audit-note").inner_text()
    page.wait_for_selector("#rates-table table")
    check_page(page, "13 reports (zh-CN)")
    assert not errors, errors
    context.close()
