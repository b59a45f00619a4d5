"""Rendering one email (subject, text, HTML) from the shipped files against a tenant's version
in the sandbox, in one warm process (what a warm sender does per message).

The tenant's version is the shipped text typed in as a custom template, so both sides render
the same words. The sandbox compiles each version once (an LRU of compiled templates); the
first figure after the compile is what every later message costs.
Results: benchmarks/results/template_render.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.delivery.adapters.message_templates import MessageRenderer, shipped  # noqa: E402
from chalicelib.delivery.domain.message_templates import PARTS, sample_context  # noqa: E402

RENDERS = 2000
ROUNDS = 5


def per_render_us(renderer: MessageRenderer, custom: dict[str, str] | None) -> float:
    context = sample_context("en", "Acme")
    start = time.perf_counter()
    for _ in range(RENDERS):
        renderer.render("invite", "email", "en", context, custom)
    return (time.perf_counter() - start) / RENDERS * 1e6


def main() -> int:
    renderer = MessageRenderer()
    custom = {part: shipped("invite", "en", part) for part in PARTS}
    context = sample_context("en", "Acme")
    start = time.perf_counter()
    renderer.render("invite", "email", "en", context, custom)  # compiles the three parts
    compile_us = (time.perf_counter() - start) * 1e6
    renderer.render("invite", "email", "en", context)  # the file loader's first load
    shipped_us, tenant_us = [], []
    for _ in range(ROUNDS):  # alternated, so a noisy neighbour slows both alike
        shipped_us.append(per_render_us(renderer, None))
        tenant_us.append(per_render_us(renderer, custom))
    result = {"renders_per_round": RENDERS, "rounds": ROUNDS,
              "first_tenant_render_with_compile_us": round(compile_us),
              "shipped_us_per_email": round(statistics.median(shipped_us), 1),
              "tenant_sandbox_us_per_email": round(statistics.median(tenant_us), 1)}
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "template_render.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
