"""API Gateway settings that `chalice package` leaves at their defaults: throttling, access
logs, execution-error logs, metrics, and error bodies in the app's uniform shape.

The REST API itself (routes, the `api_key` TOKEN authorizer) is Chalice's; this module
overrides properties of the included `AWS::Serverless::Api`. API Gateway answers some
requests without calling the app (no `Authorization` header, a refused key, throttling);
the gateway responses make those look exactly like the app's own errors:
`{"error": {"code": ..., "message": ...}}`.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import RemovalPolicy, aws_apigateway, aws_iam, aws_logs
from constructs import Construct

from infra.gateway_errors import GATEWAY_RESPONSES
from infra.stack.settings import StageSettings

ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "method": "$context.httpMethod",
    "resource": "$context.resourcePath",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    # the authorizer's principal is the API key's id, never the key itself
    "principal": "$context.authorizer.principalId",
    "error": "$context.error.message",
}


def error_template(code: str, message: str | None) -> str:
    """A VTL mapping template producing the uniform error body."""
    if message is None:  # API Gateway's message, already a quoted JSON string
        return '{"error":{"code":"' + code + '","message":$context.error.messageString}}'
    return json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":"))


def gateway_responses() -> dict[str, Any]:
    """SAM `GatewayResponses`: part of the API definition, so every deployment carries them."""
    return {
        response_type: {
            "StatusCode": str(status),
            "ResponseParameters": {"Headers": {"Content-Type": "'application/json'"}},
            "ResponseTemplates": {"application/json": error_template(code, message)},
        }
        for response_type, (status, code, message) in GATEWAY_RESPONSES.items()
    }


class Api(Construct):
    """Configures the Chalice REST API (`rest_api`, an included SAM resource)."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 rest_api: Any) -> None:
        super().__init__(scope, construct_id)
        self.name = f"talentloop-{settings.stage}"
        self.access_logs = aws_logs.LogGroup(
            self, "AccessLogs",
            log_group_name=f"/talentloop/{settings.stage}/api-access",
            retention=settings.log_retention,
            removal_policy=settings.removal_policy,
        )
        # API Gateway writes logs with one role per account and region (a singleton
        # setting); stages with logging fail to deploy until it is set.
        self.cloudwatch_role = aws_iam.Role(
            self, "CloudWatchRole",
            assumed_by=aws_iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway (account setting): write access and execution logs",
            managed_policies=[aws_iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
        )
        self.account = aws_apigateway.CfnAccount(
            self, "Account", cloud_watch_role_arn=self.cloudwatch_role.role_arn)
        # Kept when the stack goes: other stacks' APIs in the account (dev beside prod) log
        # through the same setting, which deleting the role would silently break.
        self.cloudwatch_role.apply_removal_policy(RemovalPolicy.RETAIN)
        self.account.apply_removal_policy(RemovalPolicy.RETAIN)

        rest_api.add_property_override("Name", self.name)
        rest_api.add_property_override("MethodSettings", [{
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": settings.api_rate_limit,
            "ThrottlingBurstLimit": settings.api_burst_limit,
            "MetricsEnabled": True,
            "LoggingLevel": "ERROR",
            "DataTraceEnabled": False,  # would log request bodies: candidates' PII
        }])
        rest_api.add_property_override("AccessLogSetting", {
            "DestinationArn": self.access_logs.log_group_arn,
            "Format": json.dumps(ACCESS_LOG_FORMAT, separators=(",", ":")),
        })
        rest_api.add_property_override("GatewayResponses", gateway_responses())
        rest_api.node.add_dependency(self.account)
