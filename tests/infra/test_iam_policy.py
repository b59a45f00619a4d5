"""The policy evaluator against the rules and examples of AWS's IAM User Guide ("Policy
evaluation logic", "IAM JSON policy elements: Condition operators", "Action", "Resource")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.iam_policy import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Request,
    UnsupportedCondition,
    evaluate,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/k-1"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/main"


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def effect(statements: list[dict[str, Any]], action: str, resource: str,
           **context: Any) -> str:
    return evaluate(statements, Request(action, resource, context)).effect


def test_nothing_applies_means_implicit_deny() -> None:
    assert effect([], "s3:GetObject", "arn:aws:s3:::b/k") == IMPLICIT_DENY
    assert effect([allow("s3:PutObject", "arn:aws:s3:::b/*")], "s3:GetObject",
                  "arn:aws:s3:::b/k") == IMPLICIT_DENY


def test_an_explicit_deny_overrides_any_allow() -> None:
    statements = [allow("sns:Publish", "*"), deny("sns:Publish", "arn:aws:sns:*:*:*")]
    assert effect(statements, "sns:Publish", "arn:aws:sns:us-east-1:1:alerts") == EXPLICIT_DENY
    # an SMS to a phone number has no ARN: only the "*" resource matches it
    assert effect(statements, "sns:Publish", "*") == ALLOW


def test_actions_match_case_insensitively_with_wildcards() -> None:
    statements = [allow(["dynamodb:Get*", "sqs:sendmessage"], "*")]
    assert effect(statements, "dynamodb:GetItem", TABLE) == ALLOW
    assert effect(statements, "DynamoDB:GetItem", TABLE) == ALLOW
    assert effect(statements, "sqs:SendMessage", "*") == ALLOW
    assert effect(statements, "dynamodb:PutItem", TABLE) == IMPLICIT_DENY
    assert effect([allow("s3:?etObject", "*")], "s3:GetObject", "x") == ALLOW


def test_not_action_applies_to_every_other_action() -> None:
    statements = [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]
    assert effect(statements, "s3:GetObject", "x") == ALLOW
    assert effect(statements, "iam:CreateUser", "x") == IMPLICIT_DENY


def test_resources_match_case_sensitively_and_wildcards_span_slashes() -> None:
    statements = [allow("s3:PutObject", "arn:aws:s3:::reports/tenant=*")]
    assert effect(statements, "s3:PutObject",
                  "arn:aws:s3:::reports/tenant=t1/report=summary/x.json") == ALLOW
    assert effect(statements, "s3:PutObject", "arn:aws:s3:::reports/Tenant=t1/x") \
        == IMPLICIT_DENY
    assert effect(statements, "s3:PutObject", "arn:aws:s3:::reports/exports/x") \
        == IMPLICIT_DENY
    # regex metacharacters in an ARN are literal
    assert effect([allow("s3:GetObject", "arn:aws:s3:::b/a+b")], "s3:GetObject",
                  "arn:aws:s3:::b/aab") == IMPLICIT_DENY


def test_table_grants_do_not_reach_indexes_they_do_not_name() -> None:
    statements = [allow("dynamodb:Query", [TABLE, f"{TABLE}/index/due"])]
    assert effect(statements, "dynamodb:Query", f"{TABLE}/index/due") == ALLOW
    assert effect(statements, "dynamodb:Query", f"{TABLE}/index/gsi1") == IMPLICIT_DENY


def test_not_resource() -> None:
    statements = [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}]
    assert effect(statements, "s3:GetObject", "arn:aws:s3:::open/k") == ALLOW
    assert effect(statements, "s3:GetObject", "arn:aws:s3:::secret/k") == IMPLICIT_DENY


VIA = {"StringEquals": {"kms:ViaService": ["sqs.us-east-1.amazonaws.com",
                                           "dynamodb.us-east-1.amazonaws.com"]}}


def test_values_of_one_key_are_ored_and_a_missing_key_fails() -> None:
    statements = [allow("kms:Decrypt", KEY, Condition=VIA)]
    assert effect(statements, "kms:Decrypt", KEY,
                  **{"kms:ViaService": "sqs.us-east-1.amazonaws.com"}) == ALLOW
    assert effect(statements, "kms:Decrypt", KEY,
                  **{"kms:ViaService": "sns.us-east-1.amazonaws.com"}) == IMPLICIT_DENY
    # a direct call to KMS carries no kms:ViaService
    assert effect(statements, "kms:Decrypt", KEY) == IMPLICIT_DENY


def test_condition_keys_are_case_insensitive() -> None:
    statements = [allow("kms:Decrypt", KEY, Condition=VIA)]
    assert effect(statements, "kms:Decrypt", KEY,
                  **{"KMS:viaservice": "sqs.us-east-1.amazonaws.com"}) == ALLOW


def test_operators_and_keys_are_anded() -> None:
    condition = {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com",
                                  "kms:CallerAccount": "123456789012"},
                 "Bool": {"aws:SecureTransport": "true"}}
    statements = [allow("kms:GenerateDataKey", KEY, Condition=condition)]
    ok = {"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012",
          "aws:SecureTransport": "true"}
    assert effect(statements, "kms:GenerateDataKey", KEY, **ok) == ALLOW
    assert effect(statements, "kms:GenerateDataKey", KEY,
                  **{**ok, "aws:SecureTransport": "false"}) == IMPLICIT_DENY
    assert effect(statements, "kms:GenerateDataKey", KEY,
                  **{**ok, "kms:CallerAccount": "999999999999"}) == IMPLICIT_DENY


def test_negated_operators_hold_when_the_key_is_missing() -> None:
    # the documentation's rule: "...StringNotLike or ArnNotLike, and the right key is not
    # present, the condition is true"
    statements = [deny("s3:*", "*", Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})]
    assert effect(statements, "s3:GetObject", "arn:aws:s3:::b/k") == EXPLICIT_DENY
    assert effect([*statements, allow("s3:*", "*")], "s3:GetObject", "arn:aws:s3:::b/k",
                  **{"aws:SourceVpce": "vpce-1"}) == ALLOW


def test_if_exists_and_null() -> None:
    if_exists = [allow("ec2:RunInstances", "*",
                       Condition={"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}})]
    assert effect(if_exists, "ec2:RunInstances", "x") == ALLOW
    assert effect(if_exists, "ec2:RunInstances", "x", **{"ec2:InstanceType": "t3.micro"}) == ALLOW
    assert effect(if_exists, "ec2:RunInstances", "x",
                  **{"ec2:InstanceType": "m5.large"}) == IMPLICIT_DENY
    # the TLS deny of a bucket policy: Bool false matches only plain-HTTP requests
    tls = [allow("s3:*", "*"),
           deny("s3:*", "*", Condition={"Bool": {"aws:SecureTransport": "false"}})]
    assert effect(tls, "s3:GetObject", "x", **{"aws:SecureTransport": "true"}) == ALLOW
    assert effect(tls, "s3:GetObject", "x", **{"aws:SecureTransport": "false"}) == EXPLICIT_DENY
    null = [allow("s3:*", "*", Condition={"Null": {"aws:TokenIssueTime": "true"}})]
    assert effect(null, "s3:GetObject", "x") == ALLOW
    assert effect(null, "s3:GetObject", "x", **{"aws:TokenIssueTime": "t"}) == IMPLICIT_DENY


def test_string_like_arn_like_and_set_qualifiers() -> None:
    like = [allow("sqs:SendMessage", "*",
                  Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}})]
    assert effect(like, "sqs:SendMessage", "q",
                  **{"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts"}) == ALLOW
    assert effect(like, "sqs:SendMessage", "q",
                  **{"aws:SourceArn": "arn:aws:sns:us-east-1:999999999999:alerts"}) \
        == IMPLICIT_DENY
    tags = [allow("dynamodb:GetItem", "*", Condition={
        "ForAllValues:StringLike": {"dynamodb:Attributes": ["pk", "sk", "gsi*"]}})]
    assert effect(tags, "dynamodb:GetItem", TABLE,
                  **{"dynamodb:Attributes": ["pk", "gsi1pk"]}) == ALLOW
    assert effect(tags, "dynamodb:GetItem", TABLE,
                  **{"dynamodb:Attributes": ["pk", "email"]}) == IMPLICIT_DENY
    anyv = [allow("s3:*", "*", Condition={"ForAnyValue:StringEquals": {"k": ["a", "b"]}})]
    assert effect(anyv, "s3:GetObject", "x", k=["z", "b"]) == ALLOW


def test_an_unknown_operator_raises_rather_than_guessing() -> None:
    statements = [allow("s3:*", "*", Condition={"StringSoundsLike": {"k": "v"}})]
    with pytest.raises(UnsupportedCondition):
        effect(statements, "s3:GetObject", "x", k="v")
