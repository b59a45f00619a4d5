"""Stage selection: only the stages the stack knows, with prod holding on to its data."""

from __future__ import annotations

import subprocess
import sys

import pytest
from aws_cdk import RemovalPolicy

from infra.stack.settings import settings_for
from tests.infra.conftest import REPO_ROOT


def test_prod_retains_and_dev_destroys() -> None:
    prod = settings_for("prod", sender_email="no-reply@mail.example.org")
    dev = settings_for("dev", sender_email="no-reply@mail.example.org")
    assert prod.removal_policy == RemovalPolicy.RETAIN
    assert dev.removal_policy == RemovalPolicy.DESTROY
    assert prod.sender_domain == "mail.example.org"


def test_an_unknown_stage_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        settings_for("production", sender_email="a@b.c")
    done = subprocess.run([sys.executable, "infra/app.py", "-c", "stage=qa"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "unknown stage 'qa'" in done.stderr
