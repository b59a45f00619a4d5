"""The browser-test foundation: Debian's Chromium driven by Playwright, axe-core's
accessibility check injected from node_modules, screenshots kept as test artifacts.

Playwright's own browser download is not used (it cannot be fetched here, and Debian's
package is patched and updated with the system): `make chromium` installs `/usr/bin/chromium`
and every test launches that executable with the flags below.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TALENTLOOP_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
BLOCKING = ("serious", "critical")


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def new_context(browser: Any, locale: str = "en-US") -> Any:
    """`bypass_csp`: the console's CSP (script-src 'self') would refuse the injected axe."""
    return browser.new_context(locale=locale, bypass_csp=True,
                               viewport={"width": 1280, "height": 900})


def console_page(browser: Any, locale: str = "en-US") -> tuple[Any, Any, list[str]]:
    """A fresh context and page, and the page's uncaught errors (a test asserts none)."""
    context = new_context(browser, locale=locale)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    return context, page, errors


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("""async () => {
        const result = await window.axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                             'best-practice']},
            resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return found


def check_page(page: Any, name: str) -> list[dict[str, Any]]:
    """Screenshot the page into test-artifacts/e2e/<name>.png, then assert axe-core finds no
    serious or critical violation. Returns every violation (minor ones included)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector(".loading", state="detached")
    page.screenshot(path=str(ARTIFACTS / f"{_slug(name)}.png"), full_page=True)
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: accessibility violations {blocking}"
    return violations


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
