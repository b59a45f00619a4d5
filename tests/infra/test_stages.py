"""Stage selection: only the stages the stack knows, with prod holding on to its data, and
prod's deploy parameters required rather than defaulted to placeholders."""

from __future__ import annotations

import json
import subprocess

import pytest
from aws_cdk import RemovalPolicy

from infra.stack.roles import FUNCTIONS
from infra.stack.settings import REQUIRED_IN_PROD, MissingContext, settings_for
from tests.infra.conftest import DEPLOY_CONTEXT, REPO_ROOT, Synth, synth_command
from tests.infra.queries import props


def test_prod_retains_and_dev_destroys() -> None:
    prod = settings_for("prod", **DEPLOY_CONTEXT)
    dev = settings_for("dev", sender_email="no-reply@mail.talentloop.test")
    assert prod.removal_policy == RemovalPolicy.RETAIN
    assert dev.removal_policy == RemovalPolicy.DESTROY
    assert prod.sender_domain == "mail.talentloop.test"


def test_an_unknown_stage_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        settings_for("production", sender_email="a@b.c")
    done = subprocess.run(synth_command("qa", {}), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "unknown stage 'qa'" in done.stderr


@pytest.mark.parametrize("missing", REQUIRED_IN_PROD)
def test_prod_names_each_missing_deploy_parameter(missing: str) -> None:
    given = {k: v for k, v in DEPLOY_CONTEXT.items() if k != missing}
    with pytest.raises(MissingContext, match=f"missing context value '{missing}'"):
        settings_for("prod", **given)


def test_a_prod_synth_without_them_fails_naming_them() -> None:
    done = subprocess.run(synth_command("prod", {}), cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0
    for key in REQUIRED_IN_PROD:
        assert f"-c {key}=..." in done.stderr, done.stderr


@pytest.mark.parametrize(("key", "value"), [
    ("sender_email", "no-reply@talentloop.example.com"),
    ("public_api_url", "https://api.talentloop.example.com"),
    ("vendor_base_url", "https://interview.example.com"),
    ("vendor_base_url", "http://interview.vendor.test"),
    ("sender_email", "no-reply"),
])
def test_prod_refuses_placeholders_and_plain_http(key: str, value: str) -> None:
    with pytest.raises(MissingContext, match=key):
        settings_for("prod", **{**DEPLOY_CONTEXT, key: value})


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_no_prod_template_contains_an_example_domain(prod: Synth) -> None:
    template = prod.template()
    assert "example.com" not in json.dumps(template)
    for spec in FUNCTIONS:
        env = props(template["Resources"][spec.logical_id])["Environment"]["Variables"]
        assert env["TALENTLOOP_VENDOR_BASE_URL"] == DEPLOY_CONTEXT["vendor_base_url"]
        assert env["TALENTLOOP_PUBLIC_API_URL"] == DEPLOY_CONTEXT["public_api_url"]
        assert env["TALENTLOOP_SENDER_EMAIL"] == DEPLOY_CONTEXT["sender_email"]
