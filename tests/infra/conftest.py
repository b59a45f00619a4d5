"""Synthesizes the CDK app once per stage for the whole session, exactly as a person would.

`python infra/app.py -c stage=<stage>` runs in a subprocess with `CDK_OUTDIR` pointing at a
temporary directory: the same entry point `cdk synth` uses, with cdk-nag's checks (a finding
not acknowledged fails the synth, and so the fixture). Tests read the cloud assembly: the
templates and cdk-nag's validation report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
#: A cold synth builds the Lambda layer (`pip download` of requirements.txt) first.
SYNTH_TIMEOUT_S = 240
#: The deploy parameters a prod synth requires (infra/DEPLOY.md), given explicitly as a
#: person deploying would; reserved `.test` names, so nothing here is a real address.
DEPLOY_CONTEXT = {"sender_email": "no-reply@mail.talentloop.test",
                  "public_api_url": "https://api.talentloop.test",
                  "vendor_base_url": "https://interview.vendor.test"}


@dataclass(frozen=True)
class Synth:
    """One stage's cloud assembly."""

    stage: str
    outdir: Path
    seconds: float

    @property
    def template_path(self) -> Path:
        return self.outdir / f"{self.stage}.template.json"

    def template(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.template_path.read_text())
        return loaded

    def validation_report(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(
            (self.outdir / "validation-report.json").read_text())
        return loaded


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: synthesizes the CDK app (tens of seconds); part of `make test`")


def synth_command(stage: str, context: dict[str, str]) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "infra" / "app.py"), "-c", f"stage={stage}",
            *(arg for key, value in context.items() for arg in ("-c", f"{key}={value}"))]


def synth(stage: str, outdir: Path) -> Synth:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env["CDK_OUTDIR"] = str(outdir)
    started = time.monotonic()
    done = subprocess.run(
        synth_command(stage, DEPLOY_CONTEXT),
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S,
        check=False)
    if done.returncode != 0:
        raise AssertionError(f"synth of {stage} failed:\n{done.stdout}\n{done.stderr}")
    return Synth(stage=stage, outdir=outdir, seconds=time.monotonic() - started)


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Synth]]:
    """Both stages, one after the other (they share Chalice's package cache)."""
    root = tmp_path_factory.mktemp("cdk")
    yield {stage: synth(stage, root / stage) for stage in STAGES}


@pytest.fixture(scope="session")
def prod(synths: dict[str, Synth]) -> Synth:
    return synths["prod"]


@pytest.fixture(scope="session")
def dev(synths: dict[str, Synth]) -> Synth:
    return synths["dev"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The permission check's list of granted actions that no test used (for review)."""
    from tests.infra.aws_calls import UNUSED

    if UNUSED:
        terminalreporter.write_sep("-", f"IAM: {len(UNUSED)} granted actions no test used")
        for line in UNUSED:
            terminalreporter.write_line(f"  {line}")
