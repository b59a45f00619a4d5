"""Where the operator CLI works (infra/ops/target.py), without any network: the table from
an argument, the local cloud, an endpoint, or a stack's outputs (a fake CloudFormation)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from infra.definition import TABLE
from infra.ops.target import TargetError, resolve, stack_name, table_from_stack


class FakeCloudFormation:
    def __init__(self, stacks: dict[str, list[dict[str, str]]]) -> None:
        self.stacks = stacks
        self.asked: list[str] = []

    def describe_stacks(self, StackName: str) -> dict[str, Any]:  # boto3 spells it so
        self.asked.append(StackName)
        if StackName not in self.stacks:
            raise RuntimeError(f"Stack with id {StackName} does not exist")
        return {"Stacks": [{"StackName": StackName, "Outputs": self.stacks[StackName]}]}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    _clean(monkeypatch)


def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        # setenv first, so monkeypatch remembers the original (unset) value and restores it
        # after resolve() sets these in os.environ: a leaked AWS_PROFILE=ops broke every later
        # test that builds a boto3 session
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")


def test_the_stage_reads_the_table_from_the_stack() -> None:
    cfn = FakeCloudFormation({"talentloop-prod": [
        {"OutputKey": "EndpointURL", "OutputValue": "https://x/api/"},
        {"OutputKey": "TableName", "OutputValue": "talentloop-prod-main"}]})
    target = resolve("prod", None, False, None, None, None, cloudformation=cfn)
    assert (target.table, target.stage, target.region) == ("talentloop-prod-main", "prod",
                                                           "eu-west-1")
    assert cfn.asked == [stack_name("prod")] == ["talentloop-prod"]


def test_an_explicit_table_or_endpoint_needs_no_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    cfn = FakeCloudFormation({})
    assert resolve(None, "my-table", False, None, "us-west-2", None, cfn).table == "my-table"
    at = resolve("dev", None, False, "http://127.0.0.1:8000", None, "ops", cfn)
    assert at.table == TABLE.physical_name("dev") and at.endpoint_url == "http://127.0.0.1:8000"
    assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:8000"
    assert os.environ["AWS_PROFILE"] == "ops"
    assert cfn.asked == []


def test_resolving_a_target_leaves_no_profile_behind() -> None:
    with pytest.MonkeyPatch.context() as mp:
        _clean(mp)
        resolve("dev", None, False, "http://127.0.0.1:8000", None, "ops", FakeCloudFormation({}))
        assert os.environ["AWS_PROFILE"] == "ops"
    assert "AWS_PROFILE" not in os.environ and "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ


def test_missing_stack_output_or_target_is_an_error() -> None:
    cfn = FakeCloudFormation({"talentloop-dev": [{"OutputKey": "Other", "OutputValue": "x"}]})
    with pytest.raises(TargetError, match="no TableName output"):
        table_from_stack(cfn, "dev")
    with pytest.raises(TargetError, match="cannot read stack talentloop-qa"):
        table_from_stack(cfn, "qa")
    with pytest.raises(TargetError, match="--stage"):
        resolve(None, None, False, None, None, None, cfn)
