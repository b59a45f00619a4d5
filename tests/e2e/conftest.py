"""Fixtures of the browser tests: a local cloud (`python -m infra.local run`) of their own
on free ports and a fresh data folder, in a subprocess as a user starts it, and Chromium."""

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
import requests

from infra.local import iam_record
from infra.local.cloud import free_port
from tests.e2e import browser as chromium

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LocalStack:
    api_url: str
    control_url: str
    tenant: dict[str, Any]
    env: dict[str, str]
    log: Path  # what `python -m infra.local run` printed

    @property
    def console_url(self) -> str:
        return f"{self.api_url}/console"

    def create_key(self, role: str, *campaigns: str) -> str:
        args = [sys.executable, "-m", "infra.local", "create-key", self.tenant["tenant_id"],
                role, *[a for c in campaigns for a in ("--campaign", c)]]
        done = subprocess.run(args, cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=120, check=True)
        key: str = json.loads(done.stdout)["api_key"]
        return key

    def drain(self) -> int:
        answer = requests.post(f"{self.control_url}/drain", params={"timeout": 1200},
                               timeout=1300)
        delivered: int = answer.json()["delivered"]
        return delivered

    def tick(self, at: str) -> dict[str, Any]:
        answer: dict[str, Any] = requests.post(f"{self.control_url}/tick", params={"at": at},
                                               timeout=1300).json()
        return answer


def _build_console() -> None:
    if not (ROOT / "chalicelib" / "console_dist" / "index.html").is_file():
        subprocess.run(["make", "console"], cwd=ROOT, check=True, timeout=600)


@pytest.fixture(scope="package")  # up while tests/e2e runs, not for the whole session
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    _build_console()
    data = tmp_path_factory.mktemp("console-cloud")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TALENTLOOP_"))}
    if iam_record.ENV_RECORD in os.environ:  # the console's AWS calls join the permission check
        env[iam_record.ENV_RECORD] = os.environ[iam_record.ENV_RECORD]
    api, control = free_port(), free_port()
    env.update({"TALENTLOOP_LOCAL_DATA": str(data), "TALENTLOOP_LOCAL_IN_MEMORY": "1",
                "TALENTLOOP_DYNAMODB_PORT": str(free_port()),
                "TALENTLOOP_MOTO_PORT": str(free_port()),
                "TALENTLOOP_API_PORT": str(api), "TALENTLOOP_CONTROL_PORT": str(control)})
    log = (data / "run.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "infra.local", "run"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    control_url = f"http://127.0.0.1:{control}"
    try:
        deadline = time.monotonic() + 180
        tenant_file = data / "demo-tenant-local.json"
        while (tenant := _tenant(tenant_file)) is None or not _healthy(control_url):
            assert process.poll() is None, (data / "run.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the local cloud did not start in 180 s"
            time.sleep(0.5)
        yield LocalStack(f"http://127.0.0.1:{api}", control_url, tenant, env, data / "run.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _tenant(path: Path) -> dict[str, Any] | None:
    try:
        tenant: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return tenant


def _healthy(control_url: str) -> bool:
    try:
        return requests.get(f"{control_url}/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="package")
def chromium_browser() -> Iterator[Any]:
    if not chromium.CHROMIUM.exists():
        pytest.fail(f"{chromium.CHROMIUM} is missing: run `make chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        yield launched
        launched.close()
