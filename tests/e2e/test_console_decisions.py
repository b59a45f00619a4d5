"""HR's decisions in Chromium: the extension-request queue (a candidate asked for more time
twice on their self-service page; HR approves from the queue) and the candidate's timeline
across campaigns, which then shows HR's approval. axe-core checks each page; screenshots go
to test-artifacts/e2e/."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.e2e.browser import check_page, console_page
from tests.e2e.conftest import LocalStack
from tests.e2e.test_console_pages import sign_in


def queued_request(stack: LocalStack) -> tuple[str, str]:
    """A campaign with one candidate whose second extension request waits for HR."""
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {stack.tenant['api_key']}"
    position = api.post(f"{stack.api_url}/positions", json={"title": "Data Analyst"},
                        timeout=60).json()
    campaign = api.post(f"{stack.api_url}/campaigns", timeout=60, json={
        "position_id": position["id"], "name": "Analysts 2026", "window_hours": 72,
        "channels": ["email"]}).json()
    address = f"wang.{campaign['id'][-8:]}@example.com"
    made = api.post(f"{stack.api_url}/campaigns/{campaign['id']}/invitations", timeout=60,
                    json={"candidates": [{"name": "王芳", "email": address}]})
    assert made.status_code == 201, made.text
    stack.drain()
    outbox = requests.get(f"{stack.control_url}/outbox", timeout=60).json()["messages"]
    text = next(m["text"] for m in outbox if any(address in to for to in m["to"]))
    token = re.search(r"/self-service/([^\s\"<>]+)", text)
    assert token, text
    results = []
    for _ in range(2):
        answer = requests.post(f"{stack.api_url}/self-service/{token[1]}/extension",
                               headers={"Accept": "application/json"}, timeout=60)
        assert answer.status_code == 200, answer.text
        results.append(answer.json()["result"])
    assert results == ["approved", "queued_for_hr"]
    return campaign["id"], made.json()["items"][0]["invitation_id"]


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_extension_queue_and_candidate_timeline(stack: LocalStack,
                                                chromium_browser: Any) -> None:
    campaign_id, invitation_id = queued_request(stack)
    context, page, errors = console_page(chromium_browser, locale="en-US")
    sign_in(page, stack, stack.tenant["api_key"])
    # GIVEN the campaign's extension queue, reached from its dashboard
    page.goto(f"{stack.console_url}#/campaigns/{campaign_id}")
    page.wait_for_selector("#funnel-stats")
    page.click(f"a[href='#/extension-requests?campaign_id={campaign_id}']")
    row = page.locator("#extension-list tr[data-status=pending]")
    row.wait_for()
    assert row.count() == 1 and "王芳" in row.inner_text()
    check_page(page, "10 extension queue (en)")
    # WHEN HR approves 24 more hours
    row.locator("input.ext-hours").fill("24")
    row.locator("button.ext-approve").click()
    page.wait_for_selector("#extension-list tr[data-status=approved] .msg.ok")
    check_page(page, "11 extension approved")
    # THEN the queue is empty, and the approved list has it
    page.goto(f"{stack.console_url}#/extension-requests?campaign_id={campaign_id}&status=pending")
    page.wait_for_selector("#extension-empty")
    # AND the candidate's timeline across campaigns shows HR's approval
    page.goto(f"{stack.console_url}#/invitations/{invitation_id}")
    page.click("#candidate-timeline-link")
    page.wait_for_selector("#candidate-timeline li")
    kinds = page.locator("#candidate-timeline li").evaluate_all(
        "els => els.map(e => e.dataset.type)")
    assert "hr.extension" in kinds and "invitation.created" in kinds, kinds
    assert kinds.index("hr.extension") < kinds.index("invitation.created")  # newest first
    check_page(page, "12 candidate timeline (en)")
    # AND in Chinese
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("h1:has-text('跨活动时间线')")
    check_page(page, "13 candidate timeline (zh-CN)")
    assert not errors, errors
    context.close()
