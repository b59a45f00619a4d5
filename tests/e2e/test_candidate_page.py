"""The candidate's page in Chromium on a phone (390 x 844): an SMS's short link opened with
JavaScript DISABLED, each form posted as plain HTML (reason, more time, opt out) with its
confirmation page; then, with JavaScript on and the page's own Content-Security-Policy
enforced, the page in Chinese and a dead link, each checked by axe-core. Screenshots go to
test-artifacts/e2e/."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests

from tests.e2e.browser import ARTIFACTS, check_page
from tests.e2e.conftest import LocalStack

PHONE = {"width": 390, "height": 844}


def phone(browser: Any, locale: str, javascript: bool, bypass_csp: bool = False) -> Any:
    return browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True,
                               java_script_enabled=javascript, bypass_csp=bypass_csp)


def invite(stack: LocalStack, locale: str) -> tuple[str, str]:
    """One candidate invited by email and SMS; the SMS's short link and the email's link."""
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {stack.tenant['api_key']}"
    position = api.post(f"{stack.api_url}/positions", json={"title": "Data Analyst"},
                        timeout=60).json()
    campaign = api.post(f"{stack.api_url}/campaigns", json={
        "position_id": position["id"], "name": f"Page {locale}", "window_hours": 72,
        "channels": ["email", "sms"], "reminder_policy": {"quiet_hours": None}},
        timeout=60).json()
    tag = uuid.uuid4().hex[:8]
    phone_number = f"+86139{int(tag, 16) % 10**8:08d}"
    answer = api.post(f"{stack.api_url}/campaigns/{campaign['id']}/invitations", json={
        "candidates": [{"name": f"Page {tag}", "email": f"page.{tag}@example.com",
                        "phone": phone_number, "locale": locale,
                        "timezone": "Asia/Shanghai"}]}, timeout=60)
    assert answer.status_code == 201, answer.text
    stack.drain()
    messages = requests.get(f"{stack.control_url}/outbox", timeout=60).json()["messages"]
    sms = next(m["text"] for m in messages if m["channel"] == "sms" and m["to"] == phone_number)
    email = next(m["text"] for m in messages
                 if m["channel"] == "email" and f"page.{tag}@example.com" in str(m["to"]))
    short = re.search(r"(http\S+/s/[0-9A-Za-z]{12})$", sms)
    long = re.search(r"(http\S+/self-service/\S+)", email)
    assert short and long, (sms, email)
    return short[1], long[1]


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_without_javascript_the_sms_link_and_every_form_work(stack: LocalStack,
                                                             chromium_browser: Any) -> None:
    # GIVEN a candidate's SMS and a phone browser with JavaScript disabled
    short, _ = invite(stack, "en")
    context = phone(chromium_browser, "en-US", javascript=False)
    page = context.new_page()
    # WHEN the SMS's short link is opened THEN it lands on the candidate's page
    answer = page.goto(short)
    assert answer is not None and answer.status == 200
    assert "/self-service/v1." in page.url
    assert page.locator("h1").inner_text() == "Your AI interview"
    assert page.locator("#position").inner_text() == "Data Analyst"
    assert "(UTC+08:00, Asia/Shanghai)" in page.locator("#deadline").inner_text()
    assert page.locator("#interview").get_attribute("href").startswith("http")
    shot(page, "candidate-01-page-nojs")
    # WHEN a reason is chosen and sent THEN the confirmation says it was recorded
    page.get_by_label("A technical problem").check()
    page.fill("#reason-text", "my camera did not work")
    page.click("#reason-form button[type=submit]")
    assert page.locator("#message").get_attribute("data-result") == "reason"
    assert "A technical problem" in page.locator("#message").inner_text()
    shot(page, "candidate-02-reason-recorded-nojs")
    # WHEN the candidate goes back and asks for more time THEN it is granted, with a time
    page.click("#back")
    assert "A technical problem" in page.locator("#reason-given").inner_text()
    page.click("#extension-form button[type=submit]")
    message = page.locator("#message")
    assert message.get_attribute("data-result") == "approved"
    assert re.search(r"until \w{3} \d+ \w{3} \d{4}, \d\d:\d\d \(UTC\+08:00", message.inner_text())
    shot(page, "candidate-03-extension-granted-nojs")
    # WHEN opt-out is sent without the box ticked THEN the browser keeps the page (required)
    page.click("#back")
    page.click("#opt-out-form button[type=submit]")
    assert page.locator("#opt-out-form").count() == 1
    # AND with the box ticked THEN the candidate is opted out
    page.check("#opt-out-form input[name=confirm]")
    page.click("#opt-out-form button[type=submit]")
    assert page.locator("#message").get_attribute("data-result") == "opted_out"
    shot(page, "candidate-04-opted-out-nojs")
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_the_page_under_its_own_csp_in_chinese_passes_axe(stack: LocalStack,
                                                          chromium_browser: Any) -> None:
    _, link = invite(stack, "zh-CN")
    # GIVEN JavaScript on and the page's CSP enforced: the inline style must still apply
    context = phone(chromium_browser, "zh-CN", javascript=True)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy"
            in msg.text else None)
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "您的 AI 面试"
    assert page.evaluate("() => getComputedStyle(document.querySelector('#interview'))"
                         ".backgroundColor") == "rgb(28, 79, 209)"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert not refused, refused
    context.close()
    # AND axe-core (injected, so this context bypasses the CSP) finds nothing serious
    context = phone(chromium_browser, "zh-CN", javascript=True, bypass_csp=True)
    page = context.new_page()
    page.goto(link)
    check_page(page, "candidate 05 page zh-CN")
    page.locator("input[name=reason]").first.check()
    page.click("#reason-form button[type=submit]")
    assert page.locator("#message").get_attribute("data-result") == "reason"
    check_page(page, "candidate 06 reason recorded zh-CN")
    page.goto(link + "?lang=en")
    assert page.locator("h1").inner_text() == "Your AI interview"
    check_page(page, "candidate 07 page en")
    # AND a tampered link shows the friendly page (401), checked too
    answer = page.goto(link[:-3] + "xyz")
    assert answer is not None and answer.status == 401
    assert page.locator("h1").inner_text() == "链接无法使用"
    check_page(page, "candidate 08 tampered link zh-CN")
    context.close()
