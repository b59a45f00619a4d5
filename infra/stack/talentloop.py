"""One stage of TalentLoop as one CloudFormation stack, assembled from the parts beside it."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Stack, Tags
from chalice.cli.factory import CLIFactory
from constructs import Construct

from infra.definition import RESOURCES
from infra.stack.api import Api
from infra.stack.data import Data
from infra.stack.functions import Functions
from infra.stack.messaging import Messaging
from infra.stack.nag import acknowledge_findings
from infra.stack.observability import Observability, Watched
from infra.stack.schedules import check_schedules
from infra.stack.secrets import Secrets
from infra.stack.settings import StageSettings
from infra.stack.storage import Storage


class TalentLoopStack(Stack):
    """The stack's id is the stage name (Chalice takes its stage from it)."""

    def __init__(self, scope: Construct, *, settings: StageSettings, source_dir: Path,
                 package_dir: Path) -> None:
        super().__init__(
            scope, settings.stage,
            stack_name=f"talentloop-{settings.stage}",
            description=f"TalentLoop {settings.stage}: API, sweep, stream, sender and data",
            termination_protection=settings.retain_data,
        )
        Tags.of(self).add("app", "talentloop")
        Tags.of(self).add("stage", settings.stage)

        self.data = Data(self, "Data", settings=settings)
        key = self.data.key
        self.storage = Storage(self, "Storage", settings=settings, key=key)
        self.messaging = Messaging(self, "Messaging", settings=settings, key=key)
        self.secrets = Secrets(self, "Secrets", settings=settings, key=key)
        self.functions = Functions(
            self, "Functions", settings=settings, data=self.data, storage=self.storage,
            messaging=self.messaging, secrets=self.secrets, source_dir=source_dir,
            package_dir=package_dir)
        self.schedules = check_schedules(CLIFactory(str(source_dir)).load_chalice_app(),
                                         RESOURCES.schedules)
        chalice = self.functions.chalice
        rest_api = chalice.get_resource("RestAPI")
        self.api = Api(self, "Api", settings=settings, rest_api=rest_api)
        m = self.messaging
        self.observability = Observability(
            self, "Observability", settings=settings, alerts=m.alerts,
            watched=Watched(
                function_names=self.functions.function_names,
                sweep_log_group=self.functions.log_groups["sweep"],
                api_name=self.api.name, api_stage="api",
                dead_letter_queues={"OutboxDlq": m.outbox_dlq,
                                    "StreamFailures": m.stream_failures,
                                    "StreamFailuresDlq": m.stream_failures_dlq,
                                    "SesEventsFailures": m.ses_events_failures,
                                    "ExportsDlq": m.exports_dlq,
                                    "ImportsDlq": m.imports_dlq,
                                    "HooksDlq": m.hooks_dlq},
                queues={"Outbox": m.outbox, "Exports": m.exports, "Imports": m.imports,
                        "Hooks": m.hooks},
            ))
        acknowledge_findings(self)

        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "ReportsBucket", value=self.storage.reports.bucket_name)
        CfnOutput(self, "AlertsTopic", value=m.alerts.topic_arn)
        CfnOutput(self, "SesConfigurationSet",
                  value=m.configuration_set.configuration_set_name)
        for number, record in enumerate(m.identity.dkim_records, start=1):
            CfnOutput(self, f"DkimRecord{number}Name", value=record.name,
                      description="CNAME to create in the sender domain's DNS (DEPLOY.md)")
            CfnOutput(self, f"DkimRecord{number}Value", value=record.value)
