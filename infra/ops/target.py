"""Which table the operator works on, and with which credentials and endpoint.

In order: `--table NAME`; `--local` (the local cloud's DynamoDB Local and stage `local`);
`--endpoint-url` (any DynamoDB endpoint; the table is the stage's conventional name); else
the `TableName` output of the stage's CloudFormation stack `talentloop-<stage>`
(`cloudformation:DescribeStacks`). Credentials are the operator's: the default chain, or
`--profile`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from infra.definition import TABLE

STACK_OUTPUT = "TableName"


class TargetError(Exception):
    """The table could not be found (no such stack, or no TableName output)."""


@dataclass(frozen=True)
class Target:
    stage: str
    table: str
    region: str
    endpoint_url: str | None = None


def stack_name(stage: str) -> str:
    return f"talentloop-{stage}"


def table_from_stack(cloudformation: Any, stage: str) -> str:
    """The table's name from the stage stack's outputs."""
    name = stack_name(stage)
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except Exception as err:  # botocore's ClientError: the stack does not exist, or no access
        raise TargetError(f"cannot read stack {name}: {err}") from err
    for output in stacks[0].get("Outputs", []) if stacks else []:
        if output.get("OutputKey") == STACK_OUTPUT:
            value: str = output["OutputValue"]
            return value
    raise TargetError(f"stack {name} has no {STACK_OUTPUT} output (deployed before it existed?)")


def resolve(stage: str | None, table: str | None, local: bool, endpoint_url: str | None,
            region: str | None, profile: str | None,
            cloudformation: Any = None) -> Target:
    """Where to work; sets the process's AWS profile and DynamoDB endpoint for PynamoDB
    and boto3 (this is the CLI's own process: an explicit argument beats the environment)."""
    if profile:
        os.environ["AWS_PROFILE"] = profile
    if local:
        endpoint_url = endpoint_url or _local_endpoint()
        stage = stage or "local"
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    if stage is None and table is None:
        raise TargetError("say which stack: --stage dev|prod, --table NAME or --local")
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") \
        or _session_region() or "us-east-1"
    if table is None:
        assert stage is not None
        if endpoint_url:
            table = TABLE.physical_name(stage)
        else:
            if cloudformation is None:
                import boto3

                cloudformation = boto3.session.Session(region_name=region).client(
                    "cloudformation")
            table = table_from_stack(cloudformation, stage)
    return Target(stage or "custom", table, region, endpoint_url)


def _local_endpoint() -> str:
    from infra.local.cloud import CloudConfig, LocalCloud

    return LocalCloud(CloudConfig.from_env()).endpoint_env()["AWS_ENDPOINT_URL_DYNAMODB"]


def _session_region() -> str | None:
    import boto3

    region: str | None = boto3.session.Session().region_name
    return region
