"""The seed's scenario as a user runs it: `python -m infra.local demo` on a fresh local cloud
(its own ports and data folder), asserting the exact counts it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.local import iam_record
from infra.local.cloud import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
@pytest.mark.timeout(1500)
def test_demo_reproduces_the_seed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TALENTLOOP_"))}
    if iam_record.ENV_RECORD in os.environ:  # the demo's AWS calls join the permission check
        env[iam_record.ENV_RECORD] = os.environ[iam_record.ENV_RECORD]
    env.update({"TALENTLOOP_LOCAL_DATA": str(tmp_path / "data"),
                "TALENTLOOP_DYNAMODB_PORT": str(free_port()),
                "TALENTLOOP_MOTO_PORT": str(free_port()),
                "TALENTLOOP_API_PORT": str(free_port()),
                "TALENTLOOP_CONTROL_PORT": str(free_port())})
    done = subprocess.run([sys.executable, "-m", "infra.local", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1450)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "no_show after deadline  72" in out, out
    assert "reminder emails sent    72" in out, out
    assert "talent pool `no_show`   72" in out, out
    assert "OK: exactly 72 no-shows, 72 reminders, 72 in the pool" in out
