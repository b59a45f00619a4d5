"""Access in the console (admins): issue an API key (shown once), revoke it (refused at once
by the API), rotate the vendor webhook secret with an overlap and retire the older one. A
tenant of its own: rotating the demo tenant's secret would break the other browser tests."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import requests

from tests.e2e.browser import check_page, console_page
from tests.e2e.conftest import ROOT, LocalStack
from tests.e2e.test_console_pages import sign_in


def _tenant(stack: LocalStack, name: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "infra.local", "create-tenant", name],
                          cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120,
                          check=True)
    tenant: dict[str, Any] = json.loads(done.stdout)
    return tenant


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_an_admin_issues_and_revokes_keys_and_rotates_the_secret(
        stack: LocalStack, chromium_browser: Any) -> None:
    tenant = _tenant(stack, "Access Co")
    context, page, errors = console_page(chromium_browser, locale="en-US")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before revoke/rotate
    sign_in(page, stack, tenant["api_key"])
    # WHEN the admin opens Access and issues a recruiter key
    page.goto(f"{stack.console_url}#/access")
    page.wait_for_selector("h1:has-text('Access')")
    page.wait_for_selector("#key-list table")
    assert "this key" in page.locator("#key-list").inner_text()  # cannot revoke itself
    page.select_option("#key-role", "recruiter")
    page.fill("#key-label", "ATS sync")
    page.click("#key-form button[type=submit]")
    # THEN the key is shown once, works against the API, and is listed (never the key)
    new_key = page.locator("#new-key").inner_text().strip()
    assert new_key.startswith("tlk_"), new_key
    me = requests.get(f"{stack.api_url}/me", headers={"Authorization": f"Bearer {new_key}"},
                      timeout=60)
    assert me.status_code == 200 and me.json()["role"] == "recruiter", me.text
    page.wait_for_selector("#key-list td:has-text('ATS sync')")
    assert new_key not in page.locator("#key-list").inner_text()
    check_page(page, "30 access: key issued")
    # WHEN it is revoked THEN the API refuses it at once
    page.click("#key-list tr:has-text('ATS sync') button.danger")
    page.wait_for_selector("#key-list tr:has-text('ATS sync') td:has-text('revoked')")
    refused = requests.get(f"{stack.api_url}/me",
                           headers={"Authorization": f"Bearer {new_key}"}, timeout=60)
    assert refused.status_code == 401, refused.text
    # WHEN the webhook secret is rotated with a 2 h overlap
    before = page.locator("#secret-current").inner_text()
    page.fill("#secret-overlap", "2")
    page.click("#secret-form button[type=submit]")
    secret = page.locator("#new-secret").inner_text().strip()
    # THEN the new secret is shown once, and the old one is listed as still verifying
    assert secret.startswith("whsec_"), secret
    page.wait_for_selector(f"#secret-state td:has-text('{before}')")
    assert page.locator("#secret-current").inner_text() != before
    check_page(page, "31 access: secret rotated")
    # WHEN the older secret is retired THEN none is left verifying
    page.click("#secret-state button.danger")
    page.wait_for_selector("#secret-state p:has-text('No older secret verifies.')")
    view = requests.get(f"{stack.api_url}/tenant/webhook-secret", timeout=60,
                        headers={"Authorization": f"Bearer {tenant['api_key']}"}).json()
    assert view["retiring"] == [] and view["current"]["fingerprint"] != before
    # AND the page in Chinese
    page.select_option("#lang", "zh-CN")
    page.wait_for_selector("h1:has-text('访问权限')")
    check_page(page, "32 access (zh-CN)")
    assert not errors, errors
    context.close()
