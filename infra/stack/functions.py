"""The Chalice app as CDK sees it, and the event sources Chalice's decorators cannot express.

`chalice.cdk.Chalice` runs `chalice package` and includes the resulting SAM template. Its
stage config sets values for *all* functions at once, so each function's own role, timeout,
memory and log group (roles.py) are set afterwards as overrides of the included resource.
A function Chalice packages that roles.py does not know fails the synth: a new
`@bp.lambda_function` cannot silently run with another function's permissions.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from aws_cdk import CfnResource, Stack, aws_iam, aws_lambda
from chalice.cdk import Chalice
from constructs import Construct

from infra.definition import RESOURCES, QueueMappingDef, environment
from infra.stack.data import Data
from infra.stack.messaging import Messaging
from infra.stack.roles import FUNCTIONS, FunctionRoles, FunctionSpec
from infra.stack.secrets import Secrets
from infra.stack.settings import StageSettings
from infra.stack.storage import Storage

#: Lambda's retries of an asynchronous (SNS) invocation before the on-failure queue.
ASYNC_RETRIES = 2


class Functions(Construct):
    """`chalice` (the packaged app), `roles`, `log_groups`, `function_names`, mappings."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 data: Data, storage: Storage, messaging: Messaging, secrets: Secrets,
                 source_dir: Path, package_dir: Path) -> None:
        super().__init__(scope, construct_id)
        self._data = data
        self._messaging = messaging
        self.permissions = FunctionRoles(self, settings=settings, data=data,
                                         messaging=messaging, secrets=secrets,
                                         reports_bucket_arn=storage.reports.bucket_arn,
                                         storage=storage)
        self.roles = self.permissions.roles
        # candidate imports (docs/import-and-privacy.md): the API reads a tenant's upload and
        # writes its report next to it; the code keeps each tenant to uploads/<tenant>/
        self.roles["api_handler"].add_to_policy(aws_iam.PolicyStatement(
            sid="ImportUploads", actions=["s3:GetObject", "s3:PutObject"],
            resources=[storage.reports.arn_for_objects("uploads/*")]))
        self.log_groups = self.permissions.log_groups

        env = environment(
            settings.stage,
            outbox_queue=messaging.outbox.queue_url,
            table=data.table.table_name,
            reports_bucket=storage.reports.bucket_name,
            sender_email=settings.sender_email,
            ses_configuration_set=messaging.configuration_set.configuration_set_name,
            secrets=secrets.arns(),
            public_api_url=settings.public_api_url,
            vendor_base_url=settings.vendor_base_url,
            alerts_topic=messaging.alerts.topic_arn,
            exports_queue=messaging.exports.queue_url,
            imports_queue=messaging.imports.queue_url,
            hooks_queue=messaging.hooks.queue_url,
        )
        # Chalice names the stage after its scope's path: the stack's id is the stage name.
        stack = Stack.of(self)
        package_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.chdir(package_dir):  # `chalice.out/` lands there, not in the repo
            self.chalice = Chalice(stack, "Chalice", source_dir=str(source_dir), stage_config={
                "api_gateway_stage": "api",
                "environment_variables": env,
                "autogen_policy": False,
                # Dependencies in a layer keyed by requirements.txt alone: a code change
                # re-zips the app (a second), not every wheel (`pip download`, ~20 s).
                "automatic_layer": True,
                "manage_iam_role": False,
                # Every function gets its own role below; this is only Chalice's default.
                "iam_role_arn": self.roles["api_handler"].role_arn,
            })
        if self.chalice.stage_name != settings.stage:
            raise RuntimeError(f"Chalice packaged stage {self.chalice.stage_name!r}, "
                               f"expected {settings.stage!r}: create the stack with id=stage")
        self._check_known_functions()
        self.function_names: dict[str, str] = {}
        for spec in FUNCTIONS:
            self._configure(spec)
        self.stream_mapping = self._map_stream()
        self.outbox_mapping = self._map_outbox()
        self.exports_mapping = self._map_exports()
        self.imports_mapping = self._map_jobs(RESOURCES.imports_mapping, "ImportsMapping",
                                              self._messaging.imports.queue_arn)
        self.hooks_mapping = self._map_jobs(RESOURCES.hooks_mapping, "HooksMapping",
                                            self._messaging.hooks.queue_arn)
        self._subscribe_ses_events()

    # -- the included functions ------------------------------------------------------------
    def sam_function(self, name: str) -> Any:
        return self.chalice.get_resource(_spec(name).logical_id)

    def _check_known_functions(self) -> None:
        packaged = {
            logical for logical, resource in sam_resources(self.chalice).items()
            if resource.cfn_resource_type == "AWS::Serverless::Function"
        }
        known = {spec.logical_id for spec in FUNCTIONS}
        if packaged != known:
            raise RuntimeError(
                "Chalice packaged functions "
                f"{sorted(packaged - known)} that infra/stack/roles.py gives no role "
                f"(and lacks {sorted(known - packaged)}): add them to FUNCTIONS with the "
                "permissions their code needs")

    def _configure(self, spec: FunctionSpec) -> None:
        cfn = self.sam_function(spec.name)
        role = self.roles[spec.name]
        cfn.add_property_override("Role", role.role_arn)
        cfn.add_property_override("Timeout", spec.timeout_s)
        cfn.add_property_override("MemorySize", spec.memory_mb)
        cfn.add_property_override("LoggingConfig",
                                  {"LogGroup": self.log_groups[spec.name].log_group_name})
        # The role's policy must exist before the function runs or a mapping validates it
        # (the role itself is already a dependency through the `Role` reference).
        cfn.node.add_dependency(self.permissions.policy(spec.name))
        self.function_names[spec.name] = cfn.ref

    # -- event source mappings -------------------------------------------------------------
    # L1 mappings: the L2 one would try to grant the on-failure queue to the function's
    # role, which an included (SAM) function does not expose; the roles above already
    # carry exactly those permissions.
    def _map_stream(self) -> aws_lambda.CfnEventSourceMapping:
        spec = RESOURCES.stream_mapping
        mapping = aws_lambda.CfnEventSourceMapping(
            self, "StreamMapping",
            function_name=self.function_names[spec.function],
            event_source_arn=self._data.table.table_stream_arn,
            starting_position="TRIM_HORIZON",
            batch_size=spec.batch_size,
            maximum_batching_window_in_seconds=spec.max_batching_window_s,
            bisect_batch_on_function_error=spec.bisect_batch_on_error,
            maximum_retry_attempts=spec.retry_attempts,
            maximum_record_age_in_seconds=spec.max_record_age_s,
            parallelization_factor=spec.parallelization_factor,
            function_response_types=["ReportBatchItemFailures"],
            destination_config=aws_lambda.CfnEventSourceMapping.DestinationConfigProperty(
                on_failure=aws_lambda.CfnEventSourceMapping.OnFailureProperty(
                    destination=self._messaging.stream_failures.queue_arn)),
        )
        mapping.node.add_dependency(self.permissions.policy(spec.function))
        return mapping

    def _map_outbox(self) -> aws_lambda.CfnEventSourceMapping:
        spec = RESOURCES.outbox_mapping
        mapping = aws_lambda.CfnEventSourceMapping(
            self, "OutboxMapping",
            function_name=self.function_names[spec.function],
            event_source_arn=self._messaging.outbox.queue_arn,
            batch_size=spec.batch_size,
            maximum_batching_window_in_seconds=spec.max_batching_window_s,
            scaling_config=aws_lambda.CfnEventSourceMapping.ScalingConfigProperty(
                maximum_concurrency=spec.max_concurrency),
            function_response_types=["ReportBatchItemFailures"],
        )
        mapping.node.add_dependency(self.permissions.policy(spec.function))
        return mapping

    def _map_exports(self) -> aws_lambda.CfnEventSourceMapping:
        """One export per invocation; a failed one is reported and redelivered."""
        return self._map_jobs(RESOURCES.exports_mapping, "ExportsMapping",
                              self._messaging.exports.queue_arn)

    def _map_jobs(self, spec: QueueMappingDef, construct_id: str,
                  queue_arn: str) -> aws_lambda.CfnEventSourceMapping:
        """A job queue -> its worker, `spec.batch_size` jobs an invocation, failures reported."""
        mapping = aws_lambda.CfnEventSourceMapping(
            self, construct_id,
            function_name=self.function_names[spec.function],
            event_source_arn=queue_arn,
            batch_size=spec.batch_size,
            scaling_config=aws_lambda.CfnEventSourceMapping.ScalingConfigProperty(
                maximum_concurrency=spec.max_concurrency),
            function_response_types=["ReportBatchItemFailures"],
        )
        mapping.node.add_dependency(self.permissions.policy(spec.function))
        return mapping

    def _subscribe_ses_events(self) -> None:
        """SES -> configuration set -> SNS topic -> `ses_events`, as a SAM SNS event (SAM
        adds the subscription and the invoke permission for exactly this topic)."""
        messaging = self._messaging
        cfn = self.sam_function("ses_events")
        cfn.add_property_override("Events", {"SesEventsTopic": {
            "Type": "SNS", "Properties": {"Topic": messaging.ses_events.topic_arn}}})
        cfn.add_property_override("EventInvokeConfig", {
            "MaximumRetryAttempts": ASYNC_RETRIES,
            "DestinationConfig": {"OnFailure": {
                "Type": "SQS", "Destination": messaging.ses_events_failures.queue_arn}},
        })


def _spec(name: str) -> FunctionSpec:
    for spec in FUNCTIONS:
        if spec.name == name:
            return spec
    raise KeyError(f"no function {name!r} in infra/stack/roles.py FUNCTIONS")


def sam_resources(chalice: Chalice) -> dict[str, CfnResource]:
    """Logical id -> resource, for every resource of the template Chalice packaged."""
    return {child.node.id: child for child in chalice.sam_template.node.children
            if isinstance(child, CfnResource)}
