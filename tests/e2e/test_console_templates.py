"""The message-template editor in Chromium: HR edits the invitation's subject, previews it
(HTML in a sandboxed frame), saves a version, and sees the problems of a template refused for
an unknown variable; screenshots in test-artifacts/e2e/."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.browser import check_page, console_page
from tests.e2e.conftest import LocalStack


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_hr_edits_previews_and_saves_the_invitation_subject(stack: LocalStack,
                                                            chromium_browser: Any) -> None:
    key = stack.create_key("recruiter")
    context, page, errors = console_page(chromium_browser, locale="en-US")
    # GIVEN a recruiter on the settings page
    page.goto(stack.console_url)
    page.fill("#api-key", key)
    page.click("button[type=submit]")
    page.wait_for_selector("header nav")
    page.goto(f"{stack.console_url}#/settings")
    # WHEN they open the template editor THEN the shipped invitation is there, version 0
    page.click("#templates-link")
    page.wait_for_selector("h1:has-text('Message templates')")
    page.wait_for_selector("#tpl-version:has-text('Version 0')")
    assert "{{ position_title }}" in page.input_value("#tpl-source")
    # WHEN they edit the subject and preview it
    page.fill("#tpl-source", "Welcome aboard, {{ name }}: {{ position_title }}")
    page.click("#tpl-preview")
    # THEN the preview shows it with sample values, the HTML in a sandboxed frame
    page.wait_for_selector("#tpl-prev-subject:has-text('Welcome aboard, Alex Chen')")
    frame = page.locator("#tpl-html")
    assert frame.get_attribute("sandbox") == ""
    assert "Alex Chen" in page.frame_locator("#tpl-html").locator("body").inner_text()
    check_page(page, "templates 01 preview (en)")
    # WHEN they save THEN a new version, and the API sends it from now on
    page.click("#tpl-save")
    page.wait_for_selector("#tpl-result:has-text('Saved: version 1')")
    page.wait_for_selector("#tpl-version:has-text('Version 1')")
    saved = requests.get(f"{stack.api_url}/tenant/templates/invite/en", timeout=30,
                         headers={"Authorization": f"Bearer {key}"}).json()
    assert saved["version"] == 1 and saved["custom"]
    assert saved["parts"]["subject"] == "Welcome aboard, {{ name }}: {{ position_title }}"
    # WHEN the subject names an unknown variable THEN the save is refused with its problem
    page.fill("#tpl-source", "Hello {{ nmae }}")
    page.click("#tpl-save")
    page.wait_for_selector("#tpl-errors li[data-code=unknown_variable]")
    assert "line 1" in page.inner_text("#tpl-errors")
    assert "Version 1" in page.inner_text("#tpl-version")
    check_page(page, "templates 02 unknown variable (en)")
    # AND the page speaks Chinese too
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("h1:has-text('消息模板')")
    check_page(page, "templates 03 editor (zh-CN)")
    assert not errors, errors
    context.close()


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_the_preview_frame_renders_under_the_consoles_own_csp(stack: LocalStack,
                                                              chromium_browser: Any) -> None:
    # GIVEN a browser that enforces the console's Content-Security-Policy (no bypass)
    context = chromium_browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(stack.console_url)
    page.fill("#api-key", stack.tenant["api_key"])
    page.click("button[type=submit]")
    page.wait_for_selector("header nav")
    page.goto(f"{stack.console_url}#/settings/templates")
    page.wait_for_selector("#tpl-version")
    # WHEN the shipped invitation is previewed THEN the frame shows the rendered email
    page.click("#tpl-preview")
    page.wait_for_selector("#tpl-html")
    body = page.frame_locator("#tpl-html").locator("body")
    assert "Start your interview" in body.inner_text(timeout=10_000)
    context.close()
