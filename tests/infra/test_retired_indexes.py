"""An upgrade that replaces an index takes two deploys (CloudFormation adds or drops one
index per table update): `-c keep_retired_indexes=true` keeps the retired ones beside their
successors, the plain deploy after it drops them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from infra.definition import RETIRED_INDEXES, TABLE
from infra.stack.data import Data
from infra.stack.settings import settings_for


def _indexes(keep: bool) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Data")
    Data(stack, "Data", settings=replace(settings_for("dev"), keep_retired_indexes=keep))
    (table,) = Template.from_stack(stack).find_resources("AWS::DynamoDB::Table").values()
    return {i["IndexName"]: i["Projection"]["ProjectionType"]
            for i in table["Properties"]["GlobalSecondaryIndexes"]}


def test_a_plain_deploy_has_the_definitions_indexes_only() -> None:
    assert _indexes(False) == {i.name: i.projection for i in TABLE.indexes}
    assert _indexes(False)["due_keys"] == "KEYS_ONLY"


def test_the_upgrade_deploy_keeps_the_retired_ones_beside_their_successors() -> None:
    kept = _indexes(True)
    assert kept == {**{i.name: i.projection for i in TABLE.indexes},
                    **{i.name: i.projection for i in RETIRED_INDEXES}}
    assert kept["due"] == "ALL"
    assert not {i.name for i in RETIRED_INDEXES} & {i.name for i in TABLE.indexes}
