"""What the operator CLI (`python -m infra.ops`) relies on in the synthesized stack: the
stack's name and its `TableName` output, and a sample policy naming the real table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.definition import TABLE
from infra.ops.target import STACK_OUTPUT, stack_name
from tests.infra.conftest import STAGES, Synth
from tests.infra.queries import only

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

POLICY = Path(__file__).resolve().parents[2] / "infra" / "ops" / "operator-policy.json"


def test_the_table_name_is_a_stack_output_the_cli_finds(prod: Synth, dev: Synth) -> None:
    for synth in (prod, dev):
        template: dict[str, Any] = synth.template()
        table = only(template, "AWS::DynamoDB::Table")[0]
        assert template["Outputs"][STACK_OUTPUT]["Value"] == {"Ref": table}
        manifest = json.loads((synth.outdir / "manifest.json").read_text())
        names = [a["properties"].get("stackName") for a in manifest["artifacts"].values()
                 if a.get("type") == "aws:cloudformation:stack"
                 and a["properties"].get("templateFile") == synth.template_path.name]
        assert names == [stack_name(synth.stage)]


def test_the_sample_operator_policy_names_the_stacks_table() -> None:
    policy = json.loads(POLICY.read_text())
    tables = [r for s in policy["Statement"] for r in
              ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
              if ":table/" in r]
    for stage in STAGES:
        named = {r.split(":table/", 1)[1].replace("${Stage}", stage) for r in tables}
        assert named == {TABLE.physical_name(stage), f"{TABLE.physical_name(stage)}/index/gsi1"}
    actions = {a for s in policy["Statement"] for a in
               ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "dynamodb:Scan" not in actions and not any(a.endswith("*") for a in actions)
